//! pprof's full graph (`graph.New` as the `-dot` report builds it): flat and
//! cum per node, edges with their residual and inline flags, and the tags
//! of each node (its samples' labels, and their `bytes` numeric labels),
//! optionally restricted to a set of kept nodes, whose absence turns the
//! edges that jumped over them into residual ones.

use super::combine::BASE_LABEL;
use super::graph::{OncePerSample, Stacks, INLINED};
use crate::fxmap::FxMap;
use crate::model::{Profile, NONE};
use crate::units;

/// A tag: one label set (`key:value` pairs sorted, joined by `\n`) or one
/// numeric value, with the weight of the samples that carry it.
#[derive(Clone, Debug, PartialEq)]
pub struct Tag {
    /// The label set, or the numeric value formatted.
    pub name: String,
    /// Unit of a numeric tag ("" for label sets).
    pub unit: String,
    /// The numeric value (0 for label sets).
    pub value: i64,
    /// Weight of samples whose leaf is the node.
    pub flat: i64,
    /// Weight of samples through the node.
    pub cum: i64,
}

/// An edge of the full graph.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CallEdge {
    /// Caller node.
    pub src: u32,
    /// Callee node.
    pub dst: u32,
    /// Weight, counted once per sample.
    pub weight: i64,
    /// Some traversal jumped over nodes not kept.
    pub residual: bool,
    /// Every traversal was an inlined call.
    pub inline: bool,
}

/// The tags of one node: label sets, and numeric tags per label set ("" for
/// samples without labels).
#[derive(Clone, Debug, Default)]
pub struct NodeTags {
    /// Label-set tags.
    pub labels: Vec<Tag>,
    /// Numeric tags, grouped by the label set of their samples.
    pub numeric: Vec<(String, Vec<Tag>)>,
}

/// The graph pprof builds for the call graph report, over every node id.
#[derive(Clone, Debug, Default)]
pub struct CallGraph {
    /// Flat per node id.
    pub flat: Vec<i64>,
    /// Cum per node id.
    pub cum: Vec<i64>,
    /// Edges, in first-seen order.
    pub edges: Vec<CallEdge>,
    /// Tags per node id (empty when the profile has no labels).
    pub tags: Vec<NodeTags>,
}

impl CallGraph {
    /// Node ids with a nonzero flat or cum: the graph's nodes.
    pub fn present(&self) -> Vec<u32> {
        (0..self.flat.len() as u32).filter(|&n| self.flat[n as usize] != 0 || self.cum[n as usize] != 0).collect()
    }
}

/// What each sample contributes to tags: its label set (index into the set
/// names, 0 for none) and its numeric tags (name index, value). Made once
/// per graph ([`sample_tags`]) and read by each pass that builds tags.
#[derive(Debug)]
pub struct SampleTags {
    set_names: Vec<String>,
    set: Vec<u32>,
    num_names: Vec<String>,
    num_start: Vec<u32>,
    num: Vec<(u32, i64)>,
    bytes_unit: String,
}

