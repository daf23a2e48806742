//! Flame graph data without a stored tree. The kept stacks (root first) are
//! sorted frame by frame in name order; every flame box is then a
//! contiguous range of sorted stacks sharing a prefix, and its width is a
//! difference of prefix sums. A layout for any zoom root is computed on
//! demand, visiting only boxes wide enough to see (group boundaries found by
//! binary search), so memory stays a few bytes per sample even for millions
//! of distinct stacks, and the renderer only draws.
//!
//! The sort is lazy: a group narrower than any layout asked for so far is
//! sorted only by the frames its stacks share (a whole box, so every box
//! around it is still a range of sorted stacks), and is sorted on when a
//! layout, a tooltip or a search reaches into it, or when the page is idle
//! ([`Flame::settle_some`]).

use crate::aggregate::graph::{Cursor, StackRef, Stacks, INLINED};
use crate::aggregate::Prepared;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// Where a flame graph's stacks live: a view ([`Prepared`]) or stacks made
/// for one purpose (the pivot graphs of a function).
pub trait StackSource {
    /// The stacks.
    fn stacks(&self) -> &Stacks;
    /// Stack `k`'s frames.
    fn stack(&self, k: usize) -> StackRef<'_>;
    /// A cursor at stack `k`'s root ([`Stacks::cursor`]).
    fn cursor(&self, k: usize) -> Cursor;
    /// Reads up to `n` frames at `c` ([`Stacks::read`]).
    fn read(&self, c: &mut Cursor, n: usize, f: impl FnMut(u32)) -> usize;
}

impl StackSource for Prepared {
    fn stacks(&self) -> &Stacks {
        &self.stacks
    }
    #[inline]
    fn stack(&self, k: usize) -> StackRef<'_> {
        self.stacks.stack(&self.profile, k)
    }
    #[inline]
    fn cursor(&self, k: usize) -> Cursor {
        self.stacks.cursor(Some(&self.profile), k)
    }
    #[inline]
    fn read(&self, c: &mut Cursor, n: usize, f: impl FnMut(u32)) -> usize {
        self.stacks.read(Some(&self.profile), c, n, f)
    }
}

impl StackSource for Stacks {
    fn stacks(&self) -> &Stacks {
        self
    }
    #[inline]
    fn stack(&self, k: usize) -> StackRef<'_> {
        self.owned_stack(k)
    }
    #[inline]
    fn cursor(&self, k: usize) -> Cursor {
        Stacks::cursor(self, None, k)
    }
    #[inline]
    fn read(&self, c: &mut Cursor, n: usize, f: impl FnMut(u32)) -> usize {
        Stacks::read(self, None, c, n, f)
    }
}

/// How far a flame graph is sorted when built: every group as wide as half
/// a pixel of a graph 2,048 pixels wide, what the first paint lays out on
/// common screens. Sorted there, in the view, the sort's big buffer is
/// taken where the rest of the view's are; taken at the first layout (after
/// the node names), it made the page touch 12 MB more of its memory.
const PRESORT: f64 = 1.0 / 4096.0;

/// Sorted stacks and their prefix sums.
///
/// The sort is finished lazily: a group of stacks too narrow for any layout
/// asked so far stays unsorted past the frames its stacks share (a
/// *pending* range) until a layout, a tooltip or a search needs it. The
/// first paint of a million stacks then sorts only the groups at least half
/// a pixel wide, not every stack to its last frame.
#[derive(Clone, Debug, Default)]
pub struct Flame {
    /// The order and sums, refined in place as views need them.
    s: RefCell<Sorted>,
    /// In a diff: prefix sums of the base's and the new profile's values
    /// (a diff is sorted in full when built: equal stacks are merged).
    diff: Option<(Vec<i64>, Vec<i64>)>,
    /// Rank of each graph node's name (children are laid out in name order).
    rank: Vec<u32>,
}

/// A flame graph's order: every pending range is sorted by the frames its
/// stacks share, which is all any box around it needs.
#[derive(Clone, Debug, Default)]
struct Sorted {
    /// Indices into the stacks, sorted by frame sequence (within a pending
    /// range, only by the frames its stacks share).
    order: Vec<u32>,
    /// Prefix sums of the widths (|value|; in a diff the larger of base and
    /// new), one more than stacks.
    abs_sum: Vec<i64>,
    /// Prefix sums of the values (new minus base in a diff), when they are
    /// not the widths' (no value negative: most profiles keep one column).
    signed: Option<Vec<i64>>,
    /// Ranges not sorted past their first frames: start → (end, frames
    /// shared). Such a range holds every stack with those frames (it is a
    /// box, or the root), and ranges do not overlap.
    pending: BTreeMap<u32, (u32, u32)>,
}

/// Which samples a flame graph shows, and how wide they are.
#[derive(Clone, Copy, Debug)]
pub enum Weights<'a> {
    /// Every kept sample, |value| wide.
    Plain,
    /// A compared profile (`is_base` marks the base's negated samples): one
    /// merged tree, each distinct stack as wide as the larger of its base
    /// and new values, with both kept for colouring and tooltips.
    Diff(&'a [bool]),
    /// One side of a compared profile: the base's samples (made positive)
    /// when the flag is true, else the new profile's.
    Side(&'a [bool], bool),
}

/// A box: the sorted stacks `lo..hi`, which share their frames up to `depth`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BoxKey {
    /// First sorted stack.
    pub lo: u32,
    /// One past the last.
    pub hi: u32,
    /// Depth of the box's frame (0 = outermost).
    pub depth: u32,
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
    /// Graph node.
    pub node: Vec<u32>,
    /// Inlined frame.
    pub inlined: Vec<bool>,
    /// Range start of each box.
    pub lo: Vec<u32>,
    /// Range end of each box.
    pub hi: Vec<u32>,
    /// Rows used.
    pub max_depth: u32,
    /// In a diff, each box's relative change (new − base) / max(base, new):
    /// +1 exactly for frames only in the new profile, −1 for frames gone.
    pub change: Vec<f32>,
}

