//! The passes over the stacks: flat and cumulative values per node (cum
//! counted once per sample even under recursion), and caller→callee edges.

use super::stacks::{OncePerSample, Stacks, INLINED};
use crate::fxmap::FxMap;
use crate::model::{Profile, NONE};
use std::ops::Range;

/// An edge between two nodes.
#[derive(Clone, Copy, Debug)]
pub struct Edge {
    /// Caller.
    pub src: u32,
    /// Callee.
    pub dst: u32,
    /// Sum of the values of samples through the edge.
    pub weight: i64,
    /// True when every traversal was an inlined call.
    pub inline: bool,
}

/// Flat and cumulative values per node, and optionally edges.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    /// Flat value per node.
    pub flat: Vec<i64>,
    /// Cumulative value per node.
    pub cum: Vec<i64>,
    /// Edges (empty unless requested).
    pub edges: Vec<Edge>,
}

impl Graph {
    /// Nodes with a nonzero flat or cum value (pprof drops the rest).
    pub fn present(&self) -> Vec<u32> {
        (0..self.flat.len() as u32).filter(|&n| self.flat[n as usize] != 0 || self.cum[n as usize] != 0).collect()
    }
}

/// Builds flat and cumulative values over the stacks, using value column
/// `vi`, treating nodes not in `kept` (when given) as absent. Cum counts each
/// node once per sample, even under recursion.
pub fn build(p: &Profile, stacks: &Stacks, nn: usize, vi: usize, kept: Option<&[bool]>, with_edges: bool) -> Graph {
    let mut g = values(p, stacks, nn, vi, kept);
    if with_edges {
        g.edges = edges_into(p, stacks, nn, vi, kept, None).edges;
    }
    g
}

/// Flat and cum per node of a compared profile, each side on its own: the
/// base's samples (marked in `is_base`, negated back to positive) and the
/// new profile's. Returns (base, new).
pub fn split_values(p: &Profile, stacks: &Stacks, nn: usize, vi: usize, is_base: &[bool]) -> (Graph, Graph) {
    // One pass for both sides: node arrays hold (base, new) side by side.
    let mut flat = vec![(0i64, 0i64); nn];
    let mut cum = vec![(0i64, 0i64); nn];
    let mut once = OncePerSample::new(nn);
    let add = |slot: &mut (i64, i64), base: bool, w: i64| {
        let side = if base { &mut slot.0 } else { &mut slot.1 };
        *side = side.wrapping_add(w);
    };
    let mut buf = Vec::new();
    for s in stacks.weighted(p, vi) {
        let base = is_base.get(s.sample) == Some(&true);
        let w = if base { s.value.wrapping_neg() } else { s.value };
        let mut leaf = None;
        for &raw in s.stack.expand(&mut buf) {
            let nu = (raw & !INLINED) as usize;
            if once.first(nu, s.k) {
                add(&mut cum[nu], base, w);
            }
            leaf = Some(nu);
        }
        if let Some(leaf) = leaf {
            add(&mut flat[leaf], base, w);
        }
    }
    let side = |pick: fn((i64, i64)) -> i64| Graph {
        flat: flat.iter().map(|&f| pick(f)).collect(),
        cum: cum.iter().map(|&c| pick(c)).collect(),
        edges: Vec::new(),
    };
    (side(|x| x.0), side(|x| x.1))
}

/// The net values (new − base) of a comparison from its two sides: what
/// [`build`] gives on the compared profile, without another pass.
pub fn net_of(base: &Graph, new: &Graph) -> Graph {
    let sub = |a: &[i64], b: &[i64]| a.iter().zip(b).map(|(n, b)| n.wrapping_sub(*b)).collect();
    Graph { flat: sub(&new.flat, &base.flat), cum: sub(&new.cum, &base.cum), edges: Vec::new() }
}

/// The value pass over column `vi`, nodes not in `kept` (when given)
/// absent; natively, each half of many stacks on its own core.
pub(super) fn values(p: &Profile, stacks: &Stacks, nn: usize, vi: usize, kept: Option<&[bool]>) -> Graph {
    let (a, b) = stacks.halves();
    if b.is_empty() {
        return values_in(p, stacks, nn, vi, kept, a);
    }
    let (mut g, h) =
        crate::par::both(|| values_in(p, stacks, nn, vi, kept, a), || values_in(p, stacks, nn, vi, kept, b));
    for (x, y) in g.flat.iter_mut().zip(&h.flat).chain(g.cum.iter_mut().zip(&h.cum)) {
        *x = x.wrapping_add(*y);
    }
    g
}

/// One traversal of the edge `parent` → `n` (`raw`: `n` with its inlined
/// mark) by the sample `stamp` of value `w`: counted once per sample.
#[inline]
fn count_edge(acc: &mut FxMap<u64, EdgeAcc>, parent: u32, n: u32, raw: u32, w: i64, stamp: u32) {
    let key = ((parent as u64) << 32) | n as u64;
    let next = acc.len() as u32;
    let a = acc.entry(key).or_insert(EdgeAcc { weight: 0, seen: u32::MAX, order: next, inline: true });
    if a.seen != stamp {
        a.seen = stamp;
        a.weight = a.weight.wrapping_add(w);
        if raw & INLINED == 0 {
            a.inline = false;
        }
    }
}

