//! pprof's node graph (`internal/graph`): frames grouped into nodes by the
//! query's granularity, flat and cumulative values per node (cum counted once
//! per sample even under recursion), and caller→callee edges with their
//! weights and inline flags. Building can be restricted to a set of kept
//! nodes, as pprof rebuilds the graph after pruning.

use super::filter::View;
use crate::model::merge::FxMap;
use crate::model::{Profile, NONE};
pub use crate::paths::clean_path;
use crate::paths::SourcePaths;
use crate::query::Granularity;
use std::ops::Range;

/// What identifies a node (pprof's `NodeInfo`). Strings are indices into [`Nodes::strings`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NodeKey {
    /// Function name ("" when the granularity drops names).
    pub name: u32,
    /// Address (addresses granularity only).
    pub address: u64,
    /// Source file, cleaned.
    pub file: u32,
    /// First line of the function (only kept when there is no name).
    pub start_line: i64,
    /// Source line (lines granularity).
    pub line: i64,
    /// Binary (only kept when there is no name).
    pub objfile: u32,
}

/// Every node the profile's locations map to, with per-location node lists.
#[derive(Clone, Debug, Default)]
pub struct Nodes {
    /// Node strings; index 0 is "".
    pub strings: Vec<String>,
    /// Node identities.
    pub keys: Vec<NodeKey>,
    /// Per location, offsets into `loc_nodes`.
    pub loc_start: Vec<u32>,
    /// Node of each remaining frame of each location, innermost first.
    pub loc_nodes: Vec<u32>,
}

impl Nodes {
    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.keys.len()
    }
    /// True when there are no nodes.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
    /// Nodes of location `l`, innermost first.
    #[inline]
    pub fn of_location(&self, l: usize) -> &[u32] {
        &self.loc_nodes[self.loc_start[l] as usize..self.loc_start[l + 1] as usize]
    }
    /// The string at `i`.
    pub fn str(&self, i: u32) -> &str {
        &self.strings[i as usize]
    }
    /// pprof's `PrintableName`.
    pub fn printable_name(&self, n: usize) -> String {
        self.name_components(n).join(" ")
    }
    /// pprof's `NameComponents`.
    pub fn name_components(&self, n: usize) -> Vec<String> {
        let k = &self.keys[n];
        name_components(k.address, self.str(k.name), self.str(k.file), k.line, self.str(k.objfile))
    }
    /// `fmt.Sprint(NodeInfo)` in Go, pprof's last-resort tie break.
    pub fn go_sprint(&self, n: usize) -> String {
        let k = &self.keys[n];
        format!(
            "{{{} {} {} {} {} {} {}}}",
            self.str(k.name),
            "",
            k.address,
            self.str(k.file),
            k.start_line,
            k.line,
            self.str(k.objfile)
        )
    }
}

/// pprof's `NameComponents` of a node's parts: the address, the name, the
/// file (with the line, when there is one), else the binary, else `<unknown>`.
pub fn name_components(address: u64, name: &str, file: &str, line: i64, objfile: &str) -> Vec<String> {
    let mut v = Vec::with_capacity(2);
    if address != 0 {
        v.push(format!("{address:016x}"));
    }
    if !name.is_empty() {
        v.push(name.to_string());
    }
    if line != 0 {
        v.push(format!("{file}:{line}"));
    } else if !file.is_empty() {
        v.push(file.to_string());
    } else if !name.is_empty() {
    } else if !objfile.is_empty() {
        v.push(format!("[{}]", objfile.rsplit('/').next().unwrap_or(objfile)));
    } else {
        v.push("<unknown>".to_string());
    }
    v
}

struct Interner {
    strings: Vec<String>,
    map: FxMap<String, u32>,
}

impl Interner {
    fn get(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.map.get(s) {
            return i;
        }
        let i = self.strings.len() as u32;
        self.strings.push(s.to_string());
        self.map.insert(s.to_string(), i);
        i
    }
}

