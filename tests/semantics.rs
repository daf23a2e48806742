//! pprof's aggregation semantics on tiny fixtures written as folded text
//! (`"main;a;b 3"`: root first; `a+b` is a location where `b` is inlined
//! into `a`). Expected numbers were checked against `go tool pprof`.

use pprof_lens::synth::{folded_profile, Builder};
use pprof_lens::{report, BaseMode, Granularity, ModelOptions, Prepared, Profile, Query};

fn profile(text: &str) -> Profile {
    let data = folded_profile(text, &[("samples", "count")]);
    pprof_lens::load(&data, &Default::default(), &ModelOptions::default()).unwrap()
}

/// (name with inline label, flat, cum) rows of the top table.
fn top(sources: Vec<Profile>, bases: Vec<Profile>, q: Query) -> (Vec<(String, i64, i64)>, i64) {
    let pr = Prepared::new(sources, bases, q).unwrap();
    let t = report::top(&pr);
    let rows = t
        .rows
        .iter()
        .map(|r| {
            let name =
                if r.inline_label.is_empty() { r.name.clone() } else { format!("{} {}", r.name, r.inline_label) };
            (name, r.flat, r.cum)
        })
        .collect();
    (rows, t.total)
}

fn all() -> Query {
    let mut q = Query::default();
    q.nodefraction = 0.0;
    q
}

fn row<'a>(rows: &'a [(String, i64, i64)], name: &str) -> &'a (String, i64, i64) {
    rows.iter().find(|r| r.0 == name).unwrap_or_else(|| panic!("no row {name} in {rows:?}"))
}

#[test]
fn recursion_counts_cum_once_per_sample() {
    let (rows, total) = top(vec![profile("main;a;b;a;b 3\nmain;a 1")], vec![], all());
    assert_eq!(total, 4);
    assert_eq!(row(&rows, "a"), &("a".into(), 1, 4));
    assert_eq!(row(&rows, "b"), &("b".into(), 3, 3));
    assert_eq!(row(&rows, "main"), &("main".into(), 0, 4));
    // Sorted by flat, then name.
    let names: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(names, ["b", "a", "main"]);
}

#[test]
fn inline_labels_follow_the_in_edges() {
    let (rows, _) = top(vec![profile("main;outer+inl 5\nmain;outer 1")], vec![], all());
    assert_eq!(row(&rows, "inl (inline)").1, 5);
    let (rows, _) = top(vec![profile("main;outer+inl 5\nmain;inl 2")], vec![], all());
    assert_eq!(row(&rows, "inl (partial-inline)"), &("inl (partial-inline)".into(), 7, 7));
}

#[test]
fn noinlines_attributes_inlined_frames_to_the_caller() {
    let mut q = all();
    q.noinlines = true;
    let (rows, _) = top(vec![profile("main;outer+inl 5\nmain;outer 1")], vec![], q);
    assert_eq!(row(&rows, "outer"), &("outer".into(), 6, 6));
    assert!(rows.iter().all(|r| !r.0.starts_with("inl")));
}

#[test]
fn diff_base_negates_the_base_and_uses_its_total() {
    let base = profile("main;a 10\nmain;b 5");
    let new = profile("main;a 4\nmain;c 7");
    let mut q = all();
    q.base_mode = BaseMode::Diff;
    let (rows, total) = top(vec![new], vec![base], q);
    assert_eq!(total, 15, "percentages are of the base's total");
    assert_eq!(row(&rows, "a"), &("a".into(), -6, -6));
    assert_eq!(row(&rows, "b"), &("b".into(), -5, -5));
    assert_eq!(row(&rows, "c"), &("c".into(), 7, 7));
    assert_eq!(row(&rows, "main"), &("main".into(), 0, -4));
}

#[test]
fn base_subtracts_and_total_is_the_absolute_sum() {
    let base = profile("main;a 10\nmain;b 5");
    let new = profile("main;a 4\nmain;c 7");
    let mut q = all();
    q.base_mode = BaseMode::Subtract;
    let (rows, total) = top(vec![new], vec![base], q);
    // Identical samples merge first: a nets to -6; |−6| + |−5| + |7| = 18.
    assert_eq!(total, 18);
    assert_eq!(row(&rows, "a").1, -6);
}