/// Adds the second half's edges to the first's, after them in their order.
fn append_edges(acc: &mut FxMap<u64, EdgeAcc>, second: FxMap<u64, EdgeAcc>) {
    let mut rest: Vec<(u64, EdgeAcc)> = second.into_iter().collect();
    rest.sort_unstable_by_key(|e| e.1.order);
    for (key, e) in rest {
        let next = acc.len() as u32;
        let a = acc.entry(key).or_insert(EdgeAcc { weight: 0, seen: 0, order: next, inline: true });
        a.weight = a.weight.wrapping_add(e.weight);
        a.inline &= e.inline;
    }
}

/// [`values`] over the stacks in `range`.
pub(super) fn values_in(
    p: &Profile,
    stacks: &Stacks,
    nn: usize,
    vi: usize,
    kept: Option<&[bool]>,
    range: Range<usize>,
) -> Graph {
    let mut flat = vec![0i64; nn];
    let mut cum = vec![0i64; nn];
    let mut once = OncePerSample::new(nn);
    let mut buf = Vec::new();
    if kept.is_none() {
        // Every node kept: no branch on whether a node was met before in
        // this stack (recursion makes that a coin toss for the predictor).
        for s in stacks.weighted_in(p, vi, range.clone()) {
            s.stack.each_node(|raw| {
                let nu = (raw & !INLINED) as usize;
                let first = once.first(nu, s.k);
                cum[nu] = cum[nu].wrapping_add(s.value & -(first as i64));
            });
            if let Some(l) = s.stack.last() {
                let l = (l & !INLINED) as usize;
                flat[l] = flat[l].wrapping_add(s.value);
            }
        }
        return Graph { flat, cum, edges: Vec::new() };
    }
    for s in stacks.weighted_in(p, vi, range.clone()) {
        // The leaf is the innermost frame, when it is kept.
        let mut leaf = None;
        for &raw in s.stack.expand(&mut buf) {
            let nu = (raw & !INLINED) as usize;
            if kept.is_some_and(|k| !k[nu]) {
                leaf = None;
                continue;
            }
            if once.first(nu, s.k) {
                cum[nu] = cum[nu].wrapping_add(s.value);
            }
            leaf = Some(nu);
        }
        if let Some(l) = leaf {
            flat[l] = flat[l].wrapping_add(s.value);
        }
    }
    Graph { flat, cum, edges: Vec::new() }
}

/// Edges between nodes in `kept` (all when `None`) whose callee is in
/// `targets` (all when `None`): weight counted once per sample, inline when
/// every traversal was inlined; in the order first met. Natively, each half
/// of many stacks on its own core.
pub fn edges_into(
    p: &Profile,
    stacks: &Stacks,
    nn: usize,
    vi: usize,
    kept: Option<&[bool]>,
    targets: Option<&[bool]>,
) -> Graph {
    let all = vec![true; if kept.is_some() && targets.is_some() { 0 } else { nn }];
    let kept = kept.unwrap_or(&all);
    let targets = targets.unwrap_or(&all);
    let (a, b) = stacks.halves();
    let (mut acc, second) = if b.is_empty() {
        (edges_in(p, stacks, vi, kept, targets, a), FxMap::default())
    } else {
        crate::par::both(|| edges_in(p, stacks, vi, kept, targets, a), || edges_in(p, stacks, vi, kept, targets, b))
    };
    append_edges(&mut acc, second);
    in_order(acc)
}

/// The edges of `acc`, in their order.
pub(super) fn in_order(acc: FxMap<u64, EdgeAcc>) -> Graph {
    let mut edges: Vec<(u32, Edge)> = acc
        .into_iter()
        .map(|(key, a)| {
            (a.order, Edge { src: (key >> 32) as u32, dst: key as u32, weight: a.weight, inline: a.inline })
        })
        .collect();
    edges.sort_unstable_by_key(|e| e.0);
    let edges = edges.into_iter().map(|e| e.1).collect();
    Graph { flat: Vec::new(), cum: Vec::new(), edges }
}

/// Everything an edge accumulates lives in its map entry: one cache miss
/// per traversal (with millions of distinct edges, misses are the cost).
pub(super) struct EdgeAcc {
    weight: i64,
    seen: u32,
    order: u32,
    inline: bool,
}

/// [`edges_into`]'s pass over the stacks in `range`, keyed by (caller, callee).
pub(super) fn edges_in(
    p: &Profile,
    stacks: &Stacks,
    vi: usize,
    kept: &[bool],
    targets: &[bool],
    range: Range<usize>,
) -> FxMap<u64, EdgeAcc> {
    let mut acc: FxMap<u64, EdgeAcc> = FxMap::default();
    let mut buf = Vec::new();
    for s in stacks.weighted_in(p, vi, range) {
        let (w, stamp) = (s.value, s.k as u32);
        let mut parent = NONE;
        for &raw in s.stack.expand(&mut buf) {
            let n = raw & !INLINED;
            if !kept[n as usize] {
                continue;
            }
            if parent != NONE && n != parent && targets[n as usize] {
                count_edge(&mut acc, parent, n, raw, w, stamp);
            }
            parent = n;
        }
    }
    acc
}
