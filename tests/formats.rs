//! Formats other than pprof's protobuf, in and out: folded stacks read
//! (FlameGraph, inferno, async-profiler, py-spy) and written, checked
//! against `go tool pprof -top` on the profile they were folded from.

use pprof_lens::{report, Prepared, Query};
use std::path::Path;

fn data(rel: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(rel)).unwrap()
}

fn load(bytes: &[u8]) -> pprof_lens::Profile {
    pprof_lens::load(bytes, &Default::default(), &Default::default()).unwrap()
}

/// `top -nodecount=0 -nodefraction=0` of a profile on `sample_index`.
fn all_rows(p: pprof_lens::Profile, sample_index: &str) -> Vec<String> {
    let mut q = Query::default();
    q.sample_index = sample_index.into();
    q.nodecount = Some(0);
    q.nodefraction = 0.0;
    let text = report::top_text(&Prepared::new(vec![p], vec![], q).unwrap());
    rows(&text)
}

/// The rows of a top text (after its column header), without pprof's
/// inline marks (folded stacks cannot carry them).
fn rows(text: &str) -> Vec<String> {
    text.lines()
        .skip_while(|l| !l.trim_start().starts_with("flat  flat%"))
        .skip(1)
        .map(|l| l.trim_end_matches(" (inline)").trim_end_matches(" (partial-inline)").to_string())
        .collect()
}

/// Folded stacks made from a pprof profile give `go tool pprof -top`'s rows
/// on that profile, for a CPU profile's sample counts and a heap profile's
/// allocated objects.
#[test]
fn folded_from_a_profile_gives_pprofs_top() {
    for (file, index, oracle) in [
        ("go-leaky/cpu.pb.gz", "samples", "go-leaky/expected/cpu.samples.top.txt"),
        ("go-leaky/heap.6.pb.gz", "alloc_objects", "go-leaky/expected/heap.6.alloc_objects.top.txt"),
    ] {
        let mut q = Query::default();
        q.sample_index = index.into();
        let folded = report::folded::folded_text(&Prepared::new(vec![load(&data(file))], vec![], q).unwrap()).unwrap();
        assert!(folded
            .lines()
            .all(|l| l.rsplit_once(' ').is_some_and(|(s, n)| !s.is_empty() && n.parse::<u64>().is_ok())));
        let want = rows(&String::from_utf8(data(oracle)).unwrap());
        assert!(want.len() > 50, "{oracle}");
        assert_eq!(all_rows(load(folded.as_bytes()), ""), want, "{file}");
        // Gzipped, as people keep them.
        assert_eq!(all_rows(load(&pprof_lens::synth::gzip(folded.as_bytes(), 6)), ""), want, "{file}, gzipped");
    }
}

/// Frames with spaces, annotations and several producers' names; comments
/// and repeated stacks (summed).
#[test]
fn folded_frames_keep_their_names() {
    let p = load(&data("folded/mixed.folded"));
    let mut q = Query::default();
    q.nodecount = Some(0);
    let text = report::top_text(&Prepared::new(vec![p], vec![], q).unwrap());
    for want in ["com/acme/Json.encode", "java/lang/String.<init>", "Garbage Collection", "do_idle_[k]", "app::sort"] {
        assert!(text.contains(want), "{want} in {text}");
    }
    assert!(text.contains("Showing nodes accounting for 99, 100% of 99 total"), "{text}");
    assert!(text.contains("        50 50.51% 50.51%         75 75.76%  com/acme/Json.encode"), "{text}");
}

/// Bad folded files get a sentence that names the line; a file in no
/// format we read names what it looks like.
#[test]
fn bad_folded_files_are_named() {
    let err = |b: &[u8]| pprof_lens::load(b, &Default::default(), &Default::default()).unwrap_err().message;
    assert!(err(b"main;f 3\nmain;g -1\n").contains("folded stacks, line 2: the count is negative"));
    // A 20 MB line of frames without a count, after a good one.
    let mut long = b"main;f 3\n".to_vec();
    long.extend(std::iter::repeat_n(b"frame;", 3_500_000).flatten());
    long.push(b'\n');
    let e = err(&long);
    assert!(e.contains("line 2") && e.len() < 300, "{}", &e[..e.len().min(300)]);
    assert!(err(b"hello there\n").contains("not a pprof profile"));
}