/// The tags of every sample, `None` when no sample has labels. pprof's
/// graph keeps the `bytes` numeric label only, and drops the comparison's
/// base marker from the label sets. Names are made once per distinct set
/// or value: a set is found by its label ids, a value by itself.
pub fn sample_tags(p: &Profile) -> Option<SampleTags> {
    let l = &p.samples.labels;
    if l.key.is_empty() {
        return None;
    }
    let bytes = p.strings.iter().position(|s| s == "bytes").map(|i| i as u32).unwrap_or(NONE);
    let base = p.strings.iter().position(|s| s == BASE_LABEL).map(|i| i as u32).unwrap_or(NONE);
    let bytes_unit = p.num_label_units().remove("bytes").unwrap_or_else(|| "bytes".to_string());
    let mut st = SampleTags {
        set_names: vec![String::new()],
        set: Vec::with_capacity(p.samples.len()),
        num_names: Vec::new(),
        num_start: vec![0],
        num: Vec::new(),
        bytes_unit,
    };
    // Sets and values are identified by their formatted names, as in pprof;
    // the id maps only spare formatting them again.
    let mut set_by_ids: FxMap<Vec<(u32, u32)>, u32> = FxMap::default();
    let mut set_by_name: FxMap<String, u32> = FxMap::default();
    let mut num_by_value: FxMap<i64, u32> = FxMap::default();
    let mut num_by_name: FxMap<String, u32> = FxMap::default();
    let mut ids: Vec<(u32, u32)> = Vec::new();
    for s in 0..p.samples.len() {
        ids.clear();
        for i in p.samples.label_range(s) {
            if l.str[i] != 0 {
                if l.key[i] != base {
                    ids.push((l.key[i], l.str[i]));
                }
            } else if l.key[i] == bytes && bytes != NONE {
                let v = l.num[i];
                let id = *num_by_value.entry(v).or_insert_with(|| {
                    let name = units::scaled_label(v, &st.bytes_unit, "minimum");
                    let next = st.num_names.len() as u32;
                    *num_by_name.entry(name.clone()).or_insert_with(|| {
                        st.num_names.push(name);
                        next
                    })
                });
                st.num.push((id, v));
            }
        }
        let set = if ids.is_empty() {
            0
        } else {
            ids.sort_unstable();
            match set_by_ids.get(&ids[..]) {
                Some(&id) => id,
                None => {
                    let mut pairs: Vec<String> =
                        ids.iter().map(|&(k, v)| format!("{}:{}", p.str(k), p.str(v))).collect();
                    pairs.sort();
                    let name = pairs.join("\\n");
                    let next = st.set_names.len() as u32;
                    let id = *set_by_name.entry(name.clone()).or_insert_with(|| {
                        st.set_names.push(name);
                        next
                    });
                    set_by_ids.insert(ids.clone(), id);
                    id
                }
            }
        };
        st.set.push(set);
        st.num_start.push(st.num.len() as u32);
    }
    Some(st)
}

/// Per-node tag accumulators while building.
#[derive(Default)]
struct TagAcc {
    /// (label set) → (flat, cum).
    labels: FxMap<u32, (i64, i64)>,
    /// (label set, numeric name) → (value, flat, cum).
    numeric: FxMap<(u32, u32), (i64, i64, i64)>,
}

/// What a pass over the stacks builds besides flat and cum.
#[derive(Clone, Copy, Debug)]
pub struct Build<'a> {
    /// Nodes present (all when `None`); the others are absent, and edges
    /// that jump over them are residual.
    pub kept: Option<&'a [bool]>,
    /// Build the edges.
    pub edges: bool,
    /// Build the tags of these nodes (none when `None`), from these
    /// samples' tags ([`sample_tags`]).
    pub tags_for: Option<(&'a [bool], &'a Option<SampleTags>)>,
}