#[test]
fn normalize_scales_to_the_base_total() {
    let base = profile("main;a 10\nmain;b 10");
    let new = profile("main;a 10\nmain;b 30");
    let mut q = all();
    q.base_mode = BaseMode::Diff;
    q.normalize = true;
    let (rows, total) = top(vec![new], vec![base], q);
    assert_eq!(total, 20);
    // new scaled by 20/40: a 5, b 15 → a −5, b +5.
    assert_eq!(row(&rows, "a").1, -5);
    assert_eq!(row(&rows, "b").1, 5);
}

#[test]
fn merging_sums_identical_samples() {
    let (rows, total) = top(vec![profile("main;a 1"), profile("main;a 2\nmain;b 4")], vec![], all());
    assert_eq!(total, 7);
    assert_eq!(row(&rows, "a").1, 3);
    let pr = Prepared::new(vec![profile("main;a 1"), profile("main;a 2")], vec![], all()).unwrap();
    let t = report::traces_text(&pr);
    assert_eq!(t.matches("-----------+").count(), 2, "one merged sample: {t}");
    assert!(t.contains("         3   a\n"), "{t}");
}

#[test]
fn focus_ignore_hide_show_and_show_from() {
    let text = "main;handler;json;alloc 4\nmain;handler;sort 6\nmain;gc 2";
    let mut q = all();
    q.filters.focus = "handler".into();
    let (rows, total) = top(vec![profile(text)], vec![], q);
    assert_eq!(total, 12, "total is taken before filtering");
    assert_eq!(row(&rows, "main").2, 10);
    assert!(rows.iter().all(|r| r.0 != "gc"));

    let mut q = all();
    q.filters.ignore = "json".into();
    let (rows, _) = top(vec![profile(text)], vec![], q);
    assert_eq!(row(&rows, "main").2, 8);

    let mut q = all();
    q.filters.hide = "handler".into();
    let (rows, _) = top(vec![profile(text)], vec![], q);
    assert!(rows.iter().all(|r| r.0 != "handler"));
    assert_eq!(row(&rows, "main").2, 12);

    let mut q = all();
    q.filters.show = "main|sort".into();
    let (rows, _) = top(vec![profile(text)], vec![], q);
    let names: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(names, ["main", "sort"]);
    assert_eq!(row(&rows, "main"), &("main".into(), 6, 12), "hidden leaves give their flat to the caller");

    let mut q = all();
    q.filters.show_from = "handler".into();
    let (rows, _) = top(vec![profile(text)], vec![], q);
    assert!(rows.iter().all(|r| r.0 != "main" && r.0 != "gc"));
    assert_eq!(row(&rows, "handler").2, 10);
}

#[test]
fn tag_filters_match_strings_and_numeric_ranges() {
    let mut b = Builder::new(&[("alloc_space", "bytes")]);
    b.folded("main;small", &[100], &[("bytes", "#64"), ("handler", "/api/a")]);
    b.folded("main;big", &[5000], &[("bytes", "#65536"), ("handler", "/api/b")]);
    b.folded("main;mid", &[700], &[("bytes", "#2048")]);
    let p = || pprof_lens::load(&b.encode(), &Default::default(), &ModelOptions::default()).unwrap();
    let names = |q: Query| {
        let (rows, _) = top(vec![p()], vec![], q);
        let mut v: Vec<String> = rows.into_iter().filter(|r| r.1 != 0).map(|r| r.0).collect();
        v.sort();
        v
    };
    let mut q = all();
    q.filters.tagfocus = "bytes=1kb:64kb".into();
    assert_eq!(names(q), ["big", "mid"]);
    let mut q = all();
    q.filters.tagfocus = "bytes=:1kb".into();
    assert_eq!(names(q), ["small"]);
    let mut q = all();
    q.filters.tagignore = "handler=/api/a".into();
    assert_eq!(names(q), ["big", "mid"]);
    let mut q = all();
    q.filters.tagfocus = "/api/b".into();
    assert_eq!(names(q), ["big"]);
    let mut q = all();
    q.filters.tagfocus = "handler=(".into();
    assert!(Prepared::new(vec![p()], vec![], q).unwrap_err().message.contains("parsing tagfocus regexp"));
}

