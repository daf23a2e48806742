//! Flame graph data: a call tree (prefix tree of the kept node stacks, one
//! tree node per distinct path) and its layout for a zoom root, with boxes
//! too narrow to see culled, so the renderer only draws.

use crate::aggregate::graph::INLINED;
use crate::aggregate::Prepared;
use crate::model::merge::FxMap;

/// The call tree. Tree node 0 is the synthetic root ("all samples").
#[derive(Clone, Debug, Default)]
pub struct CallTree {
    /// Parent tree node (0 for children of the root; the root's is itself).
    pub parent: Vec<u32>,
    /// Graph node (see [`Prepared::nodes`]), or `u32::MAX` for the root.
    pub node: Vec<u32>,
    /// True when the frame was inlined into its caller.
    pub inlined: Vec<bool>,
    /// Depth (root 0).
    pub depth: Vec<u32>,
    /// Sum of the values of samples through this path.
    pub total: Vec<i64>,
    /// Sum of the values of samples ending here.
    pub self_value: Vec<i64>,
    /// Children, sorted by name, as ranges into `child_list`.
    pub child_start: Vec<u32>,
    /// Child tree nodes.
    pub child_list: Vec<u32>,
}

impl CallTree {
    /// Number of tree nodes, root included.
    pub fn len(&self) -> usize {
        self.parent.len()
    }
    /// True when only the root exists.
    pub fn is_empty(&self) -> bool {
        self.len() <= 1
    }
    /// Children of `t`.
    pub fn children(&self, t: u32) -> &[u32] {
        &self.child_list[self.child_start[t as usize] as usize..self.child_start[t as usize + 1] as usize]
    }
    /// Path from the root's child down to `t` (excluding the root).
    pub fn path(&self, mut t: u32) -> Vec<u32> {
        let mut v = Vec::new();
        while t != 0 && (t as usize) < self.len() {
            v.push(t);
            t = self.parent[t as usize];
        }
        v.reverse();
        v
    }
}

/// Builds the call tree of `pr`'s stacks with its value column.
pub fn call_tree(pr: &Prepared, names: &[String]) -> CallTree {
    let p = &pr.profile;
    let nt = p.sample_types.len();
    let vi = pr.value_index;
    let mut t = CallTree {
        parent: vec![0],
        node: vec![u32::MAX],
        inlined: vec![false],
        depth: vec![0],
        total: vec![0],
        self_value: vec![0],
        ..Default::default()
    };
    let mut index: FxMap<(u32, u32), u32> = FxMap::default();
    for (k, &s) in pr.stacks.samples.iter().enumerate() {
        let w = p.samples.values[s as usize * nt + vi];
        if w == 0 {
            continue;
        }
        t.total[0] = t.total[0].wrapping_add(w);
        let mut cur = 0u32;
        for &raw in pr.stacks.stack(k) {
            let next = t.parent.len() as u32;
            let child = *index.entry((cur, raw)).or_insert(next);
            if child == next {
                t.parent.push(cur);
                t.node.push(raw & !INLINED);
                t.inlined.push(raw & INLINED != 0);
                t.depth.push(t.depth[cur as usize] + 1);
                t.total.push(0);
                t.self_value.push(0);
            }
            t.total[child as usize] = t.total[child as usize].wrapping_add(w);
            cur = child;
        }
        t.self_value[cur as usize] = t.self_value[cur as usize].wrapping_add(w);
    }
    // Children lists (counting sort by parent), each sorted by name.
    let n = t.len();
    let mut count = vec![0u32; n + 1];
    for i in 1..n {
        count[t.parent[i] as usize + 1] += 1;
    }
    for i in 0..n {
        count[i + 1] += count[i];
    }
    let mut fill = count.clone();
    let mut list = vec![0u32; n.saturating_sub(1)];
    for i in 1..n {
        let p = t.parent[i] as usize;
        list[fill[p] as usize] = i as u32;
        fill[p] += 1;
    }
    for i in 0..n {
        let r = count[i] as usize..count[i + 1] as usize;
        if r.len() > 1 {
            list[r].sort_by(|&a, &b| {
                names[t.node[a as usize] as usize]
                    .cmp(&names[t.node[b as usize] as usize])
                    .then(t.inlined[a as usize].cmp(&t.inlined[b as usize]))
            });
        }
    }
    t.child_start = count;
    t.child_list = list;
    t
}

/// Boxes to draw, as columns. `x` and `width` are fractions of the view width.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    /// Left edge, 0..1.
    pub x: Vec<f64>,
    /// Width, 0..1.
    pub width: Vec<f64>,
    /// Row (0 = top).
    pub depth: Vec<u32>,
    /// Tree node of each box.
    pub tree: Vec<u32>,
    /// Rows used.
    pub max_depth: u32,
}

