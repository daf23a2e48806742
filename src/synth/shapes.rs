//! Profiles of other shapes than [`super::generate`]'s, for benchmarks: the
//! speed goals must hold on the shapes real services give, not only on one
//! generator's. A shape is named with a size: `ordinary-large`,
//! `deep-medium`, `heap-large`…

use super::{Builder, Rng, Spec};
use crate::proto::{Label, ProfileMessage, Sample, ValueType};
use std::collections::HashSet;

/// How a generated profile is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// An ordinary service: stacks of random depth up to 64 over a skewed
    /// call graph, 1 to 4 locations per function, one location in seven
    /// with an inlined frame, CPU's two sample types, string and numeric
    /// labels.
    Ordinary,
    /// The same program as a heap profile: four sample types.
    Heap,
    /// Very deep stacks: hundreds to thousands of frames.
    Deep,
    /// Very wide and flat: every sample a distinct leaf function, depth 3.
    Wide,
    /// Heavy inlining: every location holds 3 to 5 lines.
    Inline,
    /// Many labels per sample (8 to 16, string and numeric).
    Labels,
}

impl Shape {
    /// Every shape with its name.
    pub const ALL: [(&'static str, Shape); 6] = [
        ("ordinary", Shape::Ordinary),
        ("heap", Shape::Heap),
        ("deep", Shape::Deep),
        ("wide", Shape::Wide),
        ("inline", Shape::Inline),
        ("labels", Shape::Labels),
    ];

    /// `SHAPE-SIZE` (e.g. `ordinary-large`) as a shape and the spec of its
    /// size (medium: 100k samples over 20k functions, large: 1M over 50k).
    pub fn parse(name: &str) -> Option<(Shape, Spec)> {
        let (shape, size) = name.split_once('-')?;
        let shape = Shape::ALL.iter().find(|(n, _)| *n == shape)?.1;
        let spec = match size {
            "small" => Spec::SMALL,
            "medium" => Spec::MEDIUM,
            "large" => Spec::LARGE,
            _ => return None,
        };
        Some((shape, spec))
    }
}

/// A profile of `shape` at the size `spec` gives (samples, functions, seed).
/// Deep stacks keep their frame count near the others' (fewer samples, each
/// a hundred times deeper); wide ones have one function per sample.
pub fn shaped(shape: Shape, spec: Spec) -> ProfileMessage {
    let mut r = Rng(spec.seed ^ 0x5eed_5a9e);
    let heap = shape == Shape::Heap;
    let types: &[(&str, &str)] = if heap {
        &[("alloc_objects", "count"), ("alloc_space", "bytes"), ("inuse_objects", "count"), ("inuse_space", "bytes")]
    } else {
        &[("samples", "count"), ("cpu", "nanoseconds")]
    };
    let mut b = Builder::new(types);
    if heap {
        b.msg.period_type = Some(ValueType { r#type: b.str("space"), unit: b.str("bytes") });
        b.msg.period = 512 * 1024;
    } else {
        b.msg.period_type = Some(ValueType { r#type: b.str("cpu"), unit: b.str("nanoseconds") });
        b.msg.period = 10_000_000;
    }
    b.msg.time_nanos = 1_795_764_730_000_000_000;
    b.msg.duration_nanos = 60_000_000_000;
    let (samples, functions) = match shape {
        Shape::Deep => (spec.stacks / 100, spec.functions),
        Shape::Wide => (spec.stacks, spec.stacks + 101),
        _ => (spec.stacks, spec.functions),
    };
    // Functions in packages of 40, then their locations: 1-4 each (one per
    // function when wide), and inlined frames.
    let npkg = (functions / 40).max(1);
    let fids: Vec<u64> = (0..functions)
        .map(|i| {
            let pkg = i % npkg;
            let name = match i % 5 {
                0 => format!("github.com/shop/cart/internal/pkg{pkg}.(*Store{}).Get{i}", i % 11),
                1 => format!("github.com/shop/cart/internal/pkg{pkg}.handle{i}.func{}", 1 + i % 3),
                2 => format!("google.golang.org/grpc/internal/t{pkg}.(*http2Client).op{i}"),
                3 => format!("encoding/json{pkg}.decode{i}"),
                _ => format!("github.com/shop/cart/pkg{pkg}.Process{i}"),
            };
            b.function(&name, &format!("github.com/shop/cart/internal/pkg{pkg}/f{}.go", i % 9))
        })
        .collect();
    let mut locs_of: Vec<Vec<u64>> = Vec::with_capacity(functions);
    for (i, &f) in fids.iter().enumerate() {
        let n = if shape == Shape::Wide { 1 } else { 1 + r.below(4) as usize };
        let mut ls = Vec::with_capacity(n);
        for k in 0..n {
            let line = 12 + k as i64 * 9 + r.below(8) as i64;
            let inlined = match shape {
                Shape::Inline => 2 + r.below(3) as usize,
                _ => r.chance(14) as usize, // one location in seven
            };
            let mut lines: Vec<(u64, i64)> =
                (0..inlined).map(|_| (fids[r.below(fids.len() as u64) as usize], 3 + r.below(30) as i64)).collect();
            lines.push((f, line + (i % 3) as i64));
            ls.push(b.location(&lines));
        }
        locs_of.push(ls);
    }
    // A skewed call graph: callees drawn with a cubic skew, so a few
    // functions (the framework's, the allocator's) are called from many.
    let skewed = |r: &mut Rng, n: usize| {
        let u = (r.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((u * u * u) * n as f64) as usize
    };
    let callees: Vec<Vec<usize>> =
        (0..functions).map(|_| (0..1 + r.below(5)).map(|_| skewed(&mut r, functions)).collect()).collect();
    let handlers = ["/cart/add", "/cart/get", "/checkout", "/search", "/healthz", "/metrics"];
    let tenants: Vec<String> = (0..40).map(|i| format!("tenant-{i:03}")).collect();
    let sizes = [16i64, 48, 96, 512, 4096, 32768];
    let mut seen: HashSet<u64> = HashSet::with_capacity(samples);
    let mut stack: Vec<u64> = Vec::new();
    let mut tries = 0usize;
    while b.msg.sample.len() < samples && tries < samples * 20 {
        tries += 1;
        stack.clear();
        if shape == Shape::Wide {
            let leaf = 101 + b.msg.sample.len();
            stack.push(locs_of[0][0]);
            stack.push(locs_of[1 + leaf % 100][0]);
            stack.push(locs_of[leaf][0]);
        } else {
            let depth = match shape {
                Shape::Deep => 300 + r.below(2700) as usize,
                _ => 1 + r.below(64) as usize,
            };
            let mut f = r.below(6) as usize;
            for _ in 0..depth {
                let ls = &locs_of[f];
                stack.push(ls[r.below(ls.len() as u64) as usize]);
                let cs = &callees[f];
                f = cs[r.below(cs.len() as u64) as usize];
            }
        }
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        for &l in &stack {
            h = (h ^ l).wrapping_mul(0x100_0000_01b3);
        }
        if !seen.insert(h) {
            continue;
        }
        let n = 1 + (r.below(1000) * r.below(1000) / 20_000) as i64;
        let size = sizes[r.below(sizes.len() as u64) as usize];
        let value = if heap {
            let inuse = if r.chance(30) { n } else { 0 };
            vec![n, n * size, inuse, inuse * size]
        } else {
            vec![n, n * 10_000_000]
        };
        let mut label = Vec::new();
        let nlabels = if shape == Shape::Labels { 8 + r.below(9) as usize } else { 2 };
        for k in 0..nlabels {
            if k % 2 == 0 && (shape == Shape::Labels || r.chance(60)) {
                let (key, val) = match k % 6 {
                    0 => ("handler", handlers[r.below(handlers.len() as u64) as usize].to_string()),
                    2 => ("tenant", tenants[r.below(tenants.len() as u64) as usize].clone()),
                    _ => ("region", format!("zone-{}", r.below(5 + k as u64))),
                };
                let key = b.str(&format!("{key}{}", if k >= 6 { k.to_string() } else { String::new() }));
                let str = b.str(&val);
                label.push(Label { key, str, ..Default::default() });
            } else if k % 2 == 1 && (heap || shape == Shape::Labels || r.chance(30)) {
                let unit = b.str("bytes");
                let key = if k == 1 { unit } else { b.str(&format!("size{k}")) };
                label.push(Label { key, num: size, num_unit: unit, ..Default::default() });
            }
        }
        stack.reverse(); // leaf first
        b.msg.sample.push(Sample { location_id: stack.clone(), value, label });
    }
    b.msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_what_they_say() {
        let small = |s: Shape| shaped(s, Spec::SMALL);
        let deepest = |m: &ProfileMessage| m.sample.iter().map(|s| s.location_id.len()).max().unwrap();
        let o = small(Shape::Ordinary);
        assert_eq!(o.sample.len(), 2_000);
        assert!(deepest(&o) <= 64 && o.sample.iter().any(|s| s.location_id.len() == 1));
        assert!(o.location.len() > o.function.len() * 2, "1-4 locations a function");
        assert!(deepest(&small(Shape::Deep)) >= 1000);
        let w = small(Shape::Wide);
        assert!(w.function.len() >= 2_000 && deepest(&w) == 3);
        assert!(small(Shape::Inline).location.iter().all(|l| (3..=5).contains(&l.line.len())));
        assert!(small(Shape::Labels).sample.iter().all(|s| s.label.len() >= 8));
        assert_eq!(small(Shape::Heap).sample_type.len(), 4);
        assert_eq!(Shape::parse("deep-large").map(|(s, sp)| (s, sp.stacks)), Some((Shape::Deep, 1_000_000)));
        assert!(Shape::parse("deep").is_none() && Shape::parse("flat-large").is_none());
    }
}
