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

use super::{Session, Side, TopSort, ViewRequest};
use crate::error::Result;
use crate::report::flame::BoxKey;
use crate::synth::{generate, Spec};
use prost::Message;

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
    let bytes = generate(Spec { stacks: STACKS, functions: STACKS / 5, seed: 9 }).encode_to_vec();
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_warm_up_runs_every_call_on_stacks_read_through_locations() {
        let boxes = super::run().unwrap();
        assert!(boxes > 1000, "{boxes} boxes");
        // The knob it turns: a view of stacks read through locations.
        let mut s = super::Session { through_from: 0, ..super::Session::default() };
        let bytes = prost::Message::encode_to_vec(&super::generate(super::Spec::SMALL));
        let id = s.load("small", &bytes, &mut |_, _| {}).unwrap().id;
        s.view(id, &Default::default()).unwrap();
        assert!(s.current(id).unwrap().prepared.stacks.through_locations());
    }
}