/// Lays out the subtree of `zoom` (its ancestors drawn above it at full
/// width), culling boxes narrower than `min_width` of the view.
pub fn layout(t: &CallTree, zoom: u32, min_width: f64) -> Layout {
    let mut l = Layout::default();
    let zoom = if (zoom as usize) < t.len() { zoom } else { 0 };
    let path = t.path(zoom);
    // Ancestors of the zoom root (and the root itself when zoomed) at full width.
    let mut depth = 0u32;
    for &a in path.iter().take(path.len().saturating_sub(1)) {
        push(&mut l, 0.0, 1.0, depth, a);
        depth += 1;
    }
    let scale = t.total[zoom as usize].unsigned_abs() as f64;
    if scale == 0.0 {
        return l;
    }
    let mut stack: Vec<(u32, f64, u32)> = Vec::new();
    if zoom == 0 {
        let mut x = 0.0;
        for &c in t.children(0) {
            let w = t.total[c as usize].unsigned_abs() as f64 / scale;
            stack.push((c, x, depth));
            x += w;
        }
    } else {
        stack.push((zoom, 0.0, depth));
    }
    while let Some((n, x, d)) = stack.pop() {
        let w = t.total[n as usize].unsigned_abs() as f64 / scale;
        if w < min_width {
            continue;
        }
        push(&mut l, x, w, d, n);
        let mut cx = x;
        for &c in t.children(n) {
            let cw = t.total[c as usize].unsigned_abs() as f64 / scale;
            if cw >= min_width {
                stack.push((c, cx, d + 1));
            }
            cx += cw;
        }
    }
    l
}

fn push(l: &mut Layout, x: f64, w: f64, d: u32, n: u32) {
    l.x.push(x);
    l.width.push(w);
    l.depth.push(d);
    l.tree.push(n);
    l.max_depth = l.max_depth.max(d + 1);
}

/// Sum of the totals of tree nodes whose graph node is in `matches`,
/// counting nested matches once (the outermost match covers its subtree).
pub fn matched_total(t: &CallTree, matches: &[bool]) -> i64 {
    let mut sum = 0i64;
    let mut stack: Vec<u32> = t.children(0).to_vec();
    while let Some(n) = stack.pop() {
        if matches[t.node[n as usize] as usize] {
            sum = sum.wrapping_add(t.total[n as usize]);
        } else {
            stack.extend_from_slice(t.children(n));
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::folded_profile;
    use crate::{ModelOptions, Query};

    fn tree(text: &str) -> (CallTree, Vec<String>) {
        let p =
            crate::load(&folded_profile(text, &[("samples", "count")]), &Default::default(), &ModelOptions::default())
                .unwrap();
        let pr = Prepared::new(vec![p], vec![], Query::default()).unwrap();
        let names: Vec<String> = (0..pr.nodes.len()).map(|n| pr.nodes.printable_name(n)).collect();
        (call_tree(&pr, &names), names)
    }

    #[test]
    fn tree_sums_paths_and_lays_out_by_name() {
        let (t, names) = tree("main;b 2\nmain;a 1\nmain;a;x 3\nother 4");
        assert_eq!(t.total[0], 10);
        let l = layout(&t, 0, 0.0);
        let boxes: Vec<(String, f64, f64, u32)> = (0..l.x.len())
            .map(|i| (names[t.node[l.tree[i] as usize] as usize].clone(), l.x[i], l.width[i], l.depth[i]))
            .collect();
        let find = |n: &str| boxes.iter().find(|b| b.0 == n).unwrap().clone();
        assert_eq!(find("main"), ("main".into(), 0.0, 0.6, 0));
        assert_eq!(find("other"), ("other".into(), 0.6, 0.4, 0));
        assert_eq!(find("a"), ("a".into(), 0.0, 0.4, 1));
        assert!((find("b").1 - 0.4).abs() < 1e-12);
        assert_eq!(find("x").3, 2);
        // Zoom into a: its ancestors on top at full width, a fills the width.
        let a = l.tree[boxes.iter().position(|b| b.0 == "a").unwrap()];
        let z = layout(&t, a, 0.0);
        assert_eq!((z.x[0], z.width[0], z.depth[0]), (0.0, 1.0, 0));
        assert_eq!(names[t.node[z.tree[1] as usize] as usize], "a");
        assert_eq!((z.x[1], z.width[1], z.depth[1]), (0.0, 1.0, 1));
        // Culling drops narrow boxes.
        assert!(layout(&t, 0, 0.35).x.len() < l.x.len());
    }

    #[test]
    fn matched_total_counts_nested_matches_once() {
        let (t, names) = tree("main;f;g;f 5\nmain;h 5");
        let m: Vec<bool> = names.iter().map(|n| n == "f").collect();
        assert_eq!(matched_total(&t, &m), 5);
    }
}
