//! Building profiles from code: a small builder for test fixtures written as
//! folded text (`"main;handle;alloc 3"`), gzip encoding, and a deterministic
//! generator of big profiles of realistic shape for benchmarks and fuzz seeds.

use crate::proto::{Function, Label, Line, Location, Mapping, ProfileMessage, Sample, ValueType};
use prost::Message;
use std::collections::HashMap;

pub mod shapes;

/// Builds a wire-format profile, interning strings, functions and locations.
#[derive(Debug, Default)]
pub struct Builder {
    /// The message being built.
    pub msg: ProfileMessage,
    strings: HashMap<String, i64>,
    functions: HashMap<(String, String), u64>,
    locations: HashMap<Vec<(u64, i64)>, u64>,
}

impl Builder {
    /// A builder with the given sample types, as ("type", "unit") pairs.
    pub fn new(sample_types: &[(&str, &str)]) -> Builder {
        let mut b = Builder::default();
        b.str("");
        for (t, u) in sample_types {
            let vt = ValueType { r#type: b.str(t), unit: b.str(u) };
            b.msg.sample_type.push(vt);
        }
        let filename = b.str("/usr/bin/app");
        b.msg.mapping.push(Mapping {
            id: 1,
            memory_start: 0x400000,
            memory_limit: 0x800000,
            filename,
            has_functions: true,
            ..Default::default()
        });
        b
    }

    /// Interns a string.
    pub fn str(&mut self, s: &str) -> i64 {
        if let Some(&i) = self.strings.get(s) {
            return i;
        }
        let i = self.msg.string_table.len() as i64;
        self.msg.string_table.push(s.to_string());
        self.strings.insert(s.to_string(), i);
        i
    }

    /// Interns a function by name and file.
    pub fn function(&mut self, name: &str, file: &str) -> u64 {
        if let Some(&id) = self.functions.get(&(name.to_string(), file.to_string())) {
            return id;
        }
        let id = self.msg.function.len() as u64 + 1;
        let f =
            Function { id, name: self.str(name), system_name: self.str(name), filename: self.str(file), start_line: 1 };
        self.msg.function.push(f);
        self.functions.insert((name.to_string(), file.to_string()), id);
        id
    }

    /// Interns a location holding `lines` ((function id, line), innermost first).
    pub fn location(&mut self, lines: &[(u64, i64)]) -> u64 {
        if let Some(&id) = self.locations.get(lines) {
            return id;
        }
        let id = self.msg.location.len() as u64 + 1;
        self.msg.location.push(Location {
            id,
            mapping_id: 1,
            address: 0x400000 + id * 16,
            line: lines.iter().map(|&(f, l)| Line { function_id: f, line: l }).collect(),
            is_folded: false,
        });
        self.locations.insert(lines.to_vec(), id);
        id
    }

    /// Adds a sample from a folded stack, root first: `main;handle;alloc`.
    /// A frame `a+b` is a location where `b` is inlined into `a`.
    pub fn folded(&mut self, stack: &str, values: &[i64], labels: &[(&str, &str)]) {
        let mut locs = Vec::new();
        for frame in stack.split(';').filter(|f| !f.is_empty()) {
            let mut lines: Vec<(u64, i64)> =
                frame.split('+').map(|f| (self.function(f, &format!("{}.go", f.replace('.', "/"))), 10)).collect();
            lines.reverse(); // innermost first
            locs.push(self.location(&lines));
        }
        locs.reverse(); // leaf first
        let label = labels
            .iter()
            .map(|(k, v)| match v.strip_prefix('#') {
                Some(num) => Label { key: self.str(k), num: num.parse().unwrap_or(0), ..Default::default() },
                None => Label { key: self.str(k), str: self.str(v), ..Default::default() },
            })
            .collect();
        self.msg.sample.push(Sample { location_id: locs, value: values.to_vec(), label });
    }

    /// Encodes the profile as raw protobuf.
    pub fn encode(&self) -> Vec<u8> {
        self.msg.encode_to_vec()
    }
}

/// Builds raw protobuf bytes from folded lines `"main;f;g 3"` (one value per
/// sample type, space-separated) with sample types `samples/count` or given ones.
pub fn folded_profile(text: &str, sample_types: &[(&str, &str)]) -> Vec<u8> {
    let mut b = Builder::new(sample_types);
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let mut parts = line.split_whitespace();
        let stack = parts.next().unwrap_or("");
        let values: Vec<i64> = parts.map(|v| v.parse().unwrap_or(0)).collect();
        b.folded(stack, &values, &[]);
    }
    b.encode()
}