/// What a tooltip shows about a box.
#[derive(Clone, Debug, PartialEq)]
pub struct BoxInfo {
    /// Graph node.
    pub node: u32,
    /// Inlined frame.
    pub inlined: bool,
    /// Sum of the values of the box's stacks.
    pub total: i64,
    /// Sum of the values of the stacks ending at the box.
    pub self_value: i64,
    /// Graph nodes from the root frame to the box's.
    pub path: Vec<u32>,
    /// In a diff: (base, new) totals of the box, then (base, new) of its self part.
    pub sides: Option<[i64; 4]>,
}

/// Prefix sums of the `n` values `xs`, one more than them, starting at 0.
fn prefix(xs: impl Iterator<Item = i64>, n: usize) -> Vec<i64> {
    let mut out = vec![0i64; n + 1];
    sums_after(&mut out, xs);
    out
}

/// Writes the running sums of `xs` after `out[0]` (the sum before them).
fn sums_after(out: &mut [i64], xs: impl Iterator<Item = i64>) {
    let mut a = out[0];
    for (o, x) in out[1..].iter_mut().zip(xs) {
        a = a.wrapping_add(x);
        *o = a;
    }
}

impl Flame {
    /// Sorts the kept stacks of `pr` (value column as in `pr`), children in
    /// the order of `names` (one per graph node).
    pub fn new(pr: &Prepared, names: &[String]) -> Flame {
        Self::with_weights(pr, names, Weights::Plain)
    }

    /// As [`Flame::new`], for the samples and widths `w` chooses.
    pub fn with_weights(pr: &Prepared, names: &[String], w: Weights) -> Flame {
        let (p, vi) = (&pr.profile, pr.value_index);
        Self::build(pr, names, w, |s| p.value(s, vi), Some(PRESORT))
    }

    /// As [`Flame::new`], sorting nothing before the first layout.
    #[cfg(test)]
    fn lazy(pr: &Prepared, names: &[String]) -> Flame {
        let (p, vi) = (&pr.profile, pr.value_index);
        Self::build(pr, names, Weights::Plain, |s| p.value(s, vi), None)
    }

    /// A flame graph of stacks `st`, sample `s` weighing `value(s)`.
    pub fn of_stacks(st: &Stacks, names: &[String], value: impl Fn(usize) -> i64) -> Flame {
        Self::build(st, names, Weights::Plain, value, Some(PRESORT))
    }

    /// The flame graph of `src`'s stacks that `w` keeps, sorted at once as
    /// far as a layout culling boxes narrower than `presort` of the total
    /// needs (not at all if `None`).
    fn build<S: StackSource + ?Sized>(
        src: &S,
        names: &[String],
        w: Weights,
        value: impl Fn(usize) -> i64,
        presort: Option<f64>,
    ) -> Flame {
        let st = src.stacks();
        let mut by_name: Vec<u32> = (0..names.len() as u32).collect();
        crate::order::sort_by_name(&mut by_name, names);
        let mut rank = vec![0u32; names.len()];
        for (r, &n) in by_name.iter().enumerate() {
            rank[n as usize] = r as u32;
        }
        let sample = |k: usize| st.samples[k] as usize;
        let raw_value = |k: usize| value(sample(k));
        let is_base = |k: usize| match w {
            Weights::Plain => false,
            Weights::Diff(b) | Weights::Side(b, _) => b.get(sample(k)) == Some(&true),
        };
        let value_of = |k: usize| match w {
            Weights::Side(_, true) => raw_value(k).wrapping_neg(),
            _ => raw_value(k),
        };
        let wanted = |k: usize| match w {
            Weights::Side(_, base) => is_base(k) == base,
            _ => true,
        };
        let mut order: Vec<u32> = (0..st.samples.len() as u32)
            .filter(|&k| wanted(k as usize) && value_of(k as usize) != 0 && !src.stack(k as usize).is_empty())
            .collect();
        let Weights::Diff(_) = w else {
            // Sorted as far as a first paint needs, each stack's value
            // travelling with it; the sums are made after the sort, in the
            // memory its buffer gives back.
            let n = order.len();
            let mut pending = BTreeMap::new();
            let values = match presort {
                Some(f) if n > 1 => {
                    let total = order.iter().fold(0i64, |a, &k| a.wrapping_add(value_of(k as usize).wrapping_abs()));
                    let min_w = (total as f64 * f).max(f64::MIN_POSITIVE);
                    let wide = |w: i64| w as f64 >= min_w;
                    let narrow = |l, h, d| {
                        pending.insert(l, (h, d));
                    };
                    sort_range(src, Ranks::of(&rank), &mut order, |_, k| value_of(k as usize), 0, wide, narrow)
                }
                _ => {
                    if n > 1 {
                        pending.insert(0, (n as u32, 0));
                    }
                    order.iter().map(|&k| value_of(k as usize)).collect()
                }
            };
            let abs_sum = prefix(values.iter().map(|v| v.wrapping_abs()), n);
            let signed = values.iter().any(|v| *v != v.wrapping_abs()).then(|| prefix(values.iter().copied(), n));
            drop(values);
            return Flame { s: RefCell::new(Sorted { order, abs_sum, signed, pending }), diff: None, rank };
        };
        // A diff merges equal stacks, so it is sorted in full at once.
        let sorted_values =
            sort_range(src, Ranks::of(&rank), &mut order, |_, k| value_of(k as usize), 0, |_| true, |_, _, _| {});
        // One entry per distinct stack (equal stacks sort together), so a
        // stack's width is the larger of its two sides, not their sum.
        let (mut bs, mut ns) = (vec![0i64], vec![0i64]);
        let (mut value, mut width) = (Vec::new(), Vec::new());
        let mut kept = Vec::with_capacity(order.len());
        let mut i = 0;
        while i < order.len() {
            let first = order[i] as usize;
            let (mut b, mut n) = (0i64, 0i64);
            while i < order.len() && src.stack(order[i] as usize) == src.stack(first) {
                // A diff's value is the raw one.
                let v = sorted_values[i];
                if is_base(order[i] as usize) {
                    b = b.wrapping_sub(v);
                } else {
                    n = n.wrapping_add(v);
                }
                i += 1;
            }
            kept.push(first as u32);
            value.push(n.wrapping_sub(b));
            width.push(b.wrapping_abs().max(n.wrapping_abs()));
            bs.push(bs.last().unwrap().wrapping_add(b));
            ns.push(ns.last().unwrap().wrapping_add(n));
        }
        let signed = value.iter().zip(&width).any(|(v, w)| v != w).then(|| prefix(value.iter().copied(), value.len()));
        let abs_sum = prefix(width.iter().copied(), width.len());
        let s = Sorted { order: kept, abs_sum, signed, pending: BTreeMap::new() };
        Flame { s: RefCell::new(s), diff: Some((bs, ns)), rank }
    }

