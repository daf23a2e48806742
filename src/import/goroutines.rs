//! Text goroutine dumps (`/debug/pprof/goroutine?debug=1` and `?debug=2`):
//! parsed into groups of goroutines with the same stack (and, for debug=2,
//! the same state), with the longest wait and the blocking function named,
//! and turned into a goroutine profile so every view works on them too.

use super::builder::Importer;
use crate::error::{Error, ErrorKind, Result};
use crate::proto::{self, Label};

/// One stack frame of a dump.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Frame {
    /// Function name, without arguments.
    pub func: String,
    /// Source file.
    pub file: String,
    /// Source line.
    pub line: i64,
}

/// Goroutines sharing a stack (and state).
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// How many goroutines.
    pub count: u64,
    /// Their state ("chan receive", "select", "running"...; "" in debug=1 dumps).
    pub state: String,
    /// The longest wait among them, in minutes (0 when not reported).
    pub max_wait_minutes: u64,
    /// The stack, innermost frame first.
    pub frames: Vec<Frame>,
    /// The function that started them ("" when unknown).
    pub created_by: String,
    /// What they are blocked on, named from the state or the stack.
    pub blocked_on: String,
    /// Their pprof labels (`# labels: {...}` in debug=1 dumps), sorted.
    pub labels: Vec<(String, String)>,
}

/// A parsed dump.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dump {
    /// 1 or 2.
    pub debug: u8,
    /// Groups, largest first.
    pub groups: Vec<Group>,
    /// Goroutines in all.
    pub total: u64,
    /// Lines that could not be read, with their number (the rest still loads).
    pub warnings: Vec<String>,
    /// A `goroutineleak profile` (Go 1.26): every goroutine in it was found
    /// leaked by the runtime.
    pub leak: bool,
}

/// True when `data` starts like a goroutine dump.
pub fn looks_like_dump(data: &[u8]) -> bool {
    let head = &data[..data.len().min(64)];
    head.starts_with(b"goroutine profile: total ")
        || head.starts_with(b"goroutineleak profile: total ")
        || (head.starts_with(b"goroutine ") && head.contains(&b'['))
}

/// Parses a debug=1 or debug=2 dump.
pub fn parse(text: &str) -> Result<Dump> {
    let first = text.lines().next().unwrap_or("");
    let leak = first.starts_with("goroutineleak profile: total ");
    let mut d =
        if leak || first.starts_with("goroutine profile: total ") { parse_debug1(text) } else { parse_debug2(text) };
    d.leak = leak;
    let before = d.groups.len();
    d.groups.retain(|g| !g.frames.is_empty());
    if d.groups.len() < before {
        d.warnings.push(format!("{} goroutines without a readable stack were left out", before - d.groups.len()));
    }
    if d.groups.is_empty() {
        return Err(Error::new(ErrorKind::NotAProfile, "not a goroutine dump: no goroutine found in the text"));
    }
    d.total = d.groups.iter().map(|g| g.count).sum();
    crate::order::sort_by(&mut d.groups, |a, b| {
        b.count.cmp(&a.count).then(b.max_wait_minutes.cmp(&a.max_wait_minutes))
    });
    Ok(d)
}