/// `perf script` text (written by hand after perf-script(1): call chains
/// with kernel frames, `[unknown]` symbols, a command with a space, C++
/// symbols, several threads): a sample each, the clock event's periods in
/// nanoseconds, the command as the label `comm`.
#[test]
fn perf_script_reads_with_its_samples_periods_and_commands() {
    let p = load(&data("perf/app.perf.txt"));
    let rows = all_rows(p.clone(), "samples");
    assert_eq!(rows.len(), 9, "{rows:?}");
    let row = |name: &str| rows.iter().find(|r| r.ends_with(&format!("  {name}"))).cloned().unwrap_or_default();
    assert!(row("compute").trim_start().starts_with("2 33.33% "), "{rows:?}");
    assert!(row("main").contains("3 50.00%"), "{rows:?}");
    assert!(row("std::vector::push_back").trim_start().starts_with("1 16.67%"), "{rows:?}");
    let mut q = Query::default();
    q.filters.tagfocus = "comm=Web Content".into();
    let text = report::top_text(&Prepared::new(vec![p], vec![], q).unwrap());
    assert!(text.contains("Type: cpu-clock") && text.contains("of 60.61ms total"), "{text}");
    assert!(text.contains("10.10ms 16.67% 16.67%    10.10ms 16.67%  [unknown]"), "{text}");
    // A frame line that is not one is named.
    let bad = pprof_lens::load(
        b"app 1 1.5: 10 cycles:\n\t400 main (/p)\n\tno frame here\n",
        &Default::default(),
        &Default::default(),
    );
    assert!(bad.unwrap_err().message.contains("perf script, line 3: not a frame"));
}

/// `perf script` of a real recording here (`perf record -F 299 -g` of
/// `pprof-lens top` on a generated profile): 43 samples, the leaf counts an
/// awk count of each record's first frame gives.
#[test]
fn a_real_perf_recording_reads_with_its_leaf_counts() {
    let rows = all_rows(load(&data("perf/pprof-lens.perf.txt")), "samples");
    let flat = |name: &str| {
        rows.iter()
            .find(|r| r.ends_with(&format!("  {name}")))
            .map(|r| r.split_whitespace().next().unwrap().to_string())
    };
    assert_eq!(flat("pprof_lens::import::pprof::SampleDecoder::run").as_deref(), Some("6"));
    assert_eq!(flat("zlib_rs::inflate::inflate_fast_help").as_deref(), Some("5"));
    assert_eq!(flat("pprof_lens::aggregate::graph::passes::edges_in").as_deref(), Some("5"));
    assert_eq!(flat("pprof_lens::aggregate::graph::stacks::owned_part").as_deref(), Some("4"));
    let total: i64 = rows.iter().map(|r| r.split_whitespace().next().unwrap().parse::<i64>().unwrap()).sum();
    assert_eq!(total, 43);
}

/// speedscope's JSON (written by hand after its file format's
/// documentation): a sampled profile in milliseconds and an evented one,
/// each a `profile` label; the totals worked out by hand.
#[test]
fn speedscope_files_read_sampled_and_evented_profiles() {
    let p = load(&data("speedscope/app.speedscope.json"));
    let rows = all_rows(p.clone(), "time");
    // layout: 3 + 4 + 4 sampled, 5 evented; main alone: 2 + 3 evented.
    assert!(rows.iter().any(|r| r.trim_start().starts_with("16ms 66.67%") && r.ends_with("  layout")), "{rows:?}");
    assert!(
        rows.iter().any(|r| r.contains("5ms 20.83%") && r.contains("23ms 95.83%") && r.ends_with("  main")),
        "{rows:?}"
    );
    let mut q = Query::default();
    q.filters.tagfocus = "profile=worker".into();
    let text = report::top_text(&Prepared::new(vec![p], vec![], q).unwrap());
    assert!(text.contains("Showing nodes accounting for 10ms, 41.67% of 24ms total"), "{text}");
}
