//! The kept samples as node stacks, root first: read through the profile's
//! location stacks, or owning their node ids; the one way every graph pass
//! reads a stack.

use super::super::filter::View;
use super::nodes::Nodes;
use crate::model::Profile;
use std::ops::Range;

/// Bit set on a node id of a stack when the frame sits at an inlined (not
/// outermost) position of its location.
pub const INLINED: u32 = 1 << 31;

/// The kept samples as node stacks, root first: what every graph pass reads.
///
/// A view whose filters keep every sample's stack whole (no hide, show or
/// show_from) does not copy the stacks: a stack is read through the
/// profile's own location stack and the view's location → nodes map, so
/// the view costs a few bytes per sample instead of four per frame. Other
/// views, and stacks made for one purpose (pivot graphs), own their node ids.
#[derive(Clone, Debug, Default)]
pub struct Stacks {
    /// Sample index (into the profile) of each stack.
    pub samples: Vec<u32>,
    /// Offsets into `nodes`, one more than stacks; for stacks read through
    /// the profile, the running sum of their lengths.
    pub start: Vec<u32>,
    /// Node ids, root first, with [`INLINED`] set on inlined frames (empty
    /// for stacks read through the profile).
    pub nodes: Vec<u32>,
    /// For stacks read through the profile: per location, offsets into
    /// `loc_nodes`; empty otherwise.
    loc_start: Vec<u32>,
    /// The view's nodes of each location, innermost first.
    loc_nodes: Vec<u32>,
    /// Per location with one or two nodes: the outermost in the low half,
    /// the inlined one (with [`INLINED`]) or [`MANY`] in the high half;
    /// [`MANY`] in both for other locations.
    loc_two: Vec<u64>,
}

/// Views with a stack deeper than this own their stacks' node ids.
pub const DEEP: u32 = 1024;

/// In [`Stacks::loc_two`]: no inlined node (high half), or a location of no
/// node or more than two (both halves).
const MANY: u32 = u32::MAX;

impl Stacks {
    /// Empty stacks that own their node ids (push with [`Stacks::push`]).
    pub fn owned() -> Stacks {
        Stacks { start: vec![0], ..Default::default() }
    }

    /// Appends a stack of sample `s`, nodes root first.
    pub fn push(&mut self, s: u32, nodes: impl IntoIterator<Item = u32>) {
        self.nodes.extend(nodes);
        self.samples.push(s);
        self.start.push(self.nodes.len() as u32);
    }

    /// Number of stacks.
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// True when there are no stacks.
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// True when stacks are read through the profile's location stacks.
    pub fn through_locations(&self) -> bool {
        !self.loc_start.is_empty()
    }

    /// Nodes of stack `k`, root first. `p` is the profile the stacks were
    /// made from (read only by stacks read through it).
    #[inline]
    pub fn stack<'a>(&'a self, p: &'a Profile, k: usize) -> StackRef<'a> {
        let len = self.start[k + 1] - self.start[k];
        if self.through_locations() {
            StackRef::Locations { locs: p.samples.stack(self.samples[k] as usize), len, st: self }
        } else {
            StackRef::Nodes(&self.nodes[self.start[k] as usize..self.start[k + 1] as usize])
        }
    }

    /// A cursor at the root of stack `k` (see [`Stacks::read`]); `p` as in
    /// [`Stacks::stack`] (`None` for stacks that own their node ids).
    #[inline]
    pub fn cursor(&self, p: Option<&Profile>, k: usize) -> Cursor {
        let (lo, hi) = if let (true, Some(p)) = (self.through_locations(), p) {
            let s = self.samples[k] as usize;
            (p.samples.stack_start[s], p.samples.stack_start[s + 1])
        } else {
            (self.start[k], self.start[k + 1])
        };
        Cursor { lo, hi, skip: 0 }
    }

