//! Inputs found by the fuzzer (`fuzz/`, target `pipeline`), replayed through
//! the same pipeline with the same query variants. Each file in
//! `tests/data/fuzz/` once broke something; it must now load or fail cleanly.

use pprof_lens::{report, BaseMode, DecodeOptions, Granularity, ModelOptions, Prepared, Query};
use std::path::Path;

/// The fuzz target's body, kept identical.
fn pipeline(data: &[u8]) {
    let Some((&sel, body)) = data.split_first() else { return };
    let d = DecodeOptions::default().with_max_decompressed(16 << 20);
    let m = ModelOptions::default().with_max_stack_depth(4096);
    let p = match pprof_lens::load(body, &d, &m) {
        Ok(p) => p,
        Err(e) => {
            assert!(!e.message.is_empty());
            return;
        }
    };
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
}

#[test]
fn fuzz_findings_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_some_and(|x| x == "md") {
            continue;
        }
        let data = std::fs::read(&path).unwrap();
        // Every selector byte, so each query variant replays the input.
        for sel in [0u8, 1, 2, 3, 4, 8, 16, 32, 64, 128, 255] {
            let mut d = data.clone();
            if let Some(b) = d.first_mut() {
                *b = sel;
            }
            pipeline(&d);
        }
        n += 1;
    }
    assert!(n >= 1, "no fuzz regression inputs in {}", dir.display());
}
