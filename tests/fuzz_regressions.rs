//! Inputs found by the fuzzer (`fuzz/`, target `pipeline`), replayed through
//! the same pipeline (`pprof_lens::synth::exercise`) with every query
//! variant. Each file in `tests/data/fuzz/` must load or fail cleanly.

use std::path::Path;

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
        for sel in [0u8, 1, 2, 3, 4, 8, 16, 32, 64, 128, 255] {
            let mut d = data.clone();
            if let Some(b) = d.first_mut() {
                *b = sel;
            }
            pprof_lens::synth::exercise(&d);
        }
        n += 1;
    }
    assert!(n >= 1, "no fuzz regression inputs in {}", dir.display());
}