    /// Calls `f` with up to `n` frames from cursor `c` on, root first, and
    /// moves the cursor past them; returns how many there were.
    #[inline]
    pub fn read(&self, p: Option<&Profile>, c: &mut Cursor, n: usize, mut f: impl FnMut(u32)) -> usize {
        let mut given = 0;
        let Some(p) = p.filter(|_| self.through_locations()) else {
            let end = c.hi.min(c.lo.saturating_add(n as u32));
            self.nodes[c.lo as usize..end as usize].iter().for_each(|&r| f(r));
            given = (end - c.lo) as usize;
            c.lo = end;
            return given;
        };
        let stack = &p.samples.stack;
        while given < n && c.hi > c.lo {
            let l = stack.get(c.hi as usize - 1) as u32;
            if let Some(one) = single(self.loc_two[l as usize]) {
                f(one);
                given += 1;
                c.hi -= 1;
                continue;
            }
            // Root first: the outermost node, then the inlined ones.
            let ln = self.of_location(l);
            while given < n && (c.skip as usize) < ln.len() {
                let j = c.skip as usize;
                f(if j == 0 { ln[ln.len() - 1] } else { ln[ln.len() - 1 - j] | INLINED });
                given += 1;
                c.skip += 1;
            }
            if c.skip as usize == ln.len() {
                c.skip = 0;
                c.hi -= 1;
            }
        }
        given
    }

    /// Nodes of stack `k` of stacks that own their node ids.
    #[inline]
    pub fn owned_stack(&self, k: usize) -> StackRef<'_> {
        debug_assert!(!self.through_locations());
        StackRef::Nodes(&self.nodes[self.start[k] as usize..self.start[k + 1] as usize])
    }

    #[inline]
    fn of_location(&self, l: u32) -> &[u32] {
        &self.loc_nodes[self.loc_start[l as usize] as usize..self.loc_start[l as usize + 1] as usize]
    }
}

/// The node of a [`Stacks::loc_two`] entry of a single-node location.
#[inline]
fn single(two: u64) -> Option<u32> {
    (two >> 32 == MANY as u64 && two != u64::MAX).then_some(two as u32)
}

/// A position in a stack for [`Stacks::read`]: the stack's data range, less
/// what has been read, and how many nodes of the next location were.
#[derive(Clone, Copy, Debug, Default)]
pub struct Cursor {
    lo: u32,
    hi: u32,
    skip: u32,
}

/// One stack's nodes, root first, with [`INLINED`] flags: a slice, or a
/// location stack read through the view's map.
#[derive(Clone, Copy, Debug)]
pub enum StackRef<'a> {
    /// Node ids, root first.
    Nodes(&'a [u32]),
    /// Locations, leaf first, each standing for its nodes.
    Locations {
        /// The profile's location stack, leaf first.
        locs: crate::packed::Run<'a>,
        /// Number of nodes.
        len: u32,
        /// The stacks holding the map.
        st: &'a Stacks,
    },
}

impl<'a> StackRef<'a> {
    /// Number of frames.
    #[inline]
    pub fn len(&self) -> usize {
        match self {
            StackRef::Nodes(s) => s.len(),
            StackRef::Locations { len, .. } => *len as usize,
        }
    }

    /// True when the stack has no frames.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The frame at depth `d` (0 = root), if the stack is that deep.
    #[inline]
    pub fn get(&self, d: usize) -> Option<u32> {
        match *self {
            StackRef::Nodes(s) => s.get(d).copied(),
            StackRef::Locations { locs, len, st } => {
                if d >= len as usize {
                    return None;
                }
                let mut d = d;
                for l in locs.iter().rev() {
                    let two = st.loc_two[l as usize];
                    if two != u64::MAX {
                        let inner = (two >> 32) as u32;
                        let n = 1 + (inner != MANY) as usize;
                        if d < n {
                            return Some(if d == 0 { two as u32 } else { inner });
                        }
                        d -= n;
                        continue;
                    }
                    let ln = st.of_location(l);
                    if d < ln.len() {
                        let n = ln[ln.len() - 1 - d];
                        return Some(if d == 0 { n } else { n | INLINED });
                    }
                    d -= ln.len();
                }
                None
            }
        }
    }

    /// Calls `f` with every frame, in no promised order: for a stack read
    /// through locations, leaf location first, with no buffer.
    #[inline]
    pub fn each_node(&self, mut f: impl FnMut(u32)) {
        match *self {
            StackRef::Nodes(s) => s.iter().for_each(|&r| f(r)),
            StackRef::Locations { locs, st, .. } => {
                for l in locs.iter() {
                    location_nodes(st.loc_two[l as usize], || st.of_location(l), &mut f);
                }
            }
        }
    }

    /// The frame at depth `d`; `d` must be below [`StackRef::len`].
    #[inline]
    pub fn at(&self, d: usize) -> u32 {
        self.get(d).expect("a frame within the stack")
    }