/// Builds pprof's graph over the kept stacks, value column `vi`, as `b` says.
pub fn call_graph(p: &Profile, stacks: &Stacks, nn: usize, vi: usize, b: Build) -> CallGraph {
    let kept = b.kept;
    let (tags_for, tags): (&[bool], Option<&SampleTags>) = match b.tags_for {
        Some((nodes, Some(t))) => (nodes, Some(t)),
        _ => (&[], None),
    };
    if !b.edges && tags.is_none() {
        return CallGraph { flat: vec![0; nn], cum: vec![0; nn], edges: Vec::new(), tags: Vec::new() };
    }
    let mut flat = vec![0i64; nn];
    let mut cum = vec![0i64; nn];
    let mut acc: Vec<TagAcc> = if tags.is_some() { (0..nn).map(|_| TagAcc::default()).collect() } else { Vec::new() };
    struct E {
        weight: i64,
        seen: u32,
        order: u32,
        residual: bool,
        inline: bool,
    }
    let mut edges: FxMap<u64, E> = FxMap::default();
    let mut once = OncePerSample::new(nn);
    let is_kept = |n: usize| kept.is_none_or(|k| k[n]);
    let add_tags = |acc: &mut Vec<TagAcc>, n: usize, s: usize, w: i64, is_flat: bool| {
        let Some(t) = tags else { return };
        if !tags_for[n] {
            return;
        }
        let a = &mut acc[n];
        let set = t.set[s];
        let pick = |fc: (i64, i64)| if is_flat { (fc.0.wrapping_add(w), fc.1) } else { (fc.0, fc.1.wrapping_add(w)) };
        if set != 0 {
            let e = a.labels.entry(set).or_insert((0, 0));
            *e = pick(*e);
        }
        for &(name, v) in &t.num[t.num_start[s] as usize..t.num_start[s + 1] as usize] {
            let e = a.numeric.entry((set, name)).or_insert((v, 0, 0));
            let (f, c) = pick((e.1, e.2));
            *e = (e.0, f, c);
        }
    };
    let mut buf = Vec::new();
    for s in stacks.weighted(p, vi) {
        let (w, stamp) = (s.value, s.k as u32);
        let mut parent = NONE;
        let mut residual = false;
        for &raw in s.stack.expand(&mut buf) {
            let n = raw & !INLINED;
            if !is_kept(n as usize) {
                residual = true;
                continue;
            }
            if once.first(n as usize, s.k) {
                cum[n as usize] = cum[n as usize].wrapping_add(w);
                add_tags(&mut acc, n as usize, s.sample, w, false);
            }
            if b.edges && parent != NONE && n != parent {
                let key = ((parent as u64) << 32) | n as u64;
                let next = edges.len() as u32;
                let e = edges.entry(key).or_insert(E {
                    weight: 0,
                    seen: u32::MAX,
                    order: next,
                    residual: false,
                    inline: true,
                });
                if e.seen != stamp {
                    e.seen = stamp;
                    e.weight = e.weight.wrapping_add(w);
                    e.residual |= residual;
                    e.inline &= raw & INLINED != 0;
                }
            }
            parent = n;
            residual = false;
        }
        if parent != NONE && !residual {
            flat[parent as usize] = flat[parent as usize].wrapping_add(w);
            add_tags(&mut acc, parent as usize, s.sample, w, true);
        }
    }
    // Edges in first-seen order.
    let mut list: Vec<Option<CallEdge>> = vec![None; edges.len()];
    for (key, e) in edges {
        let edge = CallEdge {
            src: (key >> 32) as u32,
            dst: key as u32,
            weight: e.weight,
            residual: e.residual,
            inline: e.inline,
        };
        list[e.order as usize] = Some(edge);
    }
    let tags = match tags {
        None => Vec::new(),
        Some(t) => acc
            .into_iter()
            .map(|a| {
                let labels = a
                    .labels
                    .iter()
                    .map(|(&set, &(f, c))| Tag {
                        name: t.set_names[set as usize].clone(),
                        unit: String::new(),
                        value: 0,
                        flat: f,
                        cum: c,
                    })
                    .collect();
                let mut numeric: Vec<(String, Vec<Tag>)> = Vec::new();
                let mut by_set: FxMap<u32, usize> = FxMap::default();
                for (&(set, name), &(v, f, c)) in &a.numeric {
                    let i = *by_set.entry(set).or_insert_with(|| {
                        numeric.push((t.set_names[set as usize].clone(), Vec::new()));
                        numeric.len() - 1
                    });
                    numeric[i].1.push(Tag {
                        name: t.num_names[name as usize].clone(),
                        unit: t.bytes_unit.clone(),
                        value: v,
                        flat: f,
                        cum: c,
                    });
                }
                NodeTags { labels, numeric }
            })
            .collect(),
    };
    CallGraph { flat, cum, edges: list.into_iter().flatten().collect(), tags }
}