    /// Sorts the box `lo..hi` (every stack sharing its first frames) by its
    /// frames up to `need`, if it is a pending range sorted less far, and
    /// goes on into the groups inside as wide as `min_w` or wider.
    fn settle(&self, pr: &(impl StackSource + ?Sized), lo: u32, hi: u32, need: u32, min_w: f64) {
        let mut s = self.s.borrow_mut();
        while let Some(&(end, depth)) = s.pending.get(&lo) {
            if end != hi || depth >= need {
                break;
            }
            s.pending.remove(&lo);
            s.refine(pr, &self.rank, lo, hi, depth, min_w);
        }
    }

    /// Finishes the sort of pending ranges, about `budget` stacks' worth
    /// (at least one range); true once nothing is pending. The page calls it
    /// while idle, so that zooms after the first paint find their boxes
    /// sorted.
    pub fn settle_some(&self, pr: &(impl StackSource + ?Sized), budget: usize) -> bool {
        let mut s = self.s.borrow_mut();
        let mut done = 0usize;
        while let Some((&lo, &(hi, depth))) = s.pending.first_key_value() {
            if done >= budget {
                return false;
            }
            s.pending.remove(&lo);
            s.refine(pr, &self.rank, lo, hi, depth, f64::NEG_INFINITY);
            done += (hi - lo) as usize;
        }
        true
    }

    /// Sum of the values of every stack.
    pub fn info_root_total(&self) -> i64 {
        let s = self.s.borrow();
        s.sum(s.order.len() as u32)
    }

    /// (base, new, 0, 0) of the whole merged tree of a comparison.
    pub fn root_sides(&self) -> [i64; 4] {
        let (b, n) = self.sides(0, self.len() as u32).unwrap_or((0, 0));
        [b, n, 0, 0]
    }

    /// True for the merged tree of a comparison.
    pub fn is_diff(&self) -> bool {
        self.diff.is_some()
    }

    /// (base, new) of the stacks `lo..hi` of a diff.
    fn sides(&self, lo: u32, hi: u32) -> Option<(i64, i64)> {
        self.diff.as_ref().map(|(b, n)| (b[hi as usize] - b[lo as usize], n[hi as usize] - n[lo as usize]))
    }

    /// Number of stacks with a nonzero value.
    pub fn len(&self) -> usize {
        self.s.borrow().order.len()
    }

    /// True when there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The box holding every stack (zoom root "all").
    pub fn root(&self) -> BoxKey {
        BoxKey { lo: 0, hi: self.len() as u32, depth: u32::MAX }
    }

    /// Checks that `k` names a box of this flame graph.
    pub fn valid(&self, pr: &impl StackSource, k: BoxKey) -> bool {
        if k == self.root() {
            return true;
        }
        let s = self.s.borrow();
        k.lo < k.hi
            && (k.hi as usize) <= s.order.len()
            && s.stack(pr, k.lo).len() > k.depth as usize
            && s.stack(pr, k.hi - 1).len() > k.depth as usize
    }

    /// Lays out the subtree of `zoom` (its ancestors drawn above it at full
    /// width), culling boxes narrower than `min_width` of the view.
    pub fn layout(&self, pr: &impl StackSource, zoom: BoxKey, min_width: f64) -> Layout {
        let mut l = Layout::default();
        let zoom = if self.valid(pr, zoom) { zoom } else { self.root() };
        let scale = self.s.borrow().weight(zoom.lo, zoom.hi) as f64;
        if scale == 0.0 {
            return l;
        }
        let start = if zoom == self.root() {
            0
        } else {
            let path = self.path(pr, zoom);
            for (d, &raw) in (0..=zoom.depth).zip(&path) {
                let a = self.ancestor(pr, zoom, d);
                push(&mut l, 0.0, 1.0, d, raw, a.lo, a.hi);
            }
            zoom.depth + 1
        };
        let min_w = (min_width * scale).max(f64::MIN_POSITIVE);
        let base = self.s.borrow().abs_sum[zoom.lo as usize];
        let mut work: Vec<(u32, u32, u32)> = vec![(zoom.lo, zoom.hi, start)];
        while let Some((lo, hi, depth)) = work.pop() {
            // Sorted by the frame this box's children differ in, and on
            // into the children wide enough to be laid out.
            self.settle(pr, lo, hi, depth + 1, min_w);
            let s = self.s.borrow();
            let d = depth as usize;
            let mut i = s.first_longer(pr, lo, hi, d);
            while i < hi {
                if ((s.abs_sum[hi as usize] - s.abs_sum[i as usize]) as f64) < min_w {
                    break; // everything left is too narrow to see
                }
                // The first j with W(i, j) >= min_w: groups ending before j are culled.
                let j = s.reach(i, hi, min_w);
                let key = s.stack(pr, i).at(d);
                if s.stack(pr, j - 1).at(d) != key {
                    i = s.group_start(pr, i, j - 1, d);
                    continue;
                }
                let end = s.group_end(pr, i, hi, d);
                let x = (s.abs_sum[i as usize] - base) as f64 / scale;
                push(&mut l, x, s.weight(i, end) as f64 / scale, depth, key, i, end);
                work.push((i, end, depth + 1));
                i = end;
            }
        }
        if self.is_diff() {
            l.change = (0..l.x.len()).map(|i| self.change(l.lo[i], l.hi[i])).collect();
        }
        l
    }