    /// The innermost frame.
    #[inline]
    pub fn last(&self) -> Option<u32> {
        match *self {
            StackRef::Nodes(s) => s.last().copied(),
            // The innermost node of the leaf location, from its table entry
            // (just read by a pass over the stack, so cached).
            StackRef::Locations { locs, st, .. } => locs.iter().find_map(|l| {
                let mut inner = None;
                location_nodes(st.loc_two[l as usize], || st.of_location(l), |n| inner = Some(n));
                inner
            }),
        }
    }

    /// The frames, root first.
    #[inline]
    pub fn iter(&self) -> StackIter<'a> {
        match *self {
            StackRef::Nodes(s) => StackIter::Nodes(s.iter()),
            StackRef::Locations { locs, st, .. } => {
                StackIter::Locations { locs: locs.iter(), cur: &[], outer: false, st }
            }
        }
    }

    /// The frames from depth `d` on.
    pub fn iter_from(&self, d: usize) -> StackIter<'a> {
        match *self {
            StackRef::Nodes(s) => StackIter::Nodes(s[d.min(s.len())..].iter()),
            StackRef::Locations { locs, st, .. } => {
                let mut it = locs.iter();
                let mut d = d;
                while let Some(l) = it.next_back() {
                    let ln = st.of_location(l);
                    if d < ln.len() {
                        return StackIter::Locations { locs: it, cur: &ln[..ln.len() - d], outer: d == 0, st };
                    }
                    d -= ln.len();
                }
                StackIter::Locations { locs: it, cur: &[], outer: false, st }
            }
        }
    }

    /// The frames, root first: the slice itself, or the locations expanded
    /// into `buf`, a scratch buffer kept across stacks (the fast walk of
    /// the graph passes: one look-up per location).
    #[inline]
    pub fn expand<'b>(&self, buf: &'b mut Vec<u32>) -> &'b [u32]
    where
        'a: 'b,
    {
        match *self {
            StackRef::Nodes(s) => s,
            StackRef::Locations { locs, st, .. } => {
                // Written by index into room for two nodes per location
                // (more only for a location of three or more): no capacity
                // check per node, and a single-node location's second slot
                // is overwritten by the next.
                if buf.len() < 2 * locs.len() + 1 {
                    buf.resize(2 * locs.len() + 1, 0);
                }
                let mut n = 0;
                for (i, l) in locs.iter().rev().enumerate() {
                    let t = st.loc_two[l as usize];
                    if t != u64::MAX {
                        buf[n] = t as u32;
                        let inner = (t >> 32) as u32;
                        buf[n + 1] = inner;
                        n += 1 + (inner != MANY) as usize;
                    } else if let Some((&outer, inner)) = st.of_location(l).split_last() {
                        let room = n + 1 + inner.len() + 2 * (locs.len() - i);
                        if buf.len() < room {
                            buf.resize(room, 0);
                        }
                        buf[n] = outer;
                        for (j, &x) in inner.iter().rev().enumerate() {
                            buf[n + 1 + j] = x | INLINED;
                        }
                        n += 1 + inner.len();
                    }
                }
                &buf[..n]
            }
        }
    }

    /// The frames as a vector, root first.
    pub fn to_vec(&self) -> Vec<u32> {
        self.iter().collect()
    }
}

impl PartialEq for StackRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (StackRef::Nodes(a), StackRef::Nodes(b)) => a == b,
            _ => self.len() == other.len() && self.iter().eq(other.iter()),
        }
    }
}

impl<'a> IntoIterator for StackRef<'a> {
    type Item = u32;
    type IntoIter = StackIter<'a>;
    fn into_iter(self) -> StackIter<'a> {
        self.iter()
    }
}

/// The frames of a [`StackRef`], root first.
#[derive(Clone, Debug)]
pub enum StackIter<'a> {
    /// Over node ids.
    Nodes(std::slice::Iter<'a, u32>),
    /// Over locations (from the back: root first), each expanded.
    Locations {
        /// Locations not yet reached.
        locs: crate::packed::Iter32<'a>,
        /// The current location's nodes not yet given, innermost first.
        cur: &'a [u32],
        /// The next node of `cur` is its location's outermost.
        outer: bool,
        /// The map.
        st: &'a Stacks,
    },
}

impl Iterator for StackIter<'_> {
    type Item = u32;
    #[inline]
    fn next(&mut self) -> Option<u32> {
        match self {
            StackIter::Nodes(it) => it.next().copied(),
            StackIter::Locations { locs, cur, outer, st } => loop {
                if let Some((&n, rest)) = cur.split_last() {
                    *cur = rest;
                    let flag = if *outer { 0 } else { INLINED };
                    *outer = false;
                    return Some(n | flag);
                }
                let l = locs.next_back()?;
                if let Some(one) = single(st.loc_two[l as usize]) {
                    return Some(one);
                }
                *cur = st.of_location(l);
                *outer = true;
            },
        }
    }
}

