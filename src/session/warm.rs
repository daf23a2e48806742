//! Warming the wasm engine up before the first profile.
//!
//! V8 (Chromium) runs a wasm function's first calls in its baseline tier and
//! compiles it with its optimizing tier once it has run long enough; a call
//! already running stays in the baseline code until it returns. The page
//! calls each heavy pass once per profile (the model, the view, the table's
//! labels), so a big first profile ran every pass in the baseline tier, about
//! twice as slow. [`warm_up`] runs the page's calls once on a small generated
//! profile, stacks read through locations as for big profiles, while the
//! page waits for a file: the user's first profile then runs optimized code.
//! The profile is written here as protobuf bytes by a few lines of its own
//! (not by `synth`, the tests' generator, which the page does not need).

use super::{Session, Side, TopSort, ViewRequest};
use crate::error::Result;
use crate::report::flame::BoxKey;

/// Stacks of the generated profile: enough for every hot loop to earn its
/// optimized compile (measured in node's V8: 2,000 was not), small enough to
/// take a moment.
const STACKS: usize = 6_000;

/// Table sorts of its 1,200 rows: enough for their optimized compile.
const TABLE_SORTS: usize = 100;

/// Runs the page's load, view, flame, table, labels and search once on a
/// small generated profile; returns how many flame boxes it laid out (0 if
/// a call failed: the warm-up only speeds up what follows).
pub fn warm_up() -> usize {
    run().unwrap_or(0)
}

fn run() -> Result<usize> {
    let bytes = profile_bytes(STACKS, STACKS / 5);
    let mut d = crate::import::StreamDecoder::with_size_hint(Default::default(), bytes.len() as u64);
    for chunk in bytes.chunks(64 << 10) {
        d.feed(chunk)?;
    }
    let mut s = Session { through_from: 0, ..Session::default() };
    let id = s.load_streamed("warm-up", d)?.id;
    let v = s.view(id, &ViewRequest::default())?;
    let l = s.flame(id, Side::View, BoxKey { lo: 0, hi: v.stacks, depth: u32::MAX }, 0.0005)?;
    let mut boxes = l.x.len();
    // A zoom: the exact layout of a box.
    if let Some(i) = (0..l.x.len()).find(|&i| l.depth[i] == 2) {
        boxes += s.flame(id, Side::View, BoxKey { lo: l.lo[i], hi: l.hi[i], depth: l.depth[i] }, 0.0005)?.x.len();
    }
    s.node_names(id)?;
    s.view_header(id)?;
    s.top(id, TopSort::Flat, true)?;
    // Sorting the table is quick per call: it takes many to be optimized.
    for i in 0..TABLE_SORTS {
        s.top_order(id, if i % 2 == 0 { TopSort::Cum } else { TopSort::Name }, true)?;
    }
    s.inline_labels(id)?;
    s.labels(id)?;
    s.search(id, "pkg1")?;
    Ok(boxes)
}

/// Protobuf fields: a varint, and bytes of a length.
fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn field_uint(out: &mut Vec<u8>, field: u64, v: u64) {
    varint(out, field << 3);
    varint(out, v);
}

