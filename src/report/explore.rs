//! What the page's explore panels show: the callers and callees of one
//! function (pprof's `-peek` as tables), and the labels of the kept samples
//! with their share of the total.

use crate::aggregate::combine::BASE_LABEL;
use crate::aggregate::graph::{OncePerSample, Stacks, INLINED};
use crate::aggregate::Prepared;
use crate::model::NONE;
use crate::units;
use std::collections::HashMap;

/// A caller or callee and the value flowing through that edge.
#[derive(Clone, Debug, PartialEq)]
pub struct Neighbour {
    /// Graph node.
    pub node: u32,
    /// Sum of the values of the samples with this edge (each sample once).
    pub value: i64,
}

/// Callers and callees of a node, biggest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Neighbours {
    /// Who calls the node.
    pub callers: Vec<Neighbour>,
    /// Whom the node calls.
    pub callees: Vec<Neighbour>,
    /// The node's flat value.
    pub flat: i64,
    /// The node's cum value.
    pub cum: i64,
}

/// Callers and callees of graph node `node`, with pprof's edge semantics
/// (self-recursion is no edge; a sample counts once per edge).
pub fn neighbours(pr: &Prepared, node: u32) -> Neighbours {
    let nn = pr.nodes.len();
    let (mut into, mut out) = (vec![0i64; nn], vec![0i64; nn]);
    let (mut once_in, mut once_out) = (OncePerSample::new(nn), OncePerSample::new(nn));
    let (mut flat, mut cum) = (0i64, 0i64);
    for s in pr.stacks.weighted(&pr.profile, pr.value_index) {
        let w = s.value;
        if !s.stack.iter().any(|r| r & !INLINED == node) {
            continue;
        }
        cum = cum.wrapping_add(w);
        if s.stack.last().map(|r| r & !INLINED) == Some(node) {
            flat = flat.wrapping_add(w);
        }
        let mut parent = NONE;
        for raw in s.stack {
            let n = raw & !INLINED;
            if n == node && parent != NONE && parent != node && once_in.first(parent as usize, s.k) {
                into[parent as usize] = into[parent as usize].wrapping_add(w);
            } else if parent == node && n != node && once_out.first(n as usize, s.k) {
                out[n as usize] = out[n as usize].wrapping_add(w);
            }
            parent = n;
        }
    }
    let list = |v: &[i64]| {
        let mut l: Vec<Neighbour> = v
            .iter()
            .enumerate()
            .filter(|(_, &x)| x != 0)
            .map(|(n, &x)| Neighbour { node: n as u32, value: x })
            .collect();
        crate::order::sort_by(&mut l, |a, b| {
            b.value.unsigned_abs().cmp(&a.value.unsigned_abs()).then(a.node.cmp(&b.node))
        });
        l
    };
    Neighbours { callers: list(&into), callees: list(&out), flat, cum }
}

/// The two halves of a function's pivot flame graph, as stacks starting at
/// the function: its callers (the function, its caller, that one's caller…)
/// and its callees (the function and what it calls). Each stack through the
/// function is cut at its outermost occurrence of it.
pub fn pivot_stacks(pr: &Prepared, node: u32) -> (Stacks, Stacks) {
    let (mut up, mut down) = (Stacks::owned(), Stacks::owned());
    let mut frames = Vec::new();
    for w in pr.stacks.weighted(&pr.profile, pr.value_index) {
        let s = w.sample as u32;
        frames.clear();
        frames.extend(w.stack);
        let Some(i) = frames.iter().position(|&r| r & !INLINED == node) else { continue };
        // The function itself is one root, inlined here or not.
        up.push(s, std::iter::once(node).chain(frames[..i].iter().rev().copied()));
        down.push(s, std::iter::once(node).chain(frames[i + 1..].iter().copied()));
    }
    (up, down)
}

/// One value of a label key and what the kept samples carrying it weigh.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelValue {
    /// The value as shown ("/api/users", "64kB", "[1kB, 2kB)").
    pub text: String,
    /// Sum of |value| of the samples carrying it.
    pub value: i64,
    /// The `-tagfocus` that keeps exactly these samples.
    pub tagfocus: String,
}

/// A label key and its values, biggest first.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelKey {
    /// The key.
    pub key: String,
    /// True for numeric labels.
    pub numeric: bool,
    /// Its values.
    pub values: Vec<LabelValue>,
}

/// Numeric values with more distinct values than this are put in buckets.
const MAX_EXACT: usize = 12;

