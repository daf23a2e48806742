//! decode → model → aggregate → report on arbitrary bytes, with a few query
//! variants chosen by the first byte. Must never panic, hang or allocate
//! without bound (the limits are lowered so the fuzzer can reach them).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pprof_lens::{report, BaseMode, DecodeOptions, Granularity, ModelOptions, Prepared, Query};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, body)) = data.split_first() else { return };
    let d = DecodeOptions::default().with_max_decompressed(16 << 20);
    let m = ModelOptions::default().with_max_stack_depth(4096);
    let Ok(p) = pprof_lens::load(body, &d, &m) else { return };
    let mut q = Query::default();
    q.granularity = match sel % 5 {
        0 => Granularity::Functions,
        1 => Granularity::Lines,
        2 => Granularity::Files,
        3 => Granularity::Addresses,
        _ => Granularity::FileFunctions,
    };
    q.noinlines = sel & 8 != 0;
    if sel & 16 != 0 {
        q.nodefraction = 0.0;
        q.nodecount = Some(5);
    }
    if sel & 32 != 0 {
        q.hide = "a".into();
        q.show_from = "m".into();
        q.tagfocus = "1kb:".into();
    }
    q.cum = sel & 64 != 0;
    let bases = if sel & 128 != 0 {
        q.base_mode = BaseMode::Diff;
        q.normalize = true;
        vec![p.clone()]
    } else {
        vec![]
    };
    if let Ok(pr) = Prepared::new(vec![p], bases, q) {
        let _ = report::top_text(&pr);
        let _ = report::traces_text(&pr);
    }
});