    /// Relative change of the stacks `lo..hi` (see [`Layout::change`]).
    fn change(&self, lo: u32, hi: u32) -> f32 {
        match self.sides(lo, hi) {
            Some((b, n)) if b != n => {
                let (ab, an) = (b.unsigned_abs(), n.unsigned_abs());
                if ab == 0 {
                    1.0
                } else if an == 0 {
                    -1.0
                } else {
                    ((n as f64 - b as f64) / ab.max(an) as f64) as f32
                }
            }
            _ => 0.0,
        }
    }

    /// The box at depth `d` (≤ `k.depth`) on the path to box `k`: every
    /// stack sharing `k`'s first `d + 1` frames.
    pub fn ancestor(&self, pr: &impl StackSource, k: BoxKey, d: u32) -> BoxKey {
        if !self.valid(pr, k) || k == self.root() || d >= k.depth {
            return if d == k.depth { k } else { self.root() };
        }
        let prefix: Vec<u32> = self.s.borrow().stack(pr, k.lo).iter().take(d as usize + 1).collect();
        self.find(pr, &prefix).unwrap_or_else(|| self.root())
    }

    /// The frames (graph nodes root first, [`INLINED`] bits kept) of box `k`.
    pub fn path(&self, pr: &impl StackSource, k: BoxKey) -> Vec<u32> {
        if !self.valid(pr, k) || k == self.root() {
            return Vec::new();
        }
        self.s.borrow().stack(pr, k.lo).iter().take(k.depth as usize + 1).collect()
    }

    /// The box whose frames are `prefix` (from [`Flame::path`], possibly of
    /// another flame graph of the same view), if this flame graph has it.
    pub fn find(&self, pr: &impl StackSource, prefix: &[u32]) -> Option<BoxKey> {
        if prefix.is_empty() {
            return Some(self.root());
        }
        if prefix.iter().any(|&r| (r & !INLINED) as usize >= self.rank.len()) {
            return None;
        }
        let key = |raw: u32| ((self.rank[(raw & !INLINED) as usize] as u64) << 1) | (raw >> 31) as u64;
        // Narrowed a frame at a time: the stacks sharing the first m frames
        // are a box, sorted by frame m once settled.
        let (mut lo, mut hi) = (0u32, self.len() as u32);
        for (m, &t) in prefix.iter().enumerate() {
            self.settle(pr, lo, hi, m as u32 + 1, f64::INFINITY);
            let s = self.s.borrow();
            let longer = s.first_longer(pr, lo, hi, m);
            lo = partition(longer, hi, |i| key(s.stack(pr, i).at(m)) < key(t));
            hi = partition(lo, hi, |i| s.stack(pr, i).at(m) == t);
            if lo == hi {
                return None;
            }
        }
        Some(BoxKey { lo, hi, depth: prefix.len() as u32 - 1 })
    }

    /// Details of box `k`.
    pub fn info(&self, pr: &impl StackSource, k: BoxKey) -> Option<BoxInfo> {
        if !self.valid(pr, k) || k == self.root() {
            return None;
        }
        // Its own stacks (those ending at it) sort first once it is sorted
        // one frame past its own.
        self.settle(pr, k.lo, k.hi, k.depth + 2, f64::INFINITY);
        let s = self.s.borrow();
        let st = s.stack(pr, k.lo);
        let d = k.depth as usize;
        let ends = s.first_longer(pr, k.lo, k.hi, d + 1);
        let raw = st.at(d);
        Some(BoxInfo {
            node: raw & !INLINED,
            inlined: raw & INLINED != 0,
            total: s.sum(k.hi).wrapping_sub(s.sum(k.lo)),
            self_value: s.sum(ends).wrapping_sub(s.sum(k.lo)),
            path: st.iter().take(d + 1).map(|r| r & !INLINED).collect(),
            sides: self.sides(k.lo, k.hi).zip(self.sides(k.lo, ends)).map(|((b, n), (sb, sn))| [b, n, sb, sn]),
        })
    }

    /// Sum of the values of stacks through a node in `matches` (each stack
    /// counted once, however many matching frames it has).
    pub fn matched_total(&self, pr: &impl StackSource, matches: &[bool]) -> i64 {
        let s = self.s.borrow();
        let mut t = 0i64;
        for i in 0..s.order.len() as u32 {
            if s.stack(pr, i).iter().any(|r| matches[(r & !INLINED) as usize]) {
                t = t.wrapping_add(s.sum(i + 1).wrapping_sub(s.sum(i)));
            }
        }
        t
    }

    /// Name rank of graph node `n` (for tests).
    pub fn rank(&self, n: u32) -> u32 {
        self.rank[n as usize]
    }

    /// Ranges still pending (for tests).
    #[cfg(test)]
    fn pending(&self) -> usize {
        self.s.borrow().pending.len()
    }
}