fn parse_debug1(text: &str) -> Dump {
    let mut d = Dump { debug: 1, ..Default::default() };
    let mut cur: Option<Group> = None;
    for (i, line) in text.lines().enumerate().skip(1) {
        let t = line.trim_end();
        if t.is_empty() {
            continue;
        }
        if let Some(rest) = t.strip_prefix('#') {
            let fields: Vec<&str> = rest.split_whitespace().collect();
            if fields.first() == Some(&"labels:") {
                // `# labels: {"handler":"/api/users", "k":"v"}`
                if let Some(g) = &mut cur {
                    g.labels = parse_labels(rest.trim_start().trim_start_matches("labels:").trim());
                }
                continue;
            }
            match (&mut cur, fields.len()) {
                (Some(g), n) if n >= 2 => {
                    let func = strip_offset(fields[1]);
                    let (file, line_no) = fields.get(2).map(|f| split_file_line(f)).unwrap_or_default();
                    g.frames.push(Frame { func, file, line: line_no });
                }
                _ => d.warnings.push(format!("line {}: unreadable frame: {}", i + 1, short(t))),
            }
            continue;
        }
        if let Some((count, _)) = t.split_once(" @ ") {
            if let Some(g) = cur.take() {
                d.groups.push(finish(g));
            }
            match count.trim().parse::<u64>() {
                Ok(c) => {
                    cur = Some(Group {
                        count: c,
                        state: String::new(),
                        max_wait_minutes: 0,
                        frames: vec![],
                        created_by: String::new(),
                        blocked_on: String::new(),
                        labels: Vec::new(),
                    })
                }
                Err(_) => d.warnings.push(format!("line {}: bad goroutine count: {}", i + 1, short(t))),
            }
            continue;
        }
        d.warnings.push(format!("line {}: not a dump line: {}", i + 1, short(t)));
    }
    if let Some(g) = cur.take() {
        d.groups.push(finish(g));
    }
    d
}

fn parse_debug2(text: &str) -> Dump {
    let mut d = Dump { debug: 2, ..Default::default() };
    let mut groups: Vec<Group> = Vec::new();
    let mut index: std::collections::HashMap<(String, Vec<Frame>, String), usize> = std::collections::HashMap::new();
    let mut add = |g: Group, groups: &mut Vec<Group>| {
        let g = finish(g);
        let key = (g.state.clone(), g.frames.clone(), g.created_by.clone());
        match index.get(&key) {
            Some(&k) => {
                groups[k].count += 1;
                groups[k].max_wait_minutes = groups[k].max_wait_minutes.max(g.max_wait_minutes);
            }
            None => {
                index.insert(key, groups.len());
                groups.push(g);
            }
        }
    };
    let mut cur: Option<Group> = None;
    let mut pending_func: Option<String> = None;
    let mut created = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_end();
        if t.is_empty() {
            if let Some(g) = cur.take() {
                add(g, &mut groups);
            }
            continue;
        }
        if let Some(rest) = t.strip_prefix("goroutine ") {
            if let Some(g) = cur.take() {
                add(g, &mut groups);
            }
            let state = rest.split_once('[').and_then(|(_, s)| s.split_once(']')).map(|(s, _)| s);
            match state {
                Some(s) => {
                    let mut parts = s.split(", ");
                    let st = parts.next().unwrap_or("").to_string();
                    let mut wait = 0;
                    for p in parts {
                        if let Some(m) = p.strip_suffix(" minutes").or_else(|| p.strip_suffix(" minute")) {
                            wait = m.trim().parse().unwrap_or(0);
                        }
                    }
                    cur = Some(Group {
                        count: 1,
                        state: st,
                        max_wait_minutes: wait,
                        frames: vec![],
                        created_by: String::new(),
                        blocked_on: String::new(),
                        labels: Vec::new(),
                    });
                }
                None => d.warnings.push(format!("line {}: goroutine header without a state: {}", i + 1, short(t))),
            }
            pending_func = None;
            created = false;
            continue;
        }
        let Some(g) = cur.as_mut() else {
            d.warnings.push(format!("line {}: text outside a goroutine: {}", i + 1, short(t)));
            continue;
        };
        if let Some(loc) = t.strip_prefix('\t') {
            let (file, line_no) = split_file_line(loc.split_whitespace().next().unwrap_or(""));
            match pending_func.take() {
                Some(func) if created => g.created_by = format!("{func} {file}:{line_no}"),
                Some(func) => g.frames.push(Frame { func, file, line: line_no }),
                None => d.warnings.push(format!("line {}: location without a function: {}", i + 1, short(t))),
            }
            continue;
        }
        if let Some(f) = t.strip_prefix("created by ") {
            created = true;
            let f = f.split(" in goroutine ").next().unwrap_or(f);
            pending_func = Some(f.to_string());
            continue;
        }
        if t.starts_with("...") {
            continue; // "...additional frames elided..."
        }
        if pending_func.is_some() {
            d.warnings.push(format!("line {}: function without a location before: {}", i + 1, short(t)));
        }
        pending_func = Some(strip_args(t));
    }
    if let Some(g) = cur.take() {
        add(g, &mut groups);
    }
    d.groups = groups;
    d
}