/// Gzips `data` (one member, with CRC and size trailer).
pub fn gzip(data: &[u8], level: u8) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    out.extend(miniz_oxide::deflate::compress_to_vec(data, level));
    out.extend(crate::import::crc32(data).to_le_bytes());
    out.extend((data.len() as u32).to_le_bytes());
    out
}

/// Shape of a generated profile.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// Distinct stacks (samples).
    pub stacks: usize,
    /// Distinct functions.
    pub functions: usize,
    /// Seed of the pseudo-random sequence.
    pub seed: u64,
}

impl Spec {
    /// 100k distinct stacks over 20k functions.
    pub const MEDIUM: Spec = Spec { stacks: 100_000, functions: 20_000, seed: 1 };
    /// 1M distinct stacks over 50k functions.
    pub const LARGE: Spec = Spec { stacks: 1_000_000, functions: 50_000, seed: 2 };
    /// 10M distinct stacks over 100k functions: about 1.3 GB uncompressed.
    pub const HUGE: Spec = Spec { stacks: 10_000_000, functions: 100_000, seed: 4 };
    /// 2k stacks over 500 functions, for tests.
    pub const SMALL: Spec = Spec { stacks: 2_000, functions: 500, seed: 3 };
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Generates a CPU-like profile (`samples/count`, `cpu/nanoseconds`) with
/// many packages, deep stacks (8–64 frames), inlined frames (about one
/// location in five), recursion, string labels (`handler`) and numeric
/// labels with units (`bytes`). Same spec, same bytes.
pub fn generate(spec: Spec) -> ProfileMessage {
    let mut r = Rng(spec.seed);
    let mut b = Builder::new(&[("samples", "count"), ("cpu", "nanoseconds")]);
    b.msg.period_type = Some(ValueType { r#type: b.str("cpu"), unit: b.str("nanoseconds") });
    b.msg.period = 10_000_000;
    b.msg.time_nanos = 1_795_764_730_000_000_000;
    b.msg.duration_nanos = 60_000_000_000;
    let npkg = (spec.functions / 40).max(1);
    let mut fids = Vec::with_capacity(spec.functions);
    for i in 0..spec.functions {
        let pkg = i % npkg;
        let name = match i % 4 {
            0 => format!("github.com/acme/svc/pkg{pkg}.(*Type{}).Method{i}", i % 13),
            1 => format!("github.com/acme/svc/pkg{pkg}.func{i}"),
            2 => format!("github.com/acme/svc/pkg{pkg}.Handler{i}.func1"),
            _ => format!("vendor/lib{pkg}.encode{i}"),
        };
        let file = format!("github.com/acme/svc/pkg{pkg}/file{}.go", i % 7);
        fids.push(b.function(&name, &file));
    }
    // Locations: ~2 per function; one in five carries an inlined callee.
    let nloc = spec.functions * 2;
    let mut locs = Vec::with_capacity(nloc);
    for i in 0..nloc {
        let f = fids[i % fids.len()];
        let line = 10 + (i / fids.len()) as i64 * 7 + r.below(40) as i64;
        let id = if r.chance(20) {
            let inl = fids[r.below(fids.len() as u64) as usize];
            b.location(&[(inl, 5 + r.below(20) as i64), (f, line)])
        } else {
            b.location(&[(f, line)])
        };
        locs.push(id);
    }
    // Each location calls a few others: a call graph with fan-out 1-6.
    let callees: Vec<Vec<u64>> =
        (0..nloc).map(|_| (0..1 + r.below(6)).map(|_| locs[r.below(nloc as u64) as usize]).collect()).collect();
    let index: HashMap<u64, usize> = locs.iter().enumerate().map(|(i, &l)| (l, i)).collect();
    let roots: Vec<u64> = (0..8).map(|i| locs[i]).collect();
    let handlers = ["/api/users", "/api/orders", "/api/search", "/api/report", "/healthz"];
    let sizes = [64i64, 128, 256, 512, 1024, 2048, 65536];
    let mut seen: std::collections::HashSet<u64> = std::collections::HashSet::with_capacity(spec.stacks);
    let mut stack: Vec<u64> = Vec::with_capacity(64);
    while b.msg.sample.len() < spec.stacks {
        stack.clear();
        let depth = 8 + r.below(57) as usize;
        let mut cur = roots[r.below(roots.len() as u64) as usize];
        stack.push(cur);
        while stack.len() < depth {
            if r.chance(3) && stack.len() + 3 < depth {
                // Recursion: the same frame again, a few times.
                for _ in 0..1 + r.below(3) {
                    stack.push(cur);
                }
                continue;
            }
            let cs = &callees[index[&cur]];
            cur = cs[r.below(cs.len() as u64) as usize];
            stack.push(cur);
        }
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        for &l in &stack {
            h = (h ^ l).wrapping_mul(0x100_0000_01b3);
        }
        if !seen.insert(h) {
            continue;
        }
        let n = 1 + (r.below(1000) * r.below(1000) / 20_000) as i64; // heavy tail
        let mut label = Vec::new();
        if r.chance(60) {
            let h = b.str(handlers[r.below(handlers.len() as u64) as usize]);
            let key = b.str("handler");
            label.push(Label { key, str: h, ..Default::default() });
        }
        if r.chance(30) {
            let unit = b.str("bytes");
            let num = sizes[r.below(sizes.len() as u64) as usize];
            label.push(Label { key: unit, num, num_unit: unit, ..Default::default() });
        }
        let leaf_first: Vec<u64> = stack.iter().rev().copied().collect();
        b.msg.sample.push(Sample { location_id: leaf_first, value: vec![n, n * 10_000_000], label });
    }
    b.msg
}

/// Runs decode → model → aggregate → report on arbitrary bytes, the first
/// byte choosing a query variant (granularity, noinlines, pruning, filters,
/// sort, diff). The fuzz target (`fuzz/`) and its regression test
/// (`tests/fuzz_regressions.rs`) both call this; it must never panic.
pub fn exercise(data: &[u8]) {
    use crate::{report, BaseMode, DecodeOptions, Granularity, ModelOptions, Prepared, Query};
    let Some((&sel, body)) = data.split_first() else { return };
    let d = DecodeOptions::default().with_max_decompressed(16 << 20);
    let m = ModelOptions::default().with_max_stack_depth(4096);
    let p = match crate::load(body, &d, &m) {
        Ok(p) => p,
        Err(e) => {
            assert!(!e.message.is_empty(), "errors say what is wrong");
            return;
        }
    };
    let mut q = Query {
        granularity: match sel % 5 {
            0 => Granularity::Functions,
            1 => Granularity::Lines,
            2 => Granularity::Files,
            3 => Granularity::Addresses,
            _ => Granularity::FileFunctions,
        },
        noinlines: sel & 8 != 0,
        cum: sel & 64 != 0,
        ..Query::default()
    };
    if sel & 16 != 0 {
        q.nodefraction = 0.0;
        q.nodecount = Some(5);
    }
    if sel & 32 != 0 {
        q.filters.hide = "a".into();
        q.filters.show_from = "m".into();
        q.filters.tagfocus = "1kb:".into();
    }
    let bases = if sel & 128 != 0 {
        q.base_mode = BaseMode::Diff;
        q.normalize = true;
        vec![p.clone()]
    } else {
        vec![]
    };
    let Ok(mut pr) = Prepared::new(vec![p], bases, q) else { return };
    let run = |pr: &Prepared| {
        let _ = report::top_text(pr);
        let _ = report::traces_text(pr);
        let names: Vec<String> = (0..pr.nodes.len()).map(|n| pr.nodes.printable_name(n)).collect();
        let f = report::flame::Flame::new(pr, &names);
        let l = f.layout(pr, f.root(), 0.001);
        if let Some(i) = l.x.len().checked_sub(1) {
            let k = report::flame::BoxKey { lo: l.lo[i], hi: l.hi[i], depth: l.depth[i] };
            let _ = f.layout(pr, k, 0.001);
            let _ = f.info(pr, k);
            // The lazy sort keeps what it has shown: a box is found by its
            // frames, and the graph sorted in full lays out the same boxes.
            assert_eq!(f.find(pr, &f.path(pr, k)), Some(k));
            while !f.settle_some(pr, 64) {}
            assert_eq!(f.layout(pr, f.root(), 0.001).x, l.x);
        }
    };
    run(&pr);
    // Again with the stacks read through the profile's locations, as the
    // page reads big profiles.
    if let Some(st) = crate::aggregate::graph::stacks_through(&pr.profile, &pr.view, &pr.nodes) {
        pr.stacks = st;
        run(&pr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generator_is_deterministic_and_distinct() {
        let a = generate(Spec::SMALL).encode_to_vec();
        let b = generate(Spec::SMALL).encode_to_vec();
        assert_eq!(a, b);
        let m = generate(Spec::SMALL);
        assert_eq!(m.sample.len(), 2_000);
        assert!(m.location.iter().any(|l| l.line.len() > 1), "has inlined frames");
    }
}