/// Every label key of the kept samples with its values and their weight.
/// Numeric values are shown with their unit; when a key has many, they are
/// bucketed by powers of two.
///
/// In a comparison (`signed`), values are summed with their sign (the
/// base's samples negated), as `go tool pprof -tags -diff_base` sums them,
/// and the base's marker label (`pprof::base`) is left out.
pub fn label_summary(pr: &Prepared, signed: bool) -> Vec<LabelKey> {
    let p = &pr.profile;
    let l = &p.samples.labels;
    let num_units = p.num_label_units();
    let base_key = if signed { p.strings.iter().position(|s| s == BASE_LABEL).map(|i| i as u32) } else { None };
    let mut strs: HashMap<(u32, u32), i64> = HashMap::new();
    let mut nums: HashMap<u32, HashMap<i64, i64>> = HashMap::new();
    for x in pr.stacks.weighted(p, pr.value_index) {
        let w = if signed { x.value } else { x.value.wrapping_abs() };
        for i in p.samples.label_range(x.sample) {
            if Some(l.key[i]) == base_key {
                continue;
            }
            if l.str[i] != 0 {
                *strs.entry((l.key[i], l.str[i])).or_insert(0) += w;
            } else {
                *nums.entry(l.key[i]).or_default().entry(l.num[i]).or_insert(0) += w;
            }
        }
    }
    let mut keys: HashMap<u32, LabelKey> = HashMap::new();
    for ((k, v), w) in strs {
        let key = p.str(k).to_string();
        let e = keys.entry(k).or_insert_with(|| LabelKey { key: key.clone(), numeric: false, values: Vec::new() });
        let value = p.str(v);
        e.values.push(LabelValue {
            text: value.to_string(),
            value: w,
            tagfocus: format!("{key}=^{}$", regex::escape(value)),
        });
    }
    for (k, vals) in nums {
        let key = p.str(k).to_string();
        let unit = num_units.get(&key).cloned().unwrap_or_default();
        // The unit as a -tagfocus range suffix understands it.
        let suffix = match unit.as_str() {
            "bytes" => "b".to_string(),
            "nanoseconds" => "ns".to_string(),
            u if u == key => String::new(),
            u => u.to_string(),
        };
        // As `go tool pprof -tags` prints them: with their unit ("8kB") when it
        // is one pprof scales (also when inferred from the key, as "bytes").
        let show =
            |v: i64| if unit == key && !units::is_known_unit(&unit) { v.to_string() } else { units::label(v, &unit) };
        let mut values = Vec::new();
        if vals.len() <= MAX_EXACT {
            for (v, w) in vals {
                values.push(LabelValue { text: show(v), value: w, tagfocus: format!("{key}={v}{suffix}") });
            }
        } else {
            let mut buckets: HashMap<(i64, i64), i64> = HashMap::new();
            for (v, w) in vals {
                let (lo, hi) = if v <= 0 {
                    (v, v)
                } else {
                    let lo = 1i64 << (63 - v.leading_zeros());
                    (lo, lo.saturating_mul(2).saturating_sub(1))
                };
                *buckets.entry((lo, hi)).or_insert(0) += w;
            }
            for ((lo, hi), w) in buckets {
                let text = if lo == hi { show(lo) } else { format!("{} – {}", show(lo), show(hi)) };
                values.push(LabelValue { text, value: w, tagfocus: format!("{key}={lo}{suffix}:{hi}{suffix}") });
            }
        }
        keys.insert(k, LabelKey { key, numeric: true, values });
    }
    let mut out: Vec<LabelKey> = keys.into_values().collect();
    for k in &mut out {
        crate::order::sort_by(&mut k.values, |a, b| {
            b.value.wrapping_abs().cmp(&a.value.wrapping_abs()).then_with(|| a.text.cmp(&b.text))
        });
    }
    crate::order::sort_by(&mut out, |a, b| a.key.cmp(&b.key));
    out
}

/// The label keys of a `-tagfocus`/`-tagignore` value that no sample has
/// ("key=value" names one key; a bare value names none).
pub fn unknown_label_key(p: &crate::Profile, filter: &str) -> Option<String> {
    let (key, _) = filter.split_once('=')?;
    let l = &p.samples.labels;
    let known = l.key.iter().any(|&k| p.str(k) == key);
    (!known).then(|| key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::folded_profile;
    use crate::{ModelOptions, Query};

    fn prepared(text: &str) -> Prepared {
        let p =
            crate::load(&folded_profile(text, &[("samples", "count")]), &Default::default(), &ModelOptions::default())
                .unwrap();
        Prepared::new(vec![p], vec![], Query::default()).unwrap()
    }

    #[test]
    fn callers_and_callees_count_each_sample_once() {
        let pr = prepared("main;f;g 5\nmain;h;f;g 3\nmain;f;f;k 2\nmain;f 1");
        let node = |name: &str| (0..pr.nodes.len()).find(|&n| pr.nodes.printable_name(n) == name).unwrap() as u32;
        let nb = neighbours(&pr, node("f"));
        let name =
            |v: &[Neighbour]| v.iter().map(|x| (pr.nodes.printable_name(x.node as usize), x.value)).collect::<Vec<_>>();
        assert_eq!((nb.flat, nb.cum), (1, 11));
        assert_eq!(name(&nb.callers), vec![("main".to_string(), 8), ("h".to_string(), 3)]);
        assert_eq!(name(&nb.callees), vec![("g".to_string(), 8), ("k".to_string(), 2)]);
        // The pivot halves: callers upward from f, callees down from it.
        let (up, down) = pivot_stacks(&pr, node("f"));
        let names = |st: &Stacks, k: usize| {
            st.owned_stack(k)
                .iter()
                .map(|r| pr.nodes.printable_name((r & !INLINED) as usize))
                .collect::<Vec<_>>()
                .join(";")
        };
        let all = |st: &Stacks| (0..st.samples.len()).map(|k| names(st, k)).collect::<Vec<_>>();
        assert_eq!(all(&up), ["f;main", "f;h;main", "f;main", "f;main"]);
        assert_eq!(all(&down), ["f;g", "f;g", "f;f;k", "f"]);
    }
}