impl Sorted {
    #[inline]
    fn stack<'a, S: StackSource + ?Sized>(&self, pr: &'a S, i: u32) -> StackRef<'a> {
        pr.stack(self.order[i as usize] as usize)
    }

    /// Prefix sum of the values of the first `i` sorted stacks.
    #[inline]
    fn sum(&self, i: u32) -> i64 {
        self.signed.as_ref().unwrap_or(&self.abs_sum)[i as usize]
    }

    fn weight(&self, lo: u32, hi: u32) -> i64 {
        self.abs_sum[hi as usize] - self.abs_sum[lo as usize]
    }

    /// First index in `lo..hi` whose stack is longer than `depth` frames
    /// (shorter stacks sort first within a shared prefix).
    fn first_longer(&self, pr: &(impl StackSource + ?Sized), lo: u32, hi: u32, depth: usize) -> u32 {
        partition(lo, hi, |m| self.stack(pr, m).len() <= depth)
    }

    /// End of the group starting at `i` (stacks with the same frame at `depth`).
    fn group_end(&self, pr: &(impl StackSource + ?Sized), i: u32, hi: u32, depth: usize) -> u32 {
        let f = self.stack(pr, i).at(depth);
        // Gallop, then binary search: groups are often small.
        let mut step = 1u32;
        let mut lo = i;
        let mut b = i + 1;
        while b < hi && self.stack(pr, b).at(depth) == f {
            lo = b;
            b = (b + step).min(hi);
            step *= 2;
        }
        partition(lo + 1, b.min(hi), |m| self.stack(pr, m).at(depth) == f)
    }

    /// The first `j` in `i+1..=hi` with W(i, j) ≥ `min_w` (`hi` if none).
    fn reach(&self, i: u32, hi: u32, min_w: f64) -> u32 {
        let target = self.abs_sum[i as usize] as f64 + min_w;
        partition(i + 1, hi, |m| (self.abs_sum[m as usize] as f64) < target)
    }

    /// Start of the group holding `j` (stacks in `lo..=j` share frames before `depth`).
    fn group_start(&self, pr: &(impl StackSource + ?Sized), lo: u32, j: u32, depth: usize) -> u32 {
        let f = self.stack(pr, j).at(depth);
        partition(lo, j, |m| self.stack(pr, m).get(depth) != Some(f))
    }

    /// Sorts the range `lo..hi`, whose stacks share `depth` frames, on past
    /// them, into groups as wide as `min_w` or wider; narrower groups are
    /// left pending. The sums are rebuilt over the new order.
    fn refine(&mut self, pr: &(impl StackSource + ?Sized), rank: &[u32], lo: u32, hi: u32, depth: u32, min_w: f64) {
        let (a, b) = (lo as usize, hi as usize);
        let Sorted { order, abs_sum, signed, pending } = self;
        let sums: &[i64] = signed.as_ref().unwrap_or(abs_sum);
        let sorted = sort_range(
            pr,
            Ranks::of(rank),
            &mut order[a..b],
            |i, _| sums[a + i + 1].wrapping_sub(sums[a + i]),
            depth,
            |w| w as f64 >= min_w,
            |l, h, d| {
                pending.insert(lo + l, (lo + h, d));
            },
        );
        sums_after(&mut self.abs_sum[a..=b], sorted.iter().map(|v| v.wrapping_abs()));
        if let Some(s) = &mut self.signed {
            sums_after(&mut s[a..=b], sorted.iter().copied());
        }
    }
}

/// Each graph node's name rank, and the largest.
#[derive(Clone, Copy)]
struct Ranks<'a> {
    rank: &'a [u32],
    max: u32,
}