/// One kept stack and its sample's value in the column walked.
#[derive(Clone, Copy, Debug)]
pub struct Weighted<'a> {
    /// The stack's index in [`Stacks`] (also the stamp that counts it once).
    pub k: usize,
    /// The sample's index in the profile.
    pub sample: usize,
    /// The sample's value in the column walked (never 0).
    pub value: i64,
    /// The stack's nodes, root first, with [`INLINED`] flags.
    pub stack: StackRef<'a>,
}

impl Stacks {
    /// The one walk every graph pass makes: each kept stack whose sample has
    /// a nonzero value in `column`, in order.
    pub fn weighted<'a>(&'a self, p: &'a Profile, column: usize) -> impl Iterator<Item = Weighted<'a>> + 'a {
        self.weighted_in(p, column, 0..self.len())
    }

    /// [`Stacks::weighted`] of the stacks in `range` only.
    pub fn weighted_in<'a>(
        &'a self,
        p: &'a Profile,
        column: usize,
        range: Range<usize>,
    ) -> impl Iterator<Item = Weighted<'a>> + 'a {
        let first = range.start;
        self.samples[range].iter().enumerate().filter_map(move |(i, &s)| {
            let k = first + i;
            let value = p.value(s as usize, column);
            (value != 0).then(|| Weighted { k, sample: s as usize, value, stack: self.stack(p, k) })
        })
    }

    /// The stacks split in two halves when a graph pass over them is worth
    /// two cores (see [`crate::par::halves`]).
    pub(super) fn halves(&self) -> (Range<usize>, Range<usize>) {
        crate::par::halves(self.len())
    }
}

/// pprof's "each sample counts once per node" rule (cum under recursion,
/// edge weights): remembers which stack last counted each slot.
#[derive(Clone, Debug)]
pub struct OncePerSample {
    seen: Vec<u32>,
}

impl OncePerSample {
    /// For `n` slots.
    pub fn new(n: usize) -> Self {
        OncePerSample { seen: vec![u32::MAX; n] }
    }
    /// True the first time slot `i` is met in stack `k` (stacks walked in order).
    #[inline]
    pub fn first(&mut self, i: usize, k: usize) -> bool {
        let slot = &mut self.seen[i];
        let first = *slot != k as u32;
        *slot = k as u32;
        first
    }
}

/// The samples the view keeps, as node stacks (root first): read through
/// the profile's location stacks when the profile is big (memory counts) and
/// the view keeps its stacks whole; otherwise holding their node ids (the
/// graph passes run two to three times faster over those).
pub fn stacks(p: &Profile, view: &View, nodes: &Nodes) -> Stacks {
    stacks_from(p, view, nodes, THROUGH_FROM)
}

/// As [`stacks`], read through locations from `through_from` frames on
/// instead of [`THROUGH_FROM`].
pub fn stacks_from(p: &Profile, view: &View, nodes: &Nodes, through_from: usize) -> Stacks {
    if p.samples.stack.len() >= through_from {
        if let Some(st) = stacks_through(p, view, nodes) {
            return st;
        }
    }
    owned_stacks(p, view, nodes)
}

/// Profiles with at least this many frames have their views read stacks
/// through them (below it, the node ids cost under 32 MB).
pub const THROUGH_FROM: usize = 8 << 20;

/// Calls `f` with a location's nodes, outermost first, inlined ones marked
/// [`INLINED`]: from its [`Stacks::loc_two`] entry `two` (one look-up for a
/// location of one or two nodes, nearly all), else from `all` (its nodes,
/// innermost first).
#[inline]
fn location_nodes<'a>(two: u64, all: impl FnOnce() -> &'a [u32], mut f: impl FnMut(u32)) {
    if two != u64::MAX {
        f(two as u32);
        let inner = (two >> 32) as u32;
        if inner != MANY {
            f(inner);
        }
    } else if let Some((&outer, inner)) = all().split_last() {
        f(outer);
        inner.iter().rev().for_each(|&x| f(x | INLINED));
    }
}

