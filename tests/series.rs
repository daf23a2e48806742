//! Leak hunting across snapshots: the ranking on the corpus's leaky service
//! and on synthetic series with known growth, and the messages for series
//! that cannot be ranked as given.

use pprof_lens::frames::is_own_code;
use pprof_lens::report::leak::series;
use pprof_lens::synth::Builder;
use pprof_lens::{ErrorKind, ModelOptions, Profile, Query};
use std::path::Path;

fn corpus(name: &str) -> (String, Profile) {
    let data = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/go-leaky").join(name)).unwrap();
    (name.to_string(), pprof_lens::load(&data, &Default::default(), &ModelOptions::default()).unwrap())
}

#[test]
fn the_four_real_leaks_rank_first_and_churn_below_them() {
    let snaps: Vec<_> = (1..=6).map(|i| corpus(&format!("heap.{i}.pb.gz"))).collect();
    let s = series(snaps, &Query::default()).unwrap();
    assert_eq!(s.sample_type, "inuse_space");
    assert!(s.totals.windows(2).all(|w| w[1] > w[0]), "memory only goes up: {:?}", s.totals);
    let ranked: Vec<&str> = s.rows.iter().filter(|r| r.score > 0.0).map(|r| r.name.as_str()).collect();
    let top4 = &ranked[..4];
    let leaks = [
        &["main.loadUser", "main.(*Cache).Put"][..],
        &["main.readDetails"][..],
        &["main.startTask.func1"][..],
        &["main.pollStatus", "time.NewTicker"][..],
    ];
    for leak in leaks {
        assert!(top4.iter().any(|n| leak.contains(n)), "{leak:?} not in the top four {top4:?}");
    }
    let last_leak = ranked.iter().rposition(|n| leaks.iter().any(|l| l.contains(n))).unwrap();
    for churn in ["main.encodeOrders", "main.checksum", "main.sortRecords"] {
        if let Some(pos) = ranked.iter().position(|n| *n == churn) {
            assert!(pos > last_leak.min(3), "{churn} ranks {pos}, above a leak: {ranked:?}");
        }
    }
}

#[test]
fn goroutine_series_flags_the_blocked_goroutines() {
    let s = series(vec![corpus("goroutine.start.pb.gz"), corpus("goroutine.end.pb.gz")], &Query::default()).unwrap();
    assert_eq!(s.rows[0].name, "main.startTask.func1");
    assert_eq!(s.rows[0].own, vec![0, 120]);
}

fn snapshot(name: &str, time_s: i64, rows: &[(&str, i64)]) -> (String, Profile) {
    let mut b = Builder::new(&[("inuse_space", "bytes")]);
    b.msg.time_nanos = time_s * 1_000_000_000;
    for (stack, v) in rows {
        b.folded(stack, &[*v], &[]);
    }
    (name.into(), pprof_lens::load(&b.encode(), &Default::default(), &ModelOptions::default()).unwrap())
}

#[test]
fn steady_growth_outranks_bigger_churn() {
    let mut snaps = Vec::new();
    for (i, (leak, churn, shrink)) in
        [(10, 500, 90), (20, 100, 80), (30, 600, 70), (40, 50, 60), (50, 550, 50)].iter().enumerate()
    {
        snaps.push(snapshot(
            &format!("s{i}"),
            3600 * (i as i64 + 1),
            &[("main.main;main.leak", *leak), ("main.main;main.churn", *churn), ("main.main;main.shrink", *shrink)],
        ));
    }
    let s = series(snaps, &Query::default()).unwrap();
    assert!(s.timed);
    let leak = s.rows.iter().find(|r| r.name == "main.leak").unwrap();
    assert_eq!(s.rows[0].name, "main.leak", "{:?}", s.rows.iter().map(|r| (&r.name, r.score)).collect::<Vec<_>>());
    assert!((leak.slope - 10.0).abs() < 1e-9, "10 bytes per hour, got {}", leak.slope);
    assert_eq!(leak.consistency, 1.0);
    let churn = s.rows.iter().find(|r| r.name == "main.churn").unwrap();
    assert!(churn.score < leak.score / 10.0);
    let shrink = s.rows.iter().find(|r| r.name == "main.shrink").unwrap();
    assert_eq!(shrink.score, 0.0);
}

#[test]
fn series_problems_are_explained() {
    let e = series(vec![snapshot("one", 1, &[("main.a", 1)])], &Query::default()).unwrap_err();
    assert!(e.message.contains("at least two snapshots"), "{}", e.message);

    let mut b = Builder::new(&[("samples", "count"), ("cpu", "nanoseconds")]);
    b.folded("main.a", &[1, 1], &[]);
    let cpu = (
        "cpu.pb.gz".to_string(),
        pprof_lens::load(&b.encode(), &Default::default(), &ModelOptions::default()).unwrap(),
    );
    let e = series(vec![snapshot("heap.pb.gz", 1, &[("main.a", 1)]), cpu], &Query::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Incompatible);
    assert!(e.message.starts_with("cpu.pb.gz is not the same kind of profile as heap.pb.gz"), "{}", e.message);

    // Times that go backwards in file order are sorted, and the page says so.
    let s = series(
        vec![snapshot("late", 200, &[("main.a", 2)]), snapshot("early", 100, &[("main.a", 1)])],
        &Query::default(),
    )
    .unwrap();
    assert_eq!(s.files, ["early", "late"]);
    assert!(s.notes.iter().any(|n| n.contains("ordered by snapshot time")));

    // A duplicate snapshot is pointed out.
    let s = series(vec![snapshot("a", 0, &[("main.a", 1)]), snapshot("b", 0, &[("main.a", 1)])], &Query::default())
        .unwrap();
    assert!(s.notes.iter().any(|n| n.contains("looks like a duplicate")), "{:?}", s.notes);
}

#[test]
fn own_code_is_main_or_under_a_domain() {
    assert!(is_own_code("main.loadUser"));
    assert!(is_own_code("main.(*Cache).Put"));
    assert!(is_own_code("example.com/svc/db.(*Pool).Get"));
    assert!(is_own_code("parseJson"));
    assert!(!is_own_code("runtime.malg"));
    assert!(!is_own_code("runtime/pprof.(*profMap).lookup"));
    assert!(!is_own_code("time.NewTicker"));
    assert!(!is_own_code("encoding/json.(*decodeState).object"));
}

#[test]
fn goroutine_stacks_that_only_grow_are_flagged_with_their_wait() {
    let s = series(vec![corpus("goroutine.start.pb.gz"), corpus("goroutine.end.pb.gz")], &Query::default()).unwrap();
    let leaking: Vec<_> = s.stacks.iter().filter(|r| r.only_grows).collect();
    assert_eq!(leaking.len(), 1, "{:?}", s.stacks);
    assert_eq!(leaking[0].counts, vec![0, 120]);
    assert_eq!(leaking[0].blocked_on, "chan receive");
    assert!(leaking[0].frames.iter().any(|f| f == "main.startTask.func1"));
}

#[test]
fn a_chosen_order_is_kept() {
    use pprof_lens::report::leak::series_in_order;
    let snaps = vec![snapshot("b", 200, &[("main.a", 2)]), snapshot("a", 100, &[("main.a", 1)])];
    let s = series_in_order(snaps, &Query::default(), true).unwrap();
    assert_eq!(s.files, ["b", "a"]);
    assert!(s.notes.iter().any(|n| n.contains("order you chose")));
}
