//! Goroutine profiles (and converted dumps) as groups: count, state, what
//! they wait on, the longest wait, their own-code function and creator.

use crate::frames;

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
    /// The innermost frame of the program's own code (else the leaf).
    pub function: String,
    /// Creator label.
    pub created_by: String,
}

/// The samples of a goroutine profile (or converted dump) as groups,
/// largest first.
pub fn goroutine_groups(p: &crate::Profile) -> Vec<GoroutineGroup> {
    let vi = p.default_index();
    let l = &p.samples.labels;
    let mut out: Vec<GoroutineGroup> = (0..p.samples.len())
        .map(|s| {
            let label = |k: &str| {
                p.samples
                    .label_range(s)
                    .find(|&i| p.str(l.key[i]) == k)
                    .map(|i| (p.str(l.str[i]).to_string(), l.num[i]))
            };
            let names: Vec<&str> = p
                .samples
                .stack(s)
                .iter()
                .flat_map(|&loc| {
                    p.locations.frames(loc as usize).map(|f| p.str(p.functions.name[p.frames.func[f] as usize]))
                })
                .collect();
            let function = names
                .iter()
                .find(|n| frames::is_own_code(n))
                .or(names.first())
                .map(|n| n.to_string())
                .unwrap_or_default();
            let owned: Vec<String> = names.iter().map(|n| n.to_string()).collect();
            let named = frames::blocked_on(&owned);
            let from_stack = (!named.is_empty()).then_some(named);
            GoroutineGroup {
                count: p.value(s, vi),
                state: label("state").map(|x| x.0).unwrap_or_default(),
                blocked_on: label("blocked on").map(|x| x.0).or(from_stack).unwrap_or_default(),
                wait_minutes: label("wait").map(|x| x.1).unwrap_or(0),
                function,
                created_by: label("created by").map(|x| x.0).unwrap_or_default(),
            }
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(b.wait_minutes.cmp(&a.wait_minutes)));
    out
}