/// Maps every remaining frame of every location to a node.
pub fn nodes(p: &Profile, view: &View, g: Granularity, noinlines: bool, files: &SourcePaths) -> Nodes {
    let (function, filename, linenumber, address) = match g {
        Granularity::Addresses if !noinlines => (true, true, true, true),
        Granularity::Addresses => (true, true, true, true),
        Granularity::Lines => (true, true, true, false),
        Granularity::Files => (false, true, false, false),
        Granularity::Functions => (true, false, false, false),
        Granularity::FileFunctions => (true, true, false, false),
    };
    let mut it = Interner { strings: vec![String::new()], map: FxMap::default() };
    it.map.insert(String::new(), 0);
    // Per-string caches from profile string ids to node string ids.
    let mut name_cache = vec![NONE; p.strings.len()];
    let mut file_cache = vec![NONE; p.strings.len()];
    let obj: Vec<u32> = p.mappings.iter().map(|m| it.get(&m.file)).collect();
    let mut index: FxMap<NodeKey, u32> = FxMap::default();
    let mut keys: Vec<NodeKey> = Vec::new();
    let nl = p.locations.len();
    let mut loc_start = Vec::with_capacity(nl + 1);
    let mut loc_nodes = Vec::with_capacity(view.frames.len());
    loc_start.push(0u32);
    let mut intern_key = |k: NodeKey, keys: &mut Vec<NodeKey>| -> u32 {
        *index.entry(k).or_insert_with(|| {
            keys.push(k);
            (keys.len() - 1) as u32
        })
    };
    for l in 0..nl {
        let m = p.locations.mapping[l];
        let objfile = if m == NONE { 0 } else { obj[m as usize] };
        let addr = if address { p.locations.address[l] } else { 0 };
        let mut frames = view.frames(l);
        if noinlines && frames.len() > 1 {
            frames = &frames[frames.len() - 1..];
        }
        if frames.is_empty() {
            // A location without lines still makes a node (address / binary).
            if p.locations.frames(l).is_empty() {
                let k = NodeKey { name: 0, address: addr, file: 0, start_line: 0, line: 0, objfile };
                loc_nodes.push(intern_key(k, &mut keys));
            }
            loc_start.push(loc_nodes.len() as u32);
            continue;
        }
        for &fr in frames {
            let f = p.frames.func[fr as usize] as usize;
            let name = if function {
                let s = p.functions.name[f] as usize;
                if name_cache[s] == NONE {
                    name_cache[s] = it.get(&p.strings[s]);
                }
                name_cache[s]
            } else {
                0
            };
            let file = if filename {
                let s = p.functions.filename[f] as usize;
                if file_cache[s] == NONE {
                    file_cache[s] = it.get(&clean_path(&files.trim(&p.strings[s])));
                }
                file_cache[s]
            } else {
                0
            };
            let line = if linenumber { p.frames.line[fr as usize] } else { 0 };
            let (objfile, start_line) = if name == 0 { (objfile, p.functions.start_line[f]) } else { (0, 0) };
            let k = NodeKey { name, address: addr, file, start_line, line, objfile };
            loc_nodes.push(intern_key(k, &mut keys));
        }
        loc_start.push(loc_nodes.len() as u32);
    }
    Nodes { strings: it.strings, keys, loc_start, loc_nodes }
}

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
    fn halves(&self) -> (Range<usize>, Range<usize>) {
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
fn loc_two(nodes: &Nodes) -> Vec<u64> {
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
fn owned_part(
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
fn values(p: &Profile, stacks: &Stacks, nn: usize, vi: usize, kept: Option<&[bool]>) -> Graph {
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

/// [`values`] over the stacks in `range`.
fn values_in(p: &Profile, stacks: &Stacks, nn: usize, vi: usize, kept: Option<&[bool]>, range: Range<usize>) -> Graph {
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
    // The second half's edges after the first's, in their order.
    let mut rest: Vec<(u64, EdgeAcc)> = second.into_iter().collect();
    rest.sort_unstable_by_key(|e| e.1.order);
    for (key, e) in rest {
        let next = acc.len() as u32;
        let a = acc.entry(key).or_insert(EdgeAcc { weight: 0, seen: 0, order: next, inline: true });
        a.weight = a.weight.wrapping_add(e.weight);
        a.inline &= e.inline;
    }
    in_order(acc)
}

/// The edges of `acc`, in their order.
fn in_order(acc: FxMap<u64, EdgeAcc>) -> Graph {
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
struct EdgeAcc {
    weight: i64,
    seen: u32,
    order: u32,
    inline: bool,
}

/// [`edges_into`]'s pass over the stacks in `range`, keyed by (caller, callee).
fn edges_in(
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
            parent = n;
        }
    }
    acc
}

impl Nodes {
    /// Nodes that some location holds at an inlined (non-outermost) position:
    /// the only ones whose in-edges can be inline.
    pub fn inlined_somewhere(&self) -> Vec<bool> {
        let mut v = vec![false; self.len()];
        for l in 0..self.loc_start.len().saturating_sub(1) {
            let ln = self.of_location(l);
            for &n in &ln[..ln.len().saturating_sub(1)] {
                v[n as usize] = true;
            }
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::{build, clean_path, OncePerSample, INLINED};
    use crate::aggregate::Prepared;
    use crate::synth::folded_profile;

    #[test]
    fn the_walk_skips_zero_values_and_counts_recursion_once() {
        let bytes = folded_profile("main;f;f;g 5\nmain;h 0\nmain;f 2", &[("samples", "count")]);
        let p = crate::load(&bytes, &Default::default(), &Default::default()).unwrap();
        let pr = Prepared::new(vec![p], vec![], crate::Query::default()).unwrap();
        let walked: Vec<(usize, i64)> = pr.stacks.weighted(&pr.profile, 0).map(|w| (w.stack.len(), w.value)).collect();
        assert_eq!(walked.len(), 2, "the zero-valued sample is not walked: {walked:?}");
        let mut once = OncePerSample::new(pr.nodes.len());
        let w = pr.stacks.weighted(&pr.profile, 0).next().unwrap();
        let firsts = w.stack.iter().filter(|&r| once.first((r & !INLINED) as usize, w.k)).count();
        assert_eq!(firsts, 3, "main, f (twice: counted once) and g");
        let g = build(&pr.profile, &pr.stacks, pr.nodes.len(), 0, None, false);
        let f = (0..pr.nodes.len()).find(|&n| pr.nodes.printable_name(n) == "f").unwrap();
        assert_eq!((g.flat[f], g.cum[f]), (2, 7), "recursion counts once in cum");
    }

    /// Natively, the passes over many stacks run in two halves: they give
    /// what one pass over all of them gives (recursion, inlined frames; a
    /// focus; nodes left out; edges in the order first met).
    #[test]
    fn passes_in_two_halves_are_one_pass() {
        use super::{edges_in, edges_into, in_order, loc_two, owned_part, owned_stacks, values, values_in};
        use prost::Message;
        let spec = crate::synth::Spec { stacks: 3 * crate::par::MIN_ITEMS, functions: 800, seed: 9 };
        let data = crate::synth::generate(spec).encode_to_vec();
        let p = crate::load(&data, &Default::default(), &Default::default()).unwrap();
        for focus in ["", "pkg1"] {
            let q = crate::Query { focus: focus.into(), ..crate::Query::default() };
            let pr = Prepared::new_owned(vec![p.clone()], vec![], q).unwrap();
            let (p, st, nn) = (&pr.profile, &pr.stacks, pr.nodes.len());
            let (a, b) = st.halves();
            assert!(!a.is_empty() && !b.is_empty(), "{focus}: {} stacks", st.len());
            let whole = owned_part(p, &pr.view, &pr.nodes, &loc_two(&pr.nodes), 0..p.samples.len(), (0, 0));
            let split = owned_stacks(p, &pr.view, &pr.nodes);
            assert_eq!((&split.samples, &split.start, &split.nodes), (&whole.samples, &whole.start, &whole.nodes));
            let kept: Vec<bool> = (0..nn).map(|n| n % 3 != 0).collect();
            for k in [None, Some(&kept[..])] {
                let one = values_in(p, st, nn, 0, k, 0..st.len());
                let two = values(p, st, nn, 0, k);
                assert_eq!((one.flat, one.cum), (two.flat, two.cum), "{focus}");
                let all = vec![true; nn];
                let one = in_order(edges_in(p, st, 0, k.unwrap_or(&all), &all, 0..st.len())).edges;
                let two = edges_into(p, st, nn, 0, k, None).edges;
                assert!(one.len() > 1000, "{}", one.len());
                let key = |e: &super::Edge| (e.src, e.dst, e.weight, e.inline);
                assert_eq!(one.iter().map(key).collect::<Vec<_>>(), two.iter().map(key).collect::<Vec<_>>());
            }
        }
    }

    /// Stacks read through the profile's locations give what stacks holding
    /// their node ids give, frame by frame, from any depth.
    #[test]
    fn stacks_read_through_locations_are_the_owned_stacks() {
        use prost::Message;
        let data = crate::synth::generate(crate::synth::Spec::SMALL).encode_to_vec();
        let p = crate::load(&data, &Default::default(), &Default::default()).unwrap();
        // Locations of three frames, and a stack deeper than the walk's buffer.
        let deep = vec!["f"; 300].join(";");
        let text = format!("main;a+b+c;d 5\nmain;x+y;a+b+c 3\nmain;{deep};a+b 2");
        let small =
            crate::load(&folded_profile(&text, &[("samples", "count")]), &Default::default(), &Default::default())
                .unwrap();
        for (p, noinlines) in [(&p, false), (&p, true), (&small, false)] {
            let q = crate::Query { noinlines, ..crate::Query::default() };
            let mut pr = Prepared::new(vec![p.clone()], vec![], q).unwrap();
            assert!(!pr.stacks.through_locations(), "a small profile's view owns its node ids");
            pr.stacks = super::stacks_through(&pr.profile, &pr.view, &pr.nodes).unwrap();
            assert!(pr.stacks.through_locations());
            let owned = super::owned_stacks(&pr.profile, &pr.view, &pr.nodes);
            assert!(!owned.through_locations());
            assert_eq!(
                (pr.stacks.samples.clone(), pr.stacks.start.clone()),
                (owned.samples.clone(), owned.start.clone())
            );
            let mut inlined = 0;
            for k in 0..owned.len() {
                let (a, b) = (pr.stacks.stack(&pr.profile, k), owned.stack(&pr.profile, k));
                assert_eq!(a.to_vec(), b.to_vec());
                let mut walked = vec![7; 3];
                assert_eq!(a.expand(&mut walked), b.to_vec(), "the fast walk");
                let mut c = pr.stacks.cursor(Some(&pr.profile), k);
                let mut read = Vec::new();
                while pr.stacks.read(Some(&pr.profile), &mut c, 2, |r| read.push(r)) > 0 {}
                assert_eq!(read, b.to_vec(), "reading two at a time");
                assert_eq!((a.len(), a.last(), a.get(a.len())), (b.len(), b.last(), None));
                assert!(a == b);
                for d in 0..b.len() {
                    assert_eq!(a.get(d), b.get(d));
                    assert_eq!(a.iter_from(d).collect::<Vec<_>>(), b.iter_from(d).collect::<Vec<_>>());
                    inlined += (b.at(d) & INLINED != 0) as usize;
                }
            }
            assert_eq!(inlined > 0, !noinlines, "the profile has inlined frames unless they are merged");
        }
        // A view with a stack deeper than DEEP owns its stacks.
        let deep = vec!["f"; super::DEEP as usize + 1].join(";") + " 1";
        let p2 = crate::load(&folded_profile(&deep, &[("samples", "count")]), &Default::default(), &Default::default());
        let pr = Prepared::new(vec![p2.unwrap()], vec![], crate::Query::default()).unwrap();
        assert!(super::stacks_through(&pr.profile, &pr.view, &pr.nodes).is_none());
        // A view that hides frames owns its stacks.
        let q = crate::Query { hide: "pkg1\\.".into(), ..crate::Query::default() };
        let pr = Prepared::new(vec![p.clone()], vec![], q).unwrap();
        assert!(super::stacks_through(&pr.profile, &pr.view, &pr.nodes).is_none());
    }

    #[test]
    fn clean_like_go() {
        assert_eq!(clean_path("a/./b/../c"), "a/c");
        assert_eq!(clean_path("/../x"), "/x");
        assert_eq!(clean_path("../../x"), "../../x");
        assert_eq!(clean_path("./"), ".");
        assert_eq!(clean_path("//a//b/"), "/a/b");
    }
}
