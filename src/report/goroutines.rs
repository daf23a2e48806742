//! Goroutine profiles (and converted dumps) as groups: count, state, what
//! they wait on, the longest wait, their own-code function and creator.

use crate::frames;
use std::fmt::Write;

/// A group of goroutines in a goroutine profile: one sample.
#[derive(Clone, Debug, PartialEq)]
pub struct GoroutineGroup {
    /// Goroutines in the group.
    pub count: i64,
    /// State label ("" when the profile has none: Go's own goroutine profiles).
    pub state: String,
    /// What it waits on: the label, else named from the runtime frames.
    pub blocked_on: String,
    /// Longest wait in minutes (dumps only).
    pub wait_minutes: i64,
    /// The innermost frame of the program's own code (else the outermost frame: the goroutine's entry).
    pub function: String,
    /// Creator label.
    pub created_by: String,
    /// The stack, innermost frame first: (function, file, line).
    pub frames: Vec<(String, String, i64)>,
    /// Its pprof labels ("handler=/api/users, …"; "" when none).
    pub labels: String,
    /// How many other groups have the same stack and state, told apart only
    /// by their labels (0: none).
    pub same_stack: usize,
    /// Its sample's index in the profile (what the page filters on).
    pub sample: usize,
    /// Flagged as leaked by the runtime's own detector (Go 1.26's
    /// goroutineleak profile, or a dump's "(leaked)" state).
    pub leaked: bool,
}

/// True for the sample types of goroutine profiles: `goroutine`, and Go
/// 1.26's `goroutineleak` (goroutines the runtime found blocked forever).
pub fn is_goroutine_type(ty: &str) -> bool {
    ty == "goroutine" || ty == "goroutineleak"
}

/// True when `p` is a goroutine profile (or a converted dump): one sample
/// type, a goroutine count.
pub fn is_goroutine_profile(p: &crate::Profile) -> bool {
    p.sample_types.len() == 1 && is_goroutine_type(&p.sample_types[0].ty)
}

impl GoroutineGroup {
    /// The longest wait as the page shows it ("12 min"), or "".
    pub fn wait_text(&self) -> String {
        if self.wait_minutes > 0 {
            format!("{} min", self.wait_minutes)
        } else {
            String::new()
        }
    }
}

/// The samples of a goroutine profile (or converted dump) as groups,
/// largest first.
pub fn goroutine_groups(p: &crate::Profile) -> Vec<GoroutineGroup> {
    let vi = p.default_index();
    let leak_profile = p.sample_types.iter().any(|t| t.ty == "goroutineleak");
    let l = &p.samples.labels;
    let mut out: Vec<GoroutineGroup> = (0..p.samples.len())
        .map(|s| {
            let label = |k: &str| {
                p.samples
                    .label_range(s)
                    .find(|&i| p.str(l.key[i]) == k)
                    .map(|i| (p.str(l.str[i]).to_string(), l.num[i]))
            };
            let stack: Vec<(String, String, i64)> = p
                .samples
                .stack(s)
                .iter()
                .flat_map(|loc| p.locations.frames(loc as usize))
                .map(|f| {
                    let func = p.frames.func[f] as usize;
                    let (name, file) = (p.functions.name[func], p.functions.filename[func]);
                    (p.str(name).to_string(), p.str(file).to_string(), p.frames.line[f])
                })
                .collect();
            let names: Vec<&str> = stack.iter().map(|f| f.0.as_str()).collect();
            let function = names
                .iter()
                .find(|n| frames::is_own_code(n))
                .or(names.last())
                .map(|n| n.to_string())
                .unwrap_or_default();
            let named = frames::blocked_on(&names);
            let from_stack = (!named.is_empty()).then_some(named);
            // The program's own labels (the dump importer's are facts shown apart).
            let mut labels: Vec<String> = p
                .samples
                .label_range(s)
                .filter(|&i| l.str[i] != 0 && !["state", "blocked on", "created by"].contains(&p.str(l.key[i])))
                .map(|i| format!("{}={}", p.str(l.key[i]), p.str(l.str[i])))
                .collect();
            labels.sort();
            let state = label("state").map(|x| x.0).unwrap_or_default();
            GoroutineGroup {
                labels: labels.join(", "),
                same_stack: 0,
                sample: s,
                leaked: leak_profile || state.contains("leaked"),
                count: p.value(s, vi),
                state,
                blocked_on: label("blocked on").map(|x| x.0).or(from_stack).unwrap_or_default(),
                wait_minutes: label("wait").map(|x| x.1).unwrap_or(0),
                function,
                created_by: label("created by").map(|x| x.0).unwrap_or_default(),
                frames: stack,
            }
        })
        .collect();
    crate::order::sort_by(&mut out, |a, b| b.count.cmp(&a.count).then(b.wait_minutes.cmp(&a.wait_minutes)));
    // Groups that differ only by their labels say so.
    type Stack<'a> = (&'a [(String, String, i64)], &'a str);
    let mut same: std::collections::HashMap<Stack, usize> = Default::default();
    for g in &out {
        *same.entry((&g.frames, &g.state)).or_default() += 1;
    }
    let twins: Vec<usize> = out.iter().map(|g| same[&(&g.frames[..], g.state.as_str())] - 1).collect();
    for (g, n) in out.iter_mut().zip(twins) {
        g.same_stack = n;
    }
    out
}

