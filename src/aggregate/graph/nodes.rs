//! Nodes: frames grouped by the query's granularity (pprof's `NodeInfo`),
//! with each location's list of nodes.

use super::super::filter::View;
use crate::fxmap::FxMap;
use crate::model::{Profile, NONE};
use crate::paths::{clean_path, SourcePaths};
use crate::query::Granularity;

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
    /// Node strings, one after the other (index 0 is ""): one allocation
    /// for a million names instead of a million.
    text: String,
    /// Where each string starts in `text`, and where the last ends.
    starts: Vec<usize>,
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
        &self.text[self.starts[i as usize]..self.starts[i as usize + 1]]
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

/// Node strings by content. The profile's own strings (names, and file
/// names that cleaning leaves as they are) are looked up where they lie;
/// only the strings made here are kept twice. With a million functions,
/// a copy per key was most of the time nodes took.
struct Interner<'a> {
    text: String,
    starts: Vec<usize>,
    map: FxMap<&'a str, u32>,
    made: FxMap<String, u32>,
}

impl<'a> Interner<'a> {
    fn new() -> Interner<'a> {
        let mut map = FxMap::default();
        map.insert("", 0);
        Interner { text: String::new(), starts: vec![0, 0], map, made: FxMap::default() }
    }

    /// Appends a string; its index.
    fn add(&mut self, s: &str) -> u32 {
        self.text.push_str(s);
        self.starts.push(self.text.len());
        (self.starts.len() - 2) as u32
    }

    /// A string of the profile.
    fn get(&mut self, s: &'a str) -> u32 {
        if let Some(&i) = self.map.get(s).or_else(|| self.made.get(s)) {
            return i;
        }
        let i = self.add(s);
        self.map.insert(s, i);
        i
    }

    /// A string known to differ from every other pushed or got: names
    /// when the profile's strings all differ (names and files are never
    /// compared with each other).
    fn push(&mut self, s: &str) -> u32 {
        if s.is_empty() {
            return 0;
        }
        self.add(s)
    }

    /// A string made from one of the profile's: `s` when it is the same.
    fn get_made(&mut self, made: String, s: &'a str) -> u32 {
        if made == s {
            return self.get(s);
        }
        if let Some(&i) = self.map.get(made.as_str()).or_else(|| self.made.get(&made)) {
            return i;
        }
        let i = self.add(&made);
        self.made.insert(made, i);
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
    let mut it = Interner::new();
    // Per-string caches from profile string ids to node string ids. When
    // the profile's strings all differ, a name is its string: no lookup.
    let unique = crate::model::merge::strings_unique(&p.strings);
    let mut name_cache = vec![NONE; p.strings.len()];
    let mut file_cache = vec![NONE; p.strings.len()];
    let obj: Vec<u32> = p.mappings.iter().map(|m| it.get(&m.file)).collect();
    let mut index: FxMap<NodeKey, u32> = FxMap::default();
    index.reserve(p.functions.len().min(p.locations.len()));
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
                    name_cache[s] = if unique { it.push(&p.strings[s]) } else { it.get(&p.strings[s]) };
                }
                name_cache[s]
            } else {
                0
            };
            let file = if filename {
                let s = p.functions.filename[f] as usize;
                if file_cache[s] == NONE {
                    file_cache[s] = it.get_made(clean_path(&files.trim(&p.strings[s])), &p.strings[s]);
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
    Nodes { text: it.text, starts: it.starts, keys, loc_start, loc_nodes }
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