#[test]
fn granularities_name_nodes_as_pprof_does() {
    let data = folded_profile("main;pkg.f 3", &[("samples", "count")]);
    let p = || pprof_lens::load(&data, &Default::default(), &ModelOptions::default()).unwrap();
    let names = |g: Granularity| {
        let mut q = all();
        q.granularity = g;
        top(vec![p()], vec![], q).0.into_iter().map(|r| r.0).collect::<Vec<_>>()
    };
    assert_eq!(names(Granularity::Functions), ["pkg.f", "main"]);
    assert_eq!(names(Granularity::Lines), ["pkg.f pkg/f.go:10", "main main.go:10"]);
    assert_eq!(names(Granularity::Files), ["pkg/f.go", "main.go"]);
    assert_eq!(names(Granularity::FileFunctions), ["pkg.f pkg/f.go", "main main.go"]);
    let a = names(Granularity::Addresses);
    assert!(a[0].starts_with("0000000000400") && a[0].ends_with(" pkg.f pkg/f.go:10"), "{a:?}");
}

#[test]
fn zero_and_negative_samples() {
    // pprof's own -proto output can hold negative values; totals use |v|.
    let (rows, total) = top(vec![profile("main;a 5\nmain;b -3\nmain;c 0")], vec![], all());
    assert_eq!(total, 8);
    assert_eq!(row(&rows, "b").1, -3);
    assert!(rows.iter().all(|r| r.0 != "c"));
}

#[test]
fn sample_index_names_numbers_and_the_default() {
    let mut b = Builder::new(&[("alloc_space", "bytes"), ("space", "bytes")]);
    b.folded("main", &[1, 2], &[]);
    let p = pprof_lens::load(&b.encode(), &Default::default(), &ModelOptions::default()).unwrap();
    assert_eq!(p.sample_index("").unwrap(), 1, "the last type by default");
    assert_eq!(p.sample_index("inuse_space").unwrap(), 1, "inuse_ prefix accepted");
    assert_eq!(p.sample_index("0").unwrap(), 0);
    assert!(p.sample_index("2").unwrap_err().message.contains("outside the range [0..1]"));
    let mut b = Builder::new(&[("a", "count"), ("b", "count")]);
    let d = b.str("a");
    b.msg.default_sample_type = d;
    b.folded("main", &[1, 2], &[]);
    let p = pprof_lens::load(&b.encode(), &Default::default(), &ModelOptions::default()).unwrap();
    assert_eq!(p.sample_index("").unwrap(), 0, "default_sample_type wins");
}

#[test]
fn mismatched_sample_types_cannot_merge() {
    let a = pprof_lens::load(
        &folded_profile("main 1", &[("samples", "count")]),
        &Default::default(),
        &ModelOptions::default(),
    )
    .unwrap();
    let b = pprof_lens::load(
        &folded_profile("main 1", &[("alloc_space", "bytes")]),
        &Default::default(),
        &ModelOptions::default(),
    )
    .unwrap();
    let e = Prepared::new(vec![a], vec![b], {
        let mut q = all();
        q.base_mode = BaseMode::Diff;
        q
    })
    .unwrap_err();
    assert_eq!(e.kind, pprof_lens::ErrorKind::Incompatible);
    assert!(e.message.contains("incompatible"), "{}", e.message);
}

#[test]
fn drop_frames_cuts_stacks_below_dropped_frames() {
    let mut b = Builder::new(&[("samples", "count")]);
    let d = b.str("runtime\\..*");
    b.msg.drop_frames = d;
    let k = b.str("runtime\\.keep");
    b.msg.keep_frames = k;
    b.folded("runtime.main;main;alloc;runtime.mallocgc;memclr", &[5], &[]);
    b.folded("runtime.main;main;work+runtime.inl+leaf", &[3], &[]);
    b.folded("runtime.main;main;runtime.keep;deep", &[2], &[]);
    let data = b.encode();
    if let Ok(dir) = std::env::var("PPROF_LENS_DUMP_DIR") {
        std::fs::write(std::path::Path::new(&dir).join("drop_frames.pb"), &data).unwrap();
    }
    let p = pprof_lens::load(&data, &Default::default(), &ModelOptions::default()).unwrap();
    let (rows, total) = top(vec![p], vec![], all());
    assert_eq!(total, 10);
    // The sample through runtime.mallocgc ends at alloc; runtime.main, a root, stays.
    assert_eq!(row(&rows, "alloc"), &("alloc".into(), 5, 5));
    assert!(rows.iter().all(|r| r.0 != "memclr" && r.0 != "runtime.mallocgc"));
    assert_eq!(row(&rows, "runtime.main").2, 10);
    // An inlined dropped frame cuts its location's inner lines: work keeps the flat.
    assert_eq!(row(&rows, "work"), &("work".into(), 3, 3));
    // keep_frames rescues a frame from drop_frames.
    assert_eq!(row(&rows, "deep").1, 2);
}