/// [`Stacks::loc_two`] of every location of `nodes`.
pub(super) fn loc_two(nodes: &Nodes) -> Vec<u64> {
    nodes
        .loc_start
        .windows(2)
        .map(|w| match nodes.loc_nodes[w[0] as usize..w[1] as usize] {
            [one] => (MANY as u64) << 32 | one as u64,
            [inner, outer] => ((inner | INLINED) as u64) << 32 | outer as u64,
            _ => u64::MAX,
        })
        .collect()
}

/// The samples the view keeps, read through the profile's location stacks;
/// `None` when the view does not keep stacks whole or one is deeper than
/// [`DEEP`] frames.
pub fn stacks_through(p: &Profile, view: &View, nodes: &Nodes) -> Option<Stacks> {
    if !view.keeps_stacks_whole() {
        return None;
    }
    let loc_two = loc_two(nodes);
    let count = |l: u32| match loc_two[l as usize] {
        u64::MAX => nodes.of_location(l as usize).len() as u32,
        t => 1 + ((t >> 32) as u32 != MANY) as u32,
    };
    let (mut samples, mut start) = (Vec::with_capacity(p.samples.len()), Vec::with_capacity(p.samples.len() + 1));
    let (mut total, mut deepest) = (0u32, 0u32);
    start.push(0);
    let mut add = |s: usize, n: u32| {
        total = total.wrapping_add(n);
        deepest = deepest.max(n);
        samples.push(s as u32);
        start.push(total);
    };
    if view.keeps_every_sample() {
        // No filter: every sample with a stack, counted straight from it.
        for s in 0..p.samples.len() {
            let run = p.samples.stack(s);
            if !run.is_empty() {
                add(s, run.iter().map(count).sum());
            }
        }
    } else {
        view.for_each_sample(p, |s, locs| add(s, locs.iter().map(|&l| count(l)).sum()));
    }
    if deepest > DEEP {
        // A frame at depth d costs a walk of d locations: fine for real
        // stacks, quadratic for a flame graph of a 100,000-frame one.
        return None;
    }
    let mut loc_start = nodes.loc_start.clone();
    if loc_start.is_empty() {
        loc_start.push(0); // no locations: still read through them
    }
    Some(Stacks { samples, start, nodes: Vec::new(), loc_start, loc_nodes: nodes.loc_nodes.clone(), loc_two })
}

/// The samples the view keeps, as node stacks (root first) that own their
/// node ids. Natively, a big profile's two halves are built on two cores.
pub fn owned_stacks(p: &Profile, view: &View, nodes: &Nodes) -> Stacks {
    let n = p.samples.len();
    // Room for every frame and a quarter more for inlined ones: the first
    // half's vectors take the second's without moving.
    let room = p.samples.stack.len() + p.samples.stack.len() / 4;
    let two = loc_two(nodes);
    let (a, b) = crate::par::halves(n);
    if b.is_empty() || room > PARALLEL_MAX_NODES {
        return owned_part(p, view, nodes, &two, 0..n, (n, room));
    }
    let rest = (b.len(), room / 2);
    let (mut first, second) = crate::par::both(
        || owned_part(p, view, nodes, &two, a, (n, room)),
        || owned_part(p, view, nodes, &two, b, rest),
    );
    let base = first.nodes.len() as u32;
    first.samples.extend_from_slice(&second.samples);
    first.start.extend(second.start[1..].iter().map(|&o| o + base));
    first.nodes.extend_from_slice(&second.nodes);
    first
}

/// Owned stacks of more node ids than this are built on one thread: the
/// second half's copy would add up to a gigabyte to the peak.
const PARALLEL_MAX_NODES: usize = 1 << 28;

/// [`owned_stacks`] of the samples in `range` (locations' nodes as in
/// [`loc_two`]), with room for `room.0` stacks and `room.1` node ids.
pub(super) fn owned_part(
    p: &Profile,
    view: &View,
    nodes: &Nodes,
    two: &[u64],
    range: Range<usize>,
    room: (usize, usize),
) -> Stacks {
    let mut st = Stacks {
        samples: Vec::with_capacity(room.0),
        start: Vec::with_capacity(room.0 + 1),
        nodes: Vec::with_capacity(room.1),
        ..Default::default()
    };
    st.start.push(0);
    view.for_each_sample_in(p, range, |s, locs| {
        for &l in locs.iter().rev() {
            location_nodes(two[l as usize], || nodes.of_location(l as usize), |n| st.nodes.push(n));
        }
        st.samples.push(s as u32);
        st.start.push(st.nodes.len() as u32);
    });
    st
}