impl<'a> Ranks<'a> {
    /// A flame graph's ranks, a permutation of `0..n`: the largest known
    /// without a pass over them (a pending range may hold a few stacks).
    fn of(rank: &'a [u32]) -> Ranks<'a> {
        Ranks { rank, max: rank.len().saturating_sub(1) as u32 }
    }
}

/// The first index in `lo..hi` where `pred` is false, `pred` being true
/// on a prefix of the range and false after it (a binary search).
fn partition(mut lo: u32, mut hi: u32, pred: impl Fn(u32) -> bool) -> u32 {
    while lo < hi {
        let m = lo + (hi - lo) / 2;
        if pred(m) {
            lo = m + 1;
        } else {
            hi = m;
        }
    }
    lo
}

/// Sorts stack indices `order`, whose stacks share their first `depth`
/// frames, by their frames after those (graph node name `ranks`, then inlined
/// after not), a stack before the longer ones it is a prefix of. Groups of
/// stacks that tie so far go on being sorted only if `wide(weight)` (sum of
/// |value|) holds; the rest are reported to `narrow(lo, hi, frames shared)`
/// (offsets into `order`) and left in any order past those frames.
///
/// Most-significant-digit first: each round packs the next few frames of
/// every stack of a group into one integer, sorts the group by it, and goes
/// one round deeper only in runs that still tie. Each stack is read a few
/// frames at a time instead of once per comparison, which is what makes
/// comparison sorting of millions of deep stacks slow.
///
/// `value(i, k)` is the value of stack `k`, at `order[i]`; returns them in the
/// sorted order (they travel with their stacks: looked up afterwards, in
/// sorted order, each was a cache miss).
fn sort_range<S: StackSource + ?Sized>(
    st: &S,
    ranks: Ranks,
    order: &mut [u32],
    value: impl Fn(usize, u32) -> i64,
    depth: u32,
    wide: impl Fn(i64) -> bool,
    mut narrow: impl FnMut(u32, u32, u32),
) -> Vec<i64> {
    // A frame's key is 1 + (rank << 1 | inlined); 0 marks "stack ended".
    let Ranks { rank, max: max_rank } = ranks;
    let max_key = (max_rank as u64) * 2 + 2;
    let bits = 64 - max_key.leading_zeros();
    let per = (64 / bits) as usize;
    let slot_mask = if bits == 64 { u64::MAX } else { (1u64 << bits) - 1 };
    let fkey = |raw: u32| (((rank[(raw & !INLINED) as usize] as u64) << 1) | (raw >> 31) as u64) + 1;
    // Each entry carries a cursor into its stack: a round reads on from
    // where the last one stopped, with no look-ups to find the stack.
    let mut keyed: Vec<(u64, i64, u32, Cursor)> = order
        .iter()
        .enumerate()
        .map(|(i, &k)| {
            let mut c = st.cursor(k as usize);
            if depth > 0 {
                st.read(&mut c, depth as usize, |_| {});
            }
            (0, value(i, k), k, c)
        })
        .collect();
    let mut work = vec![(0usize, keyed.len(), depth as usize)];
    while let Some((lo, hi, depth)) = work.pop() {
        if hi - lo < 2 {
            continue;
        }
        for e in &mut keyed[lo..hi] {
            let mut k = 0u64;
            let got = st.read(&mut e.3, per, |raw| k = if bits == 64 { fkey(raw) } else { (k << bits) | fkey(raw) });
            for _ in got..per {
                k = if bits == 64 { 0 } else { k << bits };
            }
            e.0 = k;
        }
        keyed[lo..hi].sort_unstable_by_key(|e| e.0);
        let mut i = lo;
        while i < hi {
            let k = keyed[i].0;
            let mut j = i + 1;
            let mut w = keyed[i].1.wrapping_abs();
            while j < hi && keyed[j].0 == k {
                w = w.wrapping_add(keyed[j].1.wrapping_abs());
                j += 1;
            }
            // Ties whose stacks all go on past this round's frames go deeper.
            if j - i > 1 && k & slot_mask != 0 {
                if wide(w) {
                    work.push((i, j, depth + per));
                } else {
                    narrow(i as u32, j as u32, (depth + per) as u32);
                }
            }
            i = j;
        }
    }
    for (o, e) in order.iter_mut().zip(&keyed) {
        *o = e.2;
    }
    // The values in the entries' own memory, its rest given back at once.
    let mut values: Vec<i64> = keyed.into_iter().map(|e| e.1).collect();
    values.shrink_to_fit();
    values
}

fn push(l: &mut Layout, x: f64, w: f64, d: u32, raw: u32, lo: u32, hi: u32) {
    l.x.push(x);
    l.width.push(w);
    l.depth.push(d);
    l.node.push(raw & !INLINED);
    l.inlined.push(raw & INLINED != 0);
    l.lo.push(lo);
    l.hi.push(hi);
    l.max_depth = l.max_depth.max(d + 1);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::folded_profile;
    use crate::{ModelOptions, Query};

    fn prepared(text: &str) -> (Prepared, Vec<String>) {
        let p =
            crate::load(&folded_profile(text, &[("samples", "count")]), &Default::default(), &ModelOptions::default())
                .unwrap();
        let pr = Prepared::new(vec![p], vec![], Query::default()).unwrap();
        let names: Vec<String> = (0..pr.nodes.len()).map(|n| pr.nodes.printable_name(n)).collect();
        (pr, names)
    }

    fn boxes(l: &Layout, names: &[String]) -> Vec<(String, f64, f64, u32)> {
        (0..l.x.len()).map(|i| (names[l.node[i] as usize].clone(), l.x[i], l.width[i], l.depth[i])).collect()
    }

    #[test]
    fn boxes_sum_paths_and_are_laid_out_by_name() {
        let (pr, names) = prepared("main;b 2\nmain;a 1\nmain;a;x 3\nother 4\nmain 1");
        let f = Flame::new(&pr, &names);
        let l = f.layout(&pr, f.root(), 0.0);
        let b = boxes(&l, &names);
        let find = |n: &str| b.iter().find(|x| x.0 == n).unwrap().clone();
        assert_eq!(find("main"), ("main".into(), 0.0, 7.0 / 11.0, 0));
        assert!((find("other").1 - 7.0 / 11.0).abs() < 1e-12);
        // main's own sample (self 1) comes first, then a (4), then b (2).
        assert!((find("a").1 - 1.0 / 11.0).abs() < 1e-12);
        assert!((find("b").1 - 5.0 / 11.0).abs() < 1e-12);
        assert_eq!(find("x").3, 2);
        // Zoom into a: main above at full width, a fills the width, x below.
        let i = b.iter().position(|x| x.0 == "a").unwrap();
        let k = BoxKey { lo: l.lo[i], hi: l.hi[i], depth: l.depth[i] };
        let z = boxes(&f.layout(&pr, k, 0.0), &names);
        assert_eq!(z[0], ("main".into(), 0.0, 1.0, 0));
        assert_eq!(z[1], ("a".into(), 0.0, 1.0, 1));
        assert_eq!((z[2].0.as_str(), z[2].1, z[2].2), ("x", 0.25, 0.75));
        let main = f.ancestor(&pr, k, 0);
        assert_eq!(f.info(&pr, main).unwrap().total, 7);
        let info = f.info(&pr, k).unwrap();
        assert_eq!((info.total, info.self_value, info.path.len()), (4, 1, 2));
        // Culling drops narrow boxes.
        assert!(f.layout(&pr, f.root(), 0.2).x.len() < l.x.len());
    }

    /// The plain algorithm: visit every group, keep those wide enough (on
    /// a flame graph sorted in full).
    fn brute(f: &Flame, pr: &Prepared, min_width: f64) -> Vec<(u32, u32, u32)> {
        f.layout(pr, f.root(), 0.0);
        assert_eq!(f.pending(), 0, "a layout of every box sorts every stack");
        let s = f.s.borrow();
        let scale = s.weight(0, f.len() as u32) as f64;
        let mut out = Vec::new();
        let mut work = vec![(0u32, f.len() as u32, 0u32)];
        while let Some((lo, hi, d)) = work.pop() {
            let mut i = s.first_longer(pr, lo, hi, d as usize);
            while i < hi {
                let j = s.group_end(pr, i, hi, d as usize);
                if s.weight(i, j) as f64 >= min_width * scale {
                    out.push((i, j, d));
                    work.push((i, j, d + 1));
                }
                i = j;
            }
        }
        out.sort_unstable();
        out
    }

    fn small() -> (Prepared, Vec<String>) {
        use prost::Message;
        let data = crate::synth::generate(crate::synth::Spec::SMALL).encode_to_vec();
        let p = crate::load(&data, &Default::default(), &ModelOptions::default()).unwrap();
        let pr = Prepared::new(vec![p], vec![], Query::default()).unwrap();
        let names: Vec<String> = (0..pr.nodes.len()).map(|n| pr.nodes.printable_name(n)).collect();
        (pr, names)
    }

    fn keys(l: &Layout) -> Vec<(u32, u32, u32)> {
        let mut got: Vec<(u32, u32, u32)> = (0..l.x.len()).map(|i| (l.lo[i], l.hi[i], l.depth[i])).collect();
        got.sort_unstable();
        got
    }

    #[test]
    fn culling_skips_exactly_the_narrow_boxes() {
        let (pr, names) = small();
        // Widest culling first: each layout sorts only what it shows, and
        // must still match the plain algorithm on a fully sorted graph.
        let lazy = Flame::lazy(&pr, &names);
        let full = Flame::lazy(&pr, &names);
        for min in [0.1, 0.01, 1e-3, 1e-4, 0.0] {
            let l = lazy.layout(&pr, lazy.root(), min);
            assert_eq!(keys(&l), brute(&full, &pr, min), "min width {min}");
            let s = full.s.borrow();
            for i in 0..l.x.len() {
                let want = s.weight(0, l.lo[i]) as f64 / s.weight(0, full.len() as u32) as f64;
                assert!((l.x[i] - want).abs() < 1e-9);
            }
        }
    }

    /// Zooms, tooltips and searches on a graph sorted only as far as one
    /// narrow layout needed give what a fully sorted graph gives.
    #[test]
    fn a_lazily_sorted_graph_answers_as_a_fully_sorted_one() {
        let (pr, names) = small();
        let full = Flame::new(&pr, &names);
        let all = full.layout(&pr, full.root(), 0.0);
        assert_eq!(full.pending(), 0);
        let deep: Vec<BoxKey> = (0..all.x.len())
            .filter(|&i| all.depth[i] >= 3)
            .step_by(97)
            .map(|i| BoxKey { lo: all.lo[i], hi: all.hi[i], depth: all.depth[i] })
            .collect();
        assert!(deep.len() > 10, "{} deep boxes", deep.len());
        for k in deep {
            // Each question on a fresh graph that has laid out only wide boxes.
            let fresh = || {
                let f = Flame::lazy(&pr, &names);
                f.layout(&pr, f.root(), 0.05);
                assert!(f.pending() > 0, "narrow groups are left unsorted");
                f
            };
            let path = full.path(&pr, k);
            assert_eq!(fresh().find(&pr, &path), Some(k), "find {path:?}");
            let f = fresh();
            let found = f.find(&pr, &path).unwrap();
            assert_eq!(f.info(&pr, found), full.info(&pr, k));
            assert_eq!(f.ancestor(&pr, found, 1), full.ancestor(&pr, k, 1));
            let f = fresh();
            let zoomed = f.layout(&pr, f.find(&pr, &path).unwrap(), 0.0);
            let want = full.layout(&pr, k, 0.0);
            assert_eq!((keys(&zoomed), zoomed.x.clone(), zoomed.width), (keys(&want), want.x.clone(), want.width));
            // A made-up path leads nowhere.
            let mut bad = path.clone();
            bad.push(path[0] ^ INLINED);
            assert_eq!(fresh().find(&pr, &bad), full.find(&pr, &bad));
        }
        // Settled a slice at a time: the same graph, nothing pending.
        let f = Flame::lazy(&pr, &names);
        f.layout(&pr, f.root(), 0.05);
        let mut slices = 0;
        while !f.settle_some(&pr, 50) {
            slices += 1;
        }
        assert!(slices > 1, "{slices} slices");
        assert_eq!(f.pending(), 0);
        assert_eq!(f.layout(&pr, f.root(), 0.0).x, all.x);
        // Found before any layout: the root itself still unsorted.
        let f = Flame::lazy(&pr, &names);
        assert_eq!(f.pending(), 1);
        let i = (0..all.x.len()).find(|&i| all.depth[i] == 4).unwrap();
        let k = BoxKey { lo: all.lo[i], hi: all.hi[i], depth: 4 };
        let found = f.find(&pr, &full.path(&pr, k));
        assert_eq!(found, Some(k));
        assert_eq!(f.info(&pr, k), full.info(&pr, k));
    }

    /// Stacks read through the profile's locations (big profiles) and stacks
    /// holding their node ids give the same reports and flame graphs.
    #[test]
    fn views_read_through_locations_report_what_owned_views_report() {
        use crate::aggregate::graph::stacks_through;
        use prost::Message;
        let data = crate::synth::generate(crate::synth::Spec::SMALL).encode_to_vec();
        let p = crate::load(&data, &Default::default(), &ModelOptions::default()).unwrap();
        let queries = [
            Query::default(),
            Query { noinlines: true, ..Query::default() },
            Query { granularity: crate::Granularity::Lines, ..Query::default() },
            Query {
                filters: crate::query::Filters {
                    focus: "pkg3".into(),
                    tagfocus: "handler=/api/users".into(),
                    ..Default::default()
                },
                ..Query::default()
            },
            Query { sample_index: "cpu".into(), nodefraction: 0.0, ..Query::default() },
        ];
        for q in queries {
            let owned = Prepared::new_owned(vec![p.clone()], vec![], q.clone()).unwrap();
            let mut through = Prepared::new(vec![p.clone()], vec![], q.clone()).unwrap();
            through.stacks = stacks_through(&through.profile, &through.view, &through.nodes).unwrap();
            assert!(through.stacks.through_locations() && !owned.stacks.through_locations());
            assert_eq!(crate::report::top_text(&through), crate::report::top_text(&owned), "{q:?}");
            assert_eq!(crate::report::traces_text(&through), crate::report::traces_text(&owned));
            assert_eq!(crate::report::dot::dot_text(&through), crate::report::dot::dot_text(&owned));
            let names: Vec<String> = (0..owned.nodes.len()).map(|n| owned.nodes.printable_name(n)).collect();
            let (ft, fo) = (Flame::new(&through, &names), Flame::new(&owned, &names));
            let (lt, lo) = (ft.layout(&through, ft.root(), 0.0005), fo.layout(&owned, fo.root(), 0.0005));
            let boxes = |l: &Layout| {
                (l.x.clone(), l.width.clone(), l.depth.clone(), l.node.clone(), l.lo.clone(), l.hi.clone())
            };
            assert_eq!(boxes(&lt), boxes(&lo));
            assert!(lt.x.len() > 20, "{} boxes", lt.x.len());
            for i in (0..lt.x.len()).step_by(7) {
                let k = BoxKey { lo: lt.lo[i], hi: lt.hi[i], depth: lt.depth[i] };
                assert_eq!(ft.info(&through, k), fo.info(&owned, k));
                assert_eq!(boxes(&ft.layout(&through, k, 0.001)), boxes(&fo.layout(&owned, k, 0.001)));
                let path = ft.path(&through, k);
                assert_eq!(ft.find(&through, &path), Some(k));
                assert_eq!(ft.ancestor(&through, k, 0), fo.ancestor(&owned, k, 0));
            }
            let m: Vec<bool> = names.iter().map(|n| n.contains("pkg1")).collect();
            assert_eq!(ft.matched_total(&through, &m), fo.matched_total(&owned, &m));
        }
    }

    #[test]
    fn stack_sort_orders_as_frame_by_frame_comparison() {
        use prost::Message;
        let data = crate::synth::generate(crate::synth::Spec::SMALL).encode_to_vec();
        let p = crate::load(&data, &Default::default(), &ModelOptions::default()).unwrap();
        let mut pr = Prepared::new(vec![p], vec![], Query::default()).unwrap();
        pr.stacks = crate::aggregate::graph::stacks_through(&pr.profile, &pr.view, &pr.nodes).unwrap();
        let st = &pr;
        let n = pr.nodes.len();
        // Ranks of few and of many bits (up to one frame per round).
        let ranks = [
            (0..n as u32).rev().collect::<Vec<_>>(),
            (0..n as u32).map(|r| r * 40_000).collect(),
            (0..n as u32).map(|r| u32::MAX - r).collect(),
        ];
        for rank in ranks {
            let key = |raw: u32| ((rank[(raw & !INLINED) as usize] as u64) << 1) | (raw >> 31) as u64;
            let cmp = |a: &u32, b: &u32| {
                let (sa, sb) = (st.stack(*a as usize), st.stack(*b as usize));
                for (x, y) in sa.iter().zip(sb) {
                    if x != y {
                        return key(x).cmp(&key(y));
                    }
                }
                sa.len().cmp(&sb.len())
            };
            let mut want: Vec<u32> = (0..pr.stacks.len() as u32).collect();
            want.sort_by(cmp);
            let mut got: Vec<u32> = (0..pr.stacks.len() as u32).collect();
            got.reverse();
            // Each stack's value comes out beside it.
            let values = sort_range(
                &pr,
                Ranks { rank: &rank, max: *rank.iter().max().unwrap() },
                &mut got,
                |_, k| 7 * k as i64 - 3,
                0,
                |_| true,
                |_, _, _| {},
            );
            for w in got.windows(2) {
                assert_ne!(cmp(&w[0], &w[1]), std::cmp::Ordering::Greater);
            }
            assert!(got.iter().zip(&values).all(|(&k, &v)| v == 7 * k as i64 - 3));
            assert_eq!(got.len(), want.len());
        }
    }

    #[test]
    fn matched_total_counts_each_stack_once() {
        let (pr, names) = prepared("main;f;g;f 5\nmain;h 5");
        let f = Flame::new(&pr, &names);
        let m: Vec<bool> = names.iter().map(|n| n == "f").collect();
        assert_eq!(f.matched_total(&pr, &m), 5);
    }

    #[test]
    fn bad_keys_fall_back_to_the_root() {
        let (pr, names) = prepared("main;a 1");
        let f = Flame::new(&pr, &names);
        let bad = BoxKey { lo: 5, hi: 9, depth: 3 };
        assert!(!f.valid(&pr, bad));
        assert_eq!(f.layout(&pr, bad, 0.0).x.len(), 2);
        assert!(f.info(&pr, bad).is_none());
    }

    fn compared(base: &str, new: &str) -> (Prepared, Vec<String>, Vec<bool>) {
        let load = |t: &str| {
            crate::load(&folded_profile(t, &[("samples", "count")]), &Default::default(), &ModelOptions::default())
                .unwrap()
        };
        let q = Query { base_mode: crate::query::BaseMode::Diff, ..Query::default() };
        let pr = Prepared::new(vec![load(new)], vec![load(base)], q).unwrap();
        let names: Vec<String> = (0..pr.nodes.len()).map(|n| pr.nodes.printable_name(n)).collect();
        let is_base = crate::aggregate::base_samples(&pr.profile);
        (pr, names, is_base)
    }

    #[test]
    fn a_diff_is_one_tree_with_each_stack_as_wide_as_its_larger_side() {
        let (pr, names, is_base) = compared("main;a 10\nmain;b 5\nmain;d 2", "main;a 4\nmain;b 20\nmain;c 3");
        let f = Flame::with_weights(&pr, &names, Weights::Diff(&is_base));
        let l = f.layout(&pr, f.root(), 0.0);
        let at = |n: &str| (0..l.x.len()).find(|&i| names[l.node[i] as usize] == n).unwrap();
        // Widths: a max(10,4)=10, b 20, c 3, d 2: main is 35 wide.
        let (a, b, c, d, main) = (at("a"), at("b"), at("c"), at("d"), at("main"));
        assert!((l.width[main] - 1.0).abs() < 1e-12);
        assert!((l.width[a] - 10.0 / 35.0).abs() < 1e-12 && (l.width[b] - 20.0 / 35.0).abs() < 1e-12);
        assert_eq!((l.change[c], l.change[d]), (1.0, -1.0), "new and gone are saturated");
        assert!((l.change[a] + 0.6).abs() < 1e-6, "a shrank by 6 of 10");
        assert!((l.change[b] - 0.75).abs() < 1e-6, "b grew by 15 of 20");
        let info = f.info(&pr, BoxKey { lo: l.lo[main], hi: l.hi[main], depth: 0 }).unwrap();
        assert_eq!(info.sides, Some([17, 27, 0, 0]));
        assert_eq!(info.total, 10);
        // The sides on their own, with the same nodes: a box found by path.
        let base = Flame::with_weights(&pr, &names, Weights::Side(&is_base, true));
        let new = Flame::with_weights(&pr, &names, Weights::Side(&is_base, false));
        let kb = BoxKey { lo: l.lo[b], hi: l.hi[b], depth: 1 };
        let path = f.path(&pr, kb);
        let in_base = base.find(&pr, &path).unwrap();
        assert_eq!(base.info(&pr, in_base).unwrap().total, 5);
        assert_eq!(new.info(&pr, new.find(&pr, &path).unwrap()).unwrap().total, 20);
        let pc = f.path(&pr, BoxKey { lo: l.lo[c], hi: l.hi[c], depth: 1 });
        assert!(base.find(&pr, &pc).is_none(), "c is not in the base");
        assert!(new.find(&pr, &pc).is_some());
        assert_eq!(base.layout(&pr, base.root(), 0.0).x.len(), 4);
        assert!(new.layout(&pr, new.root(), 0.0).change.is_empty());
    }
}
