//! V8's profiles (`node --cpu-prof`, `node --heap-prof`; DevTools saves the
//! same formats): made by Node here (`tests/data/v8/work.js`), read into
//! the same model as pprof's, with the numbers a Python reading of the same
//! JSON gives (self samples and bytes per function, computed once and
//! written below).

use pprof_lens::{report, Prepared, Query};
use std::path::Path;

fn data(rel: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(rel)).unwrap()
}

fn top(bytes: &[u8], index: &str) -> String {
    let p = pprof_lens::load(bytes, &Default::default(), &Default::default()).unwrap();
    let mut q = Query::default();
    q.sample_index = index.into();
    q.nodecount = Some(0);
    q.nodefraction = 0.0;
    report::top_text(&Prepared::new(vec![p], vec![], q).unwrap())
}

fn flat_of(text: &str, name: &str) -> Option<String> {
    text.lines().find(|l| l.ends_with(&format!("  {name}"))).map(|l| l.split_whitespace().next().unwrap().to_string())
}

#[test]
fn a_node_cpu_profile_reads_with_its_samples_and_times() {
    let bytes = data("v8/work.cpuprofile");
    let samples = top(&bytes, "samples");
    assert!(samples.contains("Showing nodes accounting for 921, 100% of 921 total"), "{samples}");
    for (name, flat) in [
        ("sortMany", "486"),
        ("makeStrings", "318"),
        ("(anonymous)", "64"),
        ("(garbage collector)", "30"),
        ("fib", "8"),
    ] {
        assert_eq!(flat_of(&samples, name).as_deref(), Some(flat), "{name} in {samples}");
    }
    let cpu = top(&bytes, "cpu");
    assert!(cpu.contains("Type: cpu") && cpu.contains("Duration: 1.5"), "{cpu}");
    // Gzipped too.
    assert_eq!(top(&pprof_lens::synth::gzip(&bytes, 6), "samples"), samples);
}

#[test]
fn a_node_heap_profile_reads_with_its_bytes() {
    let text = top(&data("v8/work.heapprofile"), "space");
    assert!(text.contains("of 245.37kB total"), "{text}");
    assert_eq!(flat_of(&text, "compileForInternalLoader").as_deref(), Some("48.33kB"), "{text}");
    let objects = top(&data("v8/work.heapprofile"), "objects");
    assert_eq!(flat_of(&objects, "compileForInternalLoader").as_deref(), Some("6"), "{objects}");
}

#[test]
fn broken_v8_files_get_a_sentence() {
    let err = |b: &[u8]| pprof_lens::load(b, &Default::default(), &Default::default()).unwrap_err().message;
    let bytes = data("v8/work.cpuprofile");
    let e = err(&bytes[..bytes.len() / 2]);
    assert!(e.starts_with("V8 CPU profile (.cpuprofile): ") && e.contains("truncated"), "{e}");
    let heap = data("v8/work.heapprofile");
    assert!(err(&heap[..heap.len() - 3]).contains("V8 heap profile (.heapprofile)"));
    // Other JSON is still named as JSON.
    assert!(err(br#"{"traceEvents": []}"#).contains("JSON"));
}