fn field_bytes(out: &mut Vec<u8>, field: u64, b: &[u8]) {
    varint(out, field << 3 | 2);
    varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

fn packed(vs: impl Iterator<Item = u64>) -> Vec<u8> {
    let mut out = Vec::new();
    for v in vs {
        varint(&mut out, v);
    }
    out
}

/// A CPU-like profile of `stacks` samples over `functions` functions: two
/// locations a function, one in five with an inlined callee, each calling
/// a few others; stacks 8 to 64 deep with some recursion, a heavy-tailed
/// count, a `handler` label on most samples. The same bytes every time.
fn profile_bytes(stacks: usize, functions: usize) -> Vec<u8> {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let mut below = |n: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n.max(1)
    };
    let mut out = Vec::new();
    let mut strings: Vec<String> = ["", "samples", "count", "cpu", "nanoseconds", "handler"].map(String::from).to_vec();
    let value_type = |t: u64, u: u64| {
        let mut v = Vec::new();
        field_uint(&mut v, 1, t);
        field_uint(&mut v, 2, u);
        v
    };
    field_bytes(&mut out, 1, &value_type(1, 2));
    field_bytes(&mut out, 1, &value_type(3, 4));
    let handlers = ["/api/users", "/api/orders", "/api/search", "/healthz"];
    let first_handler = strings.len() as u64;
    strings.extend(handlers.map(String::from));
    let npkg = (functions / 40).max(1);
    for i in 0..functions {
        let pkg = i % npkg;
        let mut f = Vec::new();
        field_uint(&mut f, 1, i as u64 + 1);
        field_uint(&mut f, 2, strings.len() as u64);
        strings.push(match i % 3 {
            0 => format!("github.com/acme/svc/pkg{pkg}.(*Type{}).Method{i}", i % 13),
            1 => format!("github.com/acme/svc/pkg{pkg}.func{i}"),
            _ => format!("vendor/lib{pkg}.encode{i}"),
        });
        field_uint(&mut f, 4, strings.len() as u64);
        strings.push(format!("github.com/acme/svc/pkg{pkg}/file{}.go", i % 7));
        field_bytes(&mut out, 5, &f);
    }
    let nloc = functions * 2;
    for i in 0..nloc {
        let mut l = Vec::new();
        field_uint(&mut l, 1, i as u64 + 1);
        let line = |f: u64, n: u64| {
            let mut v = Vec::new();
            field_uint(&mut v, 1, f);
            field_uint(&mut v, 2, n);
            v
        };
        if below(5) == 0 {
            field_bytes(&mut l, 4, &line(below(functions as u64) + 1, 5 + below(20)));
        }
        field_bytes(&mut l, 4, &line((i % functions) as u64 + 1, 10 + below(40)));
        field_bytes(&mut out, 4, &l);
    }
    let callees: Vec<Vec<u64>> = (0..nloc).map(|_| (0..1 + below(6)).map(|_| below(nloc as u64)).collect()).collect();
    let mut stack: Vec<u64> = Vec::with_capacity(64);
    for _ in 0..stacks {
        stack.clear();
        let depth = 8 + below(57) as usize;
        let mut cur = below(8);
        stack.push(cur);
        while stack.len() < depth {
            if below(33) == 0 {
                stack.push(cur);
                continue;
            }
            let cs = &callees[cur as usize];
            cur = cs[below(cs.len() as u64) as usize];
            stack.push(cur);
        }
        let n = 1 + below(1000) * below(1000) / 20_000;
        let mut sample = Vec::new();
        field_bytes(&mut sample, 1, &packed(stack.iter().rev().map(|l| l + 1)));
        field_bytes(&mut sample, 2, &packed([n, n * 10_000_000].into_iter()));
        if below(10) < 6 {
            let mut label = Vec::new();
            field_uint(&mut label, 1, 5);
            field_uint(&mut label, 2, first_handler + below(handlers.len() as u64));
            field_bytes(&mut sample, 3, &label);
        }
        field_bytes(&mut out, 2, &sample);
    }
    for s in &strings {
        field_bytes(&mut out, 6, s.as_bytes());
    }
    field_bytes(&mut out, 11, &value_type(3, 4));
    field_uint(&mut out, 12, 10_000_000);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_warm_up_runs_every_call_on_stacks_read_through_locations() {
        let boxes = super::run().unwrap();
        assert!(boxes > 1000, "{boxes} boxes");
        // The knob it turns: a view of stacks read through locations.
        let mut s = super::Session { through_from: 0, ..super::Session::default() };
        let bytes = super::profile_bytes(2_000, 500);
        let id = s.load("small", &bytes, &mut |_, _| {}).unwrap().id;
        s.view(id, &Default::default()).unwrap();
        assert!(s.current(id).unwrap().prepared.stacks.through_locations());
    }
}
