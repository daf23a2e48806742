//! `pprof-lens diff`: per-function base/new/delta consistent with pprof's
//! -diff_base, new and gone functions, normalisation, clear refusals, and
//! the CI gate's exit codes.

use pprof_lens::report::diff::{diff, regressions};
use pprof_lens::synth::folded_profile;
use pprof_lens::{ModelOptions, Profile, Query};
use std::path::Path;
use std::process::Command;

fn corpus(name: &str) -> Profile {
    let data = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/go-leaky").join(name)).unwrap();
    pprof_lens::load(&data, &Default::default(), &ModelOptions::default()).unwrap()
}

fn folded(text: &str) -> Profile {
    pprof_lens::load(&folded_profile(text, &[("samples", "count")]), &Default::default(), &ModelOptions::default())
        .unwrap()
}

#[test]
fn deltas_match_pprof_diff_base() {
    let d = diff(corpus("heap.1.pb.gz"), corpus("heap.6.pb.gz"), &Query::default()).unwrap();
    // go tool pprof -diff_base=heap.1 heap.6 prints main.readDetails with flat 131072015B
    // and a total of 39351191B (the base's).
    let r = d.rows.iter().find(|r| r.name == "main.readDetails").unwrap();
    assert_eq!(r.delta_flat(), 131_072_015);
    assert_eq!(d.base_total, 39_351_191);
    let sf = d.rows.iter().find(|r| r.name == "runtime/pprof.StartCPUProfile").unwrap();
    assert_eq!(sf.delta_flat(), 0, "unchanged between the two snapshots");
}

#[test]
fn new_and_gone_functions_are_marked() {
    let d = diff(folded("main;a 10\nmain;b 5"), folded("main;a 4\nmain;c 7"), &Query::default()).unwrap();
    let mark = |n: &str| d.rows.iter().find(|r| r.name == n).unwrap().mark;
    assert_eq!((mark("a"), mark("b"), mark("c")), ("", "gone", "new"));
    assert_eq!(d.rows[0].name, "c", "sorted by |delta cum|: c +7, a -6, b -5");
}

#[test]
fn normalize_scales_new_to_the_base_total() {
    let mut q = Query::default();
    q.normalize = true;
    let d = diff(folded("main;a 10\nmain;b 10"), folded("main;a 10\nmain;b 30"), &q).unwrap();
    assert_eq!(d.new_total, 20);
    assert_eq!(d.rows.iter().find(|r| r.name == "a").unwrap().delta_cum(), -5);
    assert_eq!(d.rows.iter().find(|r| r.name == "b").unwrap().delta_cum(), 5);
}

#[test]
fn mismatched_kinds_are_refused() {
    let e = diff(corpus("heap.1.pb.gz"), corpus("cpu.pb.gz"), &Query::default()).unwrap_err();
    assert!(e.message.starts_with("the profiles cannot be compared: incompatible"), "{}", e.message);
}

#[test]
fn gate_flags_growth_above_the_threshold() {
    let d = diff(folded("main;a 100"), folded("main;a 100\nmain;b 20"), &Query::default()).unwrap();
    assert_eq!(regressions(&d, 10.0).len(), 2, "main and b grew by 20% of the base");
    assert!(regressions(&d, 25.0).is_empty());
}

#[test]
fn cli_gate_exit_codes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/go-leaky");
    let run =
        |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_pprof-lens")).args(args).current_dir(&dir).output().unwrap();
    let out = run(&["diff", "--fail-above=10", "heap.1.pb.gz", "heap.6.pb.gz"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Gate: FAILED"));
    let out = run(&["diff", "--fail-above=500%", "heap.1.pb.gz", "heap.6.pb.gz"]);
    assert_eq!(out.status.code(), Some(0));
    let out = run(&["diff", "heap.1.pb.gz", "cpu.pb.gz"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot compare heap.1.pb.gz with cpu.pb.gz: they are different kinds of profile"), "{err}");
    let out = run(&["diff", "--fail-above=1", "heap.empty.pb.gz", "heap.6.pb.gz"]);
    assert_eq!(out.status.code(), Some(3), "everything is new: above any share of nothing");
    assert!(String::from_utf8_lossy(&out.stdout).contains("the base total is zero"));
    let out = run(&["diff", "heap.1.pb.gz"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("diff: give two profiles"));
}

#[test]
fn subtract_total_of_a_labelled_comparison_is_pprof_base_total() {
    use pprof_lens::aggregate::{base_samples, compute_total, subtract_total, Prepared};
    use pprof_lens::query::BaseMode;
    let mut q = Query::default();
    q.base_mode = BaseMode::Diff;
    q.sample_index = "inuse_space".into();
    let pr = Prepared::new(vec![corpus("heap.6.pb.gz")], vec![corpus("heap.1.pb.gz")], q).unwrap();
    let vi = pr.value_index;
    // go tool pprof -base=heap.1 heap.6: "of 190994469B total"; -diff_base: "of 39351191B total".
    assert_eq!(subtract_total(&pr.profile, vi), 190_994_469);
    assert_eq!(compute_total(&pr.profile, vi), 39_351_191);
    assert!(base_samples(&pr.profile).iter().any(|&b| b));
}

#[test]
fn comparing_borrowed_profiles_gives_what_combining_copies_gives() {
    use pprof_lens::aggregate::combine::{combine, compare_refs};
    use pprof_lens::aggregate::Prepared;
    use pprof_lens::query::BaseMode;
    use pprof_lens::report::{top_text, traces_text};
    let text = |p: Profile| {
        let mut q = Query::default();
        q.base_mode = BaseMode::Diff;
        q.nodefraction = 0.0;
        let pr = Prepared::from_profile(p, q).unwrap();
        top_text(&pr) + &traces_text(&pr)
    };
    let pairs = [
        (corpus("heap.1.pb.gz"), corpus("heap.6.pb.gz")),
        (corpus("goroutine.start.pb.gz"), corpus("goroutine.end.pb.gz")),
        (folded("main;a 10\nmain;b 5\nmain;d 3"), folded("main;a 4\nmain;b 20\nmain;c 7")),
    ];
    for (b, n) in pairs {
        for normalize in [false, true] {
            let want = combine(vec![n.clone()], vec![b.clone()], BaseMode::Diff, normalize).unwrap();
            let got = compare_refs(&[&n], &[&b], normalize).unwrap();
            assert_eq!(got.samples.len(), want.samples.len());
            assert_eq!(text(got), text(want), "normalize {normalize}");
        }
    }
}