/// The text of `pprof-lens goroutines`: the groups of a goroutine profile
/// or dump, from the same model as the page's table.
pub fn groups_text(p: &crate::Profile) -> String {
    let groups = goroutine_groups(p);
    let total: i64 = groups.iter().map(|g| g.count).sum();
    let source =
        p.comments.iter().find_map(|c| c.strip_prefix("converted from a ").map(str::to_string)).unwrap_or_else(|| {
            let leak = p.sample_types.iter().any(|t| t.ty == "goroutineleak");
            if leak { "goroutine leak profile" } else { "goroutine profile" }.to_string()
        });
    let mut out = String::new();
    let _ = writeln!(out, "Goroutines: {total} in {} groups ({source})", groups.len());
    if groups.iter().any(|g| g.leaked) {
        let _ = writeln!(
            out,
            "Leaked: the runtime's leak detector found the goroutines marked (leaked) blocked forever (nothing can ever wake them)"
        );
    }
    for w in p.comments.iter().filter_map(|c| c.strip_prefix("warning: ")) {
        let _ = writeln!(out, "Warning: {w}");
    }
    for g in &groups {
        let wait = if g.wait_minutes > 0 { format!(", longest {} minutes", g.wait_minutes) } else { String::new() };
        let blocked = if g.blocked_on.is_empty() { "-" } else { &g.blocked_on };
        let leaked = if g.leaked { " (leaked)" } else { "" };
        let _ = writeln!(out, "{:>8}  {blocked}{wait}  in {}{leaked}", g.count, g.function);
        if !g.labels.is_empty() {
            let twins = match g.same_stack {
                0 => String::new(),
                n => format!(
                    " (the same stack as {n} other group{}, told apart by labels)",
                    if n > 1 { "s" } else { "" }
                ),
            };
            let _ = writeln!(out, "{:>10}labels: {}{twins}", "", g.labels);
        }
        for (func, file, line) in &g.frames {
            let _ = writeln!(out, "{:>10}{func}  {file}:{line}", "");
        }
        if !g.created_by.is_empty() {
            let _ = writeln!(out, "{:>10}created by {}", "", g.created_by);
        }
    }
    out
}

/// `pprof-lens goroutines --format=json`: every group with its frames.
pub fn groups_json(p: &crate::Profile) -> String {
    use super::json_str;
    let groups: Vec<String> = goroutine_groups(p)
        .iter()
        .map(|g| {
            let frames: Vec<String> = g
                .frames
                .iter()
                .map(|(f, file, line)| format!("{{\"function\":{},\"file\":{},\"line\":{line}}}", json_str(f), json_str(file)))
                .collect();
            format!(
                "{{\"count\":{},\"leaked\":{},\"labels\":{},\"state\":{},\"blocked_on\":{},\"wait_minutes\":{},\"function\":{},\"created_by\":{},\"frames\":[{}]}}",
                g.count,
                g.leaked,
                json_str(&g.labels),
                json_str(&g.state),
                json_str(&g.blocked_on),
                g.wait_minutes,
                json_str(&g.function),
                json_str(&g.created_by),
                frames.join(",")
            )
        })
        .collect();
    format!("{{\"groups\":[{}]}}\n", groups.join(","))
}