/// The pairs of a `{"k":"v", …}` label list, sorted.
fn parse_labels(text: &str) -> Vec<(String, String)> {
    let body = text.trim().trim_start_matches('{').trim_end_matches('}');
    let mut out: Vec<(String, String)> = body
        .split("\", \"")
        .filter_map(|kv| {
            let (k, v) = kv.split_once("\":\"")?;
            Some((
                k.trim_matches(|c| c == '"' || c == ' ').to_string(),
                v.trim_matches(|c| c == '"' || c == ' ').to_string(),
            ))
        })
        .collect();
    out.sort();
    out
}

fn finish(mut g: Group) -> Group {
    g.blocked_on = blocked_on(&g.state, &g.frames);
    g
}

/// What a group waits on: its state when it names a wait, else the runtime
/// function at the top of its stack.
fn blocked_on(state: &str, frames: &[Frame]) -> String {
    match state {
        "" | "running" | "runnable" | "syscall" | "waiting" => {
            let names: Vec<String> = frames.iter().map(|f| f.func.clone()).collect();
            let named = crate::frames::blocked_on(&names);
            if named.is_empty() {
                state.to_string()
            } else {
                named
            }
        }
        s => s.to_string(),
    }
}

fn strip_offset(f: &str) -> String {
    match f.rfind("+0x") {
        Some(i) => f[..i].to_string(),
        None => f.to_string(),
    }
}

fn strip_args(f: &str) -> String {
    // "pkg.F(0x1, {0x2, 0x3})" → "pkg.F"; names may hold "(*T)" before the arguments.
    match f.rfind('(') {
        Some(i) if f.ends_with(')') && i > 0 => f[..i].to_string(),
        _ => f.to_string(),
    }
}

fn split_file_line(s: &str) -> (String, i64) {
    match s.rsplit_once(':') {
        Some((f, l)) => (f.to_string(), l.parse().unwrap_or(0)),
        None => (s.to_string(), 0),
    }
}

fn short(s: &str) -> String {
    s.chars().take(80).collect()
}

/// The importer: the dump as a goroutine profile, built directly as the
/// decode stage's output (no protobuf round trip): sample type
/// goroutine/count, one sample per group with its state, blocking function,
/// wait and creator as labels, and up to five unreadable lines as comments.
pub fn to_proto(d: &Dump) -> proto::Profile {
    let mut b = Importer::default();
    b.str("");
    let kind = if d.leak { "goroutineleak" } else { "goroutine" };
    b.types(&[(kind, "count")], (kind, "count"), 1);
    let what = if d.leak { "goroutine leak profile" } else { "goroutine dump" };
    let mut comments = vec![format!("converted from a debug={} {what}", d.debug)];
    comments.extend(d.warnings.iter().take(5).map(|w| format!("warning: {w}")));
    if d.warnings.len() > 5 {
        comments.push(format!("warning: {} more unreadable lines", d.warnings.len() - 5));
    }
    for c in &comments {
        let i = b.str(c);
        b.h.comment.push(i);
    }
    let mut s = proto::SampleColumns::started();
    for g in &d.groups {
        for f in &g.frames {
            let id = b.location(&f.func, &f.file, f.line);
            s.location_ids.push(id);
        }
        s.values.push(g.count as i64);
        for (k, v) in g.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())).chain([
            ("state", g.state.as_str()),
            ("blocked on", g.blocked_on.as_str()),
            ("created by", g.created_by.as_str()),
        ]) {
            if !v.is_empty() {
                let (key, str) = (b.str(k), b.str(v));
                s.labels.push(&Label { key, str, ..Default::default() });
            }
        }
        if g.max_wait_minutes > 0 {
            let (key, num_unit) = (b.str("wait"), b.str("minutes"));
            s.labels.push(&Label { key, num: g.max_wait_minutes as i64, num_unit, ..Default::default() });
        }
        s.end_sample();
    }
    proto::Profile { header: b.h, samples: s }
}
