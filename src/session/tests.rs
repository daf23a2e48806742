//! The page's logic, natively: views, comparisons (the same figures as
//! `pprof-lens diff`), the n/a rule of a zero base, new/gone marks, pivots,
//! tooltips, series facts and refusals that keep the view.

use super::*;
use crate::query::Filters;
use crate::report::flame::BoxKey;
use crate::synth::{folded_profile, Builder};

const ALL: BoxKey = BoxKey { lo: 0, hi: u32::MAX, depth: u32::MAX };

fn open(s: &mut Session, name: &str, folded: &str) -> u32 {
    let bytes = folded_profile(folded, &[("alloc_space", "bytes")]);
    s.load(name, &bytes, &mut |_, _| {}).unwrap().id
}

fn snapshot(s: &mut Session, name: &str, folded: &str, minute: i64) -> u32 {
    let mut b = Builder::new(&[("inuse_space", "bytes")]);
    for line in folded.lines() {
        let (stack, v) = line.rsplit_once(' ').unwrap();
        b.folded(stack, &[v.parse().unwrap()], &[]);
    }
    b.msg.time_nanos = 1_700_000_000_000_000_000 + minute * 60_000_000_000;
    s.load(name, &b.encode(), &mut |_, _| {}).unwrap().id
}

fn row(t: &TopTable, name: &str) -> usize {
    t.name.iter().position(|n| n == name).unwrap_or_else(|| panic!("no row {name} in {:?}", t.name))
}

#[test]
fn sides_are_named_and_numbered_both_ways() {
    for s in Side::ALL {
        assert_eq!(Side::from_index(s.index()).unwrap(), s);
    }
    assert_eq!(Side::Callees.index(), 4);
    assert!(Side::from_index(5).unwrap_err().message.contains("no flame graph side 5"));
}

#[test]
fn a_view_and_its_table() {
    let mut s = Session::new();
    let id = open(&mut s, "a.pb.gz", "main;f;g 300\nmain;f 100\nmain;h 600");
    let v = s.view(id, &ViewRequest::default()).unwrap();
    assert_eq!((v.total, v.sample_type.as_str(), v.stacks), (1000, "alloc_space", 3));
    // The table before the header: the same value pass, either order.
    let t = s.top(id, TopSort::Flat, true).unwrap();
    let h = s.view_header(id).unwrap();
    assert_eq!((h.total_text.as_str(), h.unit.as_str()), ("1000B", "B"));
    assert!(h.showing.is_empty() && v.filters.is_empty());
    assert!(h.header.iter().any(|l| l == "Type: alloc_space"), "{:?}", h.header);
    assert_eq!(t.name, ["h", "g", "f", "main"]);
    assert_eq!((t.flat_pct[0].as_str(), t.sum_pct[1].as_str(), t.cum_pct[3].as_str()), ("60.00%", "90.00%", "100%"));
    // Names sort A→Z ascending, Z→A descending.
    assert_eq!(s.top(id, TopSort::Name, false).unwrap().name, ["f", "g", "h", "main"]);
    assert_eq!(s.top(id, TopSort::Name, true).unwrap().name, ["main", "h", "g", "f"]);
    assert!(t.mark.is_empty(), "no marks outside comparisons");
}

#[test]
fn refinements_say_what_they_show_and_a_refused_one_keeps_the_view() {
    let mut s = Session::new();
    let id = open(&mut s, "a.pb.gz", "main;f;g 300\nmain;f 100\nmain;h 600");
    let v = s
        .view(id, &ViewRequest { filters: Filters { focus: "f".into(), ..Default::default() }, ..Default::default() })
        .unwrap();
    assert_eq!(v.filters, ["focus=f"]);
    let h = s.view_header(id).unwrap();
    assert_eq!(h.showing, "Showing nodes accounting for 400B, 40.00% of 1000B total");
    let e = s
        .view(id, &ViewRequest { filters: Filters { hide: "(".into(), ..Default::default() }, ..Default::default() })
        .unwrap_err();
    assert_eq!((e.kind, e.field), (ErrorKind::BadQuery, Some("hide")));
    let e = s
        .view(
            id,
            &ViewRequest {
                filters: Filters { tagfocus: "nokey=1".into(), ..Default::default() },
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.field, Some("tagfocus"));
    // The focused view is still there.
    assert_eq!(s.top(id, TopSort::Flat, true).unwrap().name, ["g", "f", "main"]);
    assert_eq!(s.search(id, "g|f").unwrap().pct, "40.00%");
    assert_eq!(s.search(id, "(").unwrap_err().field, Some("search"));
}

#[test]
fn a_comparison_has_the_cli_diff_figures_and_marks() {
    let (base, new) = ("main;f;g 300\nmain;gone 100\nmain;h 600", "main;f;g 500\nmain;h 600\nmain;fresh 50");
    let mut s = Session::new();
    let (b, n) = (open(&mut s, "base.pb.gz", base), open(&mut s, "new.pb.gz", new));
    let c = s.compare(&[b], &[n], "base → new").unwrap().id;
    let v = s.view(c, &ViewRequest::default()).unwrap();
    assert!(v.compare);
    let h = s.view_header(c).unwrap();
    assert_eq!((h.base_total_text.as_str(), h.new_total_text.as_str()), ("1000B", "1150B"));
    let t = s.top(c, TopSort::Flat, true).unwrap();
    let (g, gone, fresh) = (row(&t, "g"), row(&t, "gone"), row(&t, "fresh"));
    assert_eq!((t.base_flat[g].as_str(), t.new_flat[g].as_str(), t.flat_text[g].as_str()), ("300B", "500B", "200B"));
    assert_eq!((t.mark[gone].as_str(), t.mark[fresh].as_str(), t.mark[g].as_str()), ("gone", "new", ""));
    // pprof-lens diff: the same engine, the same figures and marks.
    let load = |f: &str| {
        crate::load(&folded_profile(f, &[("alloc_space", "bytes")]), &Default::default(), &Default::default()).unwrap()
    };
    let d = crate::report::diff::diff(load(base), load(new), &crate::Query::default()).unwrap();
    for r in d.rows.iter().filter(|r| r.delta_cum() != 0 || r.delta_flat() != 0) {
        let i = row(&t, &r.name);
        assert_eq!(t.base_flat[i], crate::units::scaled_label(r.base_flat, "bytes", &d.output_unit), "{}", r.name);
        assert_eq!(t.new_cum[i], crate::units::scaled_label(r.new_cum, "bytes", &d.output_unit), "{}", r.name);
        assert_eq!(t.mark[i], r.mark, "{}", r.name);
    }
    assert_eq!((d.base_total, d.new_total), (1000, 1150));
    // The tooltip's base → new of the merged tree.
    let path = s.find_path(c, Side::View, &["main", "f", "g"]).unwrap().unwrap();
    let f = s.box_info(c, Side::View, path).unwrap();
    let diff = f.diff.unwrap();
    assert_eq!((diff.base.as_str(), diff.new.as_str(), diff.delta.as_str()), ("300B", "500B", "+200B"));
    assert_eq!(diff.delta_pct, "+66.7%");
    assert_eq!(f.path, ["main", "f", "g"]);
    // Each side alone, and the same frames found across them.
    let k = s.locate(c, Side::View, path, Side::Base, true).unwrap().unwrap();
    assert_eq!(s.box_info(c, Side::Base, k).unwrap().total, "300B");
    let fresh_box = s.find_path(c, Side::View, &["main", "fresh"]).unwrap().unwrap();
    assert_eq!(s.locate(c, Side::View, fresh_box, Side::Base, true).unwrap(), None);
    assert!(s.locate(c, Side::View, fresh_box, Side::Base, false).unwrap().is_some(), "falls back to an ancestor");
    // The sides' graphs, built by the look-ups above, are settled with the merged one.
    assert!(s.settle_flames(c, 1).unwrap());
}

#[test]
fn flame_graphs_settle_a_slice_at_a_time_to_the_same_boxes() {
    let mut s = Session::new();
    // Deep enough that the graph branches over several rounds of the sort,
    // into pairs of stacks narrower than the view sorts when made.
    let folded: String = (0..12_000)
        .map(|i| format!("main;f{};p1;p2;p3;p4;p5;g{};q1;q2;q3;q4;q5;h{i} 1\n", (i / 2) % 7, i / 2))
        .collect();
    let id = open(&mut s, "a.pb.gz", &folded);
    s.view(id, &ViewRequest::default()).unwrap();
    let wide = s.flame(id, Side::View, ALL, 0.05).unwrap();
    let mut slices = 1;
    while !s.settle_flames(id, 400).unwrap() {
        slices += 1;
    }
    assert!(slices > 2, "{slices} slices");
    assert_eq!(s.flame(id, Side::View, ALL, 0.05).unwrap().x, wide.x, "what was shown stays");
    assert_eq!(s.flame(id, Side::View, ALL, 0.0).unwrap().x.len(), 1 + 6 * 7 + 6 * 6000 + 12_000);
    assert!(s.settle_flames(99, 1).is_err(), "no such profile");
}

#[test]
fn a_zero_base_compares_with_percentages_na() {
    let mut s = Session::new();
    let b = open(&mut s, "empty.pb.gz", "main;f 0");
    let n = open(&mut s, "new.pb.gz", "main;f 100");
    let c = s.compare(&[b], &[n], "c").unwrap().id;
    let v = s.view(c, &ViewRequest::default()).unwrap();
    assert!(v.notes[0].contains("zero"), "{:?}", v.notes);
    let t = s.top(c, TopSort::Flat, true).unwrap();
    assert_eq!(t.flat_pct[0], "n/a");
    assert_eq!(t.mark[row(&t, "f")], "new");
    assert_eq!(s.box_info(c, Side::View, ALL).unwrap().total_pct, "n/a");
    // Normalising to it is refused, naming the box, and the view stays.
    let e = s.view(c, &ViewRequest { normalize: true, ..Default::default() }).unwrap_err();
    assert_eq!(e.field, Some("normalize"));
    assert!(s.top(c, TopSort::Flat, true).is_ok());
}

#[test]
fn comparisons_refuse_what_cannot_be_compared() {
    let mut s = Session::new();
    let a = open(&mut s, "a.pb.gz", "main 1");
    let cpu_bytes = folded_profile("main 1 10", &[("samples", "count"), ("cpu", "nanoseconds")]);
    let cpu = s.load("cpu.pb.gz", &cpu_bytes, &mut |_, _| {}).unwrap().id;
    let e = s.compare(&[a], &[cpu], "x").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Incompatible);
    assert!(e.message.contains("cannot compare a.pb.gz with cpu.pb.gz"), "{}", e.message);
    assert!(s.compare(&[a], &[a], "x").unwrap_err().message.contains("both the base and the new"));
    s.close(cpu);
    assert!(s.info(cpu).is_err());
    assert!(s.info(a).is_ok(), "other profiles stay open");
}

#[test]
fn pivot_callers_and_callees() {
    let mut s = Session::new();
    let id = open(&mut s, "a.pb.gz", "main;f;g 5\nmain;h;f;g 3\nmain;f;k 2");
    s.view(id, &ViewRequest::default()).unwrap();
    let names = s.node_names(id).unwrap().to_vec();
    let f = names.iter().position(|n| n == "f").unwrap() as u32;
    let nb = s.neighbours(id, f).unwrap();
    assert_eq!(nb.cum, "10B");
    let callers: Vec<(&str, &str)> =
        nb.callers.iter().map(|c| (names[c.node as usize].as_str(), c.value.as_str())).collect();
    assert_eq!(callers, [("main", "7B"), ("h", "3B")]);
    assert!(s.flame(id, Side::Callers, ALL, 0.0).is_err(), "no pivot before asking");
    assert_eq!(s.pivot(id, f).unwrap().total, "10B");
    let up = s.flame(id, Side::Callers, ALL, 0.0).unwrap();
    let up_names: Vec<&str> = up.node.iter().map(|&n| names[n as usize].as_str()).collect();
    assert_eq!(up_names[0], "f", "the function is the root of its callers' graph");
    assert!(s.flame(id, Side::Base, ALL, 0.0).is_err(), "not a comparison");
    assert!(s.neighbours(id, 99).is_err());
}

#[test]
fn labels_show_units_as_pprof_tags_does() {
    let mut b = Builder::new(&[("alloc_space", "bytes")]);
    b.folded("main;f", &[8192], &[("bytes", "#8192")]);
    b.folded("main;g", &[1 << 20], &[("bytes", "#1048576")]);
    let mut s = Session::new();
    let id = s.load("h.pb.gz", &b.encode(), &mut |_, _| {}).unwrap().id;
    s.view(id, &ViewRequest::default()).unwrap();
    let l = s.labels(id).unwrap();
    let texts: Vec<&str> = l[0].values.iter().map(|v| v.text.as_str()).collect();
    assert_eq!(texts, ["1MB", "8kB"]);
    assert!(l[0].values[0].share > 99.0);
}

#[test]
fn series_facts_word_the_slope_as_the_cli_does() {
    let mut s = Session::new();
    let ids: Vec<u32> = (0..4)
        .map(|i| {
            let leak = 1000 * (i + 1);
            snapshot(
                &mut s,
                &format!("heap.{i}.pb.gz"),
                &format!("main;main.leak {leak}\nmain;main.steady 500"),
                i * 60,
            )
        })
        .collect();
    let f = s.series(&ids, None, 10, false, &Default::default()).unwrap();
    assert_eq!(f.files.len(), 4);
    assert_eq!(f.name[0], "main.leak");
    assert!(f.slope[0].ends_with("/h"), "a span of hours: {}", f.slope[0]);
    assert_eq!(f.values_text[0], "1000B 1.95kB 2.93kB 3.91kB");
    // Without times, the step is a snapshot, as in `pprof-lens series`.
    let mut s2 = Session::new();
    let ids: Vec<u32> =
        (0..3).map(|i| open(&mut s2, &format!("h{i}"), &format!("main;main.leak {}", 1000 * (i + 1)))).collect();
    let f = s2.series(&ids, None, 10, true, &Default::default()).unwrap();
    assert!(f.slope[0].ends_with("/snapshot"), "{}", f.slope[0]);
}

#[test]
fn goroutine_groups_of_a_dump() {
    let dump = "goroutine 7 [chan receive, 12 minutes]:\nmain.worker(0x1)\n\t/src/main.go:40 +0x1d\ncreated by main.start in goroutine 1\n\t/src/main.go:30 +0x1\n\n\
                goroutine 8 [chan receive, 30 minutes]:\nmain.worker(0x2)\n\t/src/main.go:40 +0x1d\ncreated by main.start in goroutine 1\n\t/src/main.go:30 +0x1\n";
    let mut s = Session::new();
    let id = s.load("g.txt", dump.as_bytes(), &mut |_, _| {}).unwrap();
    assert_eq!(id.producer, "goroutine dump");
    let g = s.goroutines(id.id).unwrap();
    assert_eq!((g[0].count.as_str(), g[0].blocked_on.as_str(), g[0].wait.as_str()), ("2", "chan receive", "30 min"));
    assert_eq!(g[0].function, "main.worker");
}

#[test]
fn a_group_refinement_keeps_one_goroutine_group() {
    let dump = "goroutine profile: total 5\n3 @ 0x1 0x2\n#\t0x1\truntime.gopark+0x1\t/r/proc.go:1\n#\t0x2\tmain.a+0x1\t/m.go:1\n\n\
                2 @ 0x1 0x3\n#\t0x1\truntime.gopark+0x1\t/r/proc.go:1\n#\t0x3\tmain.b+0x1\t/m.go:2\n";
    let mut s = Session::new();
    let id = s.load("g.txt", dump.as_bytes(), &mut |_, _| {}).unwrap().id;
    let g = s.goroutines(id).unwrap();
    assert_eq!((g[1].count.as_str(), g[1].function.as_str()), ("2", "main.b"));
    let req = ViewRequest { group: format!("{} (2 goroutines in main.b)", g[1].sample), ..Default::default() };
    let v = s.view(id, &req).unwrap();
    assert_eq!(v.total, 5);
    assert!(v.filters.iter().any(|f| f.starts_with("group=")), "{:?}", v.filters);
    let top = s.top(id, TopSort::Flat, true).unwrap();
    assert!(top.name.contains(&"main.b".to_string()) && !top.name.contains(&"main.a".to_string()), "{:?}", top.name);
    // A group that is not there is refused, naming the field; the view stays.
    let bad = ViewRequest { group: "9".into(), ..Default::default() };
    let e = s.view(id, &bad).unwrap_err();
    assert_eq!(e.field, Some("group"));
    assert!(e.message.contains("not one of this profile's 2 groups"), "{}", e.message);
}

#[test]
fn another_order_is_a_permutation_of_pprofs_rows_with_its_own_sum() {
    let mut s = Session::new();
    let id = open(&mut s, "a.pb.gz", "main;f;g 300\nmain;f 100\nmain;h 600\nmain;f;h 5\nmain;a 50");
    s.view(id, &ViewRequest::default()).unwrap();
    let base = s.top(id, TopSort::Flat, true).unwrap();
    for (sort, desc) in [
        (TopSort::Cum, true),
        (TopSort::Cum, false),
        (TopSort::Name, true),
        (TopSort::Name, false),
        (TopSort::Flat, false),
    ] {
        let full = s.top(id, sort, desc).unwrap();
        let o = s.top_order(id, sort, desc).unwrap();
        let names: Vec<&String> = o.rows.iter().map(|&i| &base.name[i as usize]).collect();
        assert_eq!(names, full.name.iter().collect::<Vec<_>>(), "{sort:?} {desc}");
        let texts: Vec<&String> = o.rows.iter().map(|&i| &base.cum_text[i as usize]).collect();
        assert_eq!(texts, full.cum_text.iter().collect::<Vec<_>>());
        assert_eq!(o.sum_pct.lines().collect::<Vec<_>>(), full.sum_pct, "{sort:?} {desc}");
    }
    // The inline labels come when asked for, then with every table.
    assert!(base.labels_pending);
    s.inline_labels(id).unwrap();
    assert!(!s.top(id, TopSort::Flat, true).unwrap().labels_pending);
}

/// The table's orders (sorted by number keys and name ranks) are the
/// orders by the values and the names themselves, ties in pprof's order.
#[test]
fn table_orders_are_those_of_the_values_and_names() {
    use prost::Message;
    let mut s = Session::new();
    let bytes = crate::synth::generate(crate::synth::Spec::SMALL).encode_to_vec();
    let id = s.load("gen.pb", &bytes, &mut |_, _| {}).unwrap().id;
    s.view(id, &ViewRequest::default()).unwrap();
    let base = s.top(id, TopSort::Flat, true).unwrap();
    let n = base.name.len();
    let cum: Vec<i64> = base.cum.iter().map(|&c| (c as i64).abs()).collect();
    let mut by_cum: Vec<u32> = (0..n as u32).collect();
    by_cum.sort_by(|&a, &b| {
        cum[b as usize].cmp(&cum[a as usize]).then(base.name[a as usize].cmp(&base.name[b as usize]))
    });
    let ties = by_cum.windows(2).filter(|w| cum[w[0] as usize] == cum[w[1] as usize]).count();
    assert!(ties > 10, "{ties} ties in cum");
    assert_eq!(s.top_order(id, TopSort::Cum, true).unwrap().rows, by_cum);
    let mut by_name: Vec<u32> = (0..n as u32).collect();
    by_name.sort_by(|&a, &b| base.name[b as usize].cmp(&base.name[a as usize]));
    assert_eq!(s.top_order(id, TopSort::Name, true).unwrap().rows, by_name);
    by_name.reverse();
    assert_eq!(s.top_order(id, TopSort::Name, false).unwrap().rows, by_name);
}

/// Times the page's path on a generated profile (not a test: run with
/// `cargo test --release --lib session_timing -- --ignored --nocapture`
/// after `scripts/bench.sh` made bench-data/medium.pb.gz).
#[test]
#[ignore]
fn session_timing() {
    let size = std::env::var("BENCH_SIZE").unwrap_or_else(|_| "medium".into());
    let Ok(bytes) = std::fs::read(format!("{}/bench-data/{size}.pb.gz", env!("CARGO_MANIFEST_DIR"))) else { return };
    let t = std::time::Instant::now();
    let mut s = Session::new();
    let id = s.load("medium", &bytes, &mut |_, _| {}).unwrap().id;
    let t1 = t.elapsed();
    s.view(id, &ViewRequest::default()).unwrap();
    let t2 = t.elapsed();
    let top = s.top(id, TopSort::Flat, true).unwrap();
    let t3 = t.elapsed();
    eprintln!("load {t1:?} view {:?} top {:?} ({} rows)", t2 - t1, t3 - t2, top.name.len());
    let t = std::time::Instant::now();
    s.top_order(id, TopSort::Cum, true).unwrap();
    eprintln!("top order by cum {:?}", t.elapsed());
}

#[test]
fn a_functions_source_lines_are_pprof_lists() {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/go-leaky/heap.6.pb.gz")).unwrap();
    let mut s = Session::new();
    let id = s.load("heap.6.pb.gz", &bytes, &mut |_, _| {}).unwrap().id;
    s.view(id, &ViewRequest::default()).unwrap();
    let node = s.node_names(id).unwrap().iter().position(|n| n == "main.(*Cache).Put").unwrap() as u32;
    let r = s.source(id, node).unwrap();
    // go tool pprof -list='main.\(\*Cache\).Put' (the corpus's list.main.heap.txt).
    assert_eq!(r.len(), 1);
    assert_eq!(
        (r[0].file.as_str(), r[0].flat.as_str(), r[0].cum.as_str()),
        ("example.com/leaky/main.go", "720kB", "720kB")
    );
    assert_eq!((r[0].start, r[0].end), (26, 36));
    assert_eq!(r[0].lines.iter().map(|l| (l.line, l.flat.as_str())).collect::<Vec<_>>(), [(31, "720kB")]);
    // A refinement applies to the listing as to every view.
    s.view(
        id,
        &ViewRequest {
            filters: Filters { focus: "nothing-matches-this".into(), ..Default::default() },
            ..Default::default()
        },
    )
    .unwrap();
    assert!(s.source(id, 0).is_err() || s.source(id, 0).unwrap().is_empty());
}

#[test]
fn a_series_suspect_opens_on_its_growing_line() {
    let mut s = Session::new();
    let ids: Vec<u32> = (1..=6)
        .map(|i| {
            let path = format!("{}/tests/data/go-leaky/heap.{i}.pb.gz", env!("CARGO_MANIFEST_DIR"));
            s.load(&format!("heap.{i}.pb.gz"), &std::fs::read(path).unwrap(), &mut |_, _| {}).unwrap().id
        })
        .collect();
    let r = s.source_series(&ids, "main.readDetails", None).unwrap();
    assert_eq!(r.len(), 1);
    let g = r[0].lines.iter().find(|l| l.line == r[0].growing).unwrap();
    assert_eq!(r[0].growing, 52, "the 64 kB buffer");
    assert_eq!(g.values.len(), 6);
    assert_eq!(g.values[5], "149.94MB", "heap.6's -list value");
    assert!(g.growth.starts_with('+'));
    assert!(s.source_series(&ids, "no.such", None).is_err());
}

#[test]
fn inlined_call_sites_are_marked_on_their_line() {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/listing/listing.cpu.pb.gz")).unwrap();
    let mut s = Session::new();
    let id = s.load("listing", &bytes, &mut |_, _| {}).unwrap().id;
    s.view(id, &ViewRequest::default()).unwrap();
    let node = s.node_names(id).unwrap().iter().position(|n| n == "main.work").unwrap() as u32;
    let r = s.source(id, node).unwrap();
    let at = |line: i64| r[0].lines.iter().find(|l| l.line == line).map(|l| l.inlined.clone()).unwrap_or_default();
    assert_eq!(at(8), ["example.com/app/util.Sum"]);
    assert_eq!(at(10), ["main.helper"]);
    assert!(at(7).is_empty());
}

/// Memory of the page's path, natively (not a test; `--ignored
/// --nocapture`, BENCH_SIZE=large): the peak resident size after each step.
#[test]
#[ignore]
fn session_memory() {
    let size = std::env::var("BENCH_SIZE").unwrap_or_else(|_| "medium".into());
    let Ok(bytes) = std::fs::read(format!("{}/bench-data/{size}.pb.gz", env!("CARGO_MANIFEST_DIR"))) else { return };
    let hwm = || {
        let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let kb = |k: &str| {
            s.lines().find(|l| l.starts_with(k)).and_then(|l| l.split_whitespace().nth(1)).unwrap_or("0").to_string()
        };
        format!(
            "peak {} MB, now {} MB",
            kb("VmHWM:").parse::<u64>().unwrap_or(0) / 1024,
            kb("VmRSS:").parse::<u64>().unwrap_or(0) / 1024
        )
    };
    let raw = crate::import::gunzip_bytes(&bytes, 1 << 31).unwrap();
    drop(bytes);
    eprintln!("inflated: {}", hwm());
    let mut d = crate::import::StreamDecoder::new(Default::default());
    for c in raw.chunks(65536) {
        d.feed(c).unwrap();
    }
    drop(raw);
    let mut s = Session::new();
    let id = s.load_streamed("x", d).unwrap().id;
    eprintln!("decoded, model: {}", hwm());
    s.view(id, &ViewRequest::default()).unwrap();
    eprintln!("view: {}", hwm());
    s.top(id, TopSort::Flat, true).unwrap();
    s.inline_labels(id).unwrap();
    eprintln!("table: {}", hwm());
}

/// Splits the decode stage's time (not a test; `--ignored --nocapture`).
#[test]
#[ignore]
fn decode_timing() {
    let size = std::env::var("BENCH_SIZE").unwrap_or_else(|_| "medium".into());
    let Ok(bytes) = std::fs::read(format!("{}/bench-data/{size}.pb.gz", env!("CARGO_MANIFEST_DIR"))) else { return };
    let t = std::time::Instant::now();
    let raw = crate::import::gunzip_bytes(&bytes, 1 << 31).unwrap();
    let t1 = t.elapsed();
    let _ = crate::import::decode(&raw, &Default::default()).unwrap();
    let t2 = t.elapsed();
    eprintln!("inflate {t1:?} parse {:?} ({} MB)", t2 - t1, raw.len() / 1_000_000);
    let t = std::time::Instant::now();
    let _ = <crate::proto::ProfileHeader as prost::Message>::decode(&raw[..]).unwrap();
    let h = t.elapsed();
    let _ = crate::import::decode_samples(&raw, &Default::default()).unwrap();
    eprintln!("header alone {h:?} samples alone {:?}", t.elapsed() - h);
}

/// Splits the aggregate stage's time (not a test; `--ignored --nocapture`).
#[test]
#[ignore]
fn aggregate_timing() {
    let Ok(bytes) = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/bench-data/medium.pb.gz")) else { return };
    let p = crate::load(&bytes, &Default::default(), &Default::default()).unwrap();
    let q = crate::Query::default();
    let t = std::time::Instant::now();
    let vi = p.sample_index(&q.sample_index).unwrap();
    let _ = crate::aggregate::compute_total(&p, vi);
    let t1 = t.elapsed();
    let view = crate::aggregate::filter::apply(&p, &q).unwrap();
    let t2 = t.elapsed();
    let nodes = crate::aggregate::graph::nodes(&p, &view, q.granularity, q.noinlines, &q.paths);
    let t3 = t.elapsed();
    let st = crate::aggregate::graph::stacks(&p, &view, &nodes);
    let t4 = t.elapsed();
    eprintln!(
        "total {t1:?} filter {:?} nodes {:?} stacks {:?} ({} entries)",
        t2 - t1,
        t3 - t2,
        t4 - t3,
        st.nodes.len()
    );
}

#[test]
fn the_call_graph_is_pprof_lens_dot_with_facts_per_node_and_edge() {
    let mut s = Session::new();
    let id = open(&mut s, "a.pb.gz", "main;f;g 300\nmain;f 100\nmain;h 600\nmain;f;h 5");
    s.view(id, &ViewRequest::default()).unwrap();
    let g = s.graph(id, 0).unwrap();
    // The same text as the CLI's dot for the same profile and defaults.
    let p = crate::load(
        &folded_profile("main;f;g 300\nmain;f 100\nmain;h 600\nmain;f;h 5", &[("alloc_space", "bytes")]),
        &Default::default(),
        &Default::default(),
    )
    .unwrap();
    let pr = crate::aggregate::Prepared::new(vec![p], vec![], crate::Query::default()).unwrap();
    assert_eq!(g.dot, crate::report::dot::dot_text(&pr));
    let names: Vec<&str> = g.nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names.len(), 4, "{names:?}");
    let h = g.nodes.iter().position(|n| n.name == "h").unwrap();
    assert_eq!((g.nodes[h].flat.as_str(), g.nodes[h].cum_pct.as_str()), ("605B", "60.20%"));
    assert!(g.dot.contains(&format!("N{} [label=\"h\\n605B (60.20%)\"", h + 1)), "{}", g.dot);
    let e = g.edges.iter().find(|e| e.caller == "main" && e.callee == "h").unwrap();
    assert_eq!((e.weight.as_str(), e.src.is_some(), e.residual), ("600B", true, false));
    // A node count of 2 keeps two nodes; the edge between kept nodes that
    // went through a dropped one is residual.
    let two = s.graph(id, 2).unwrap();
    assert!(two.nodes.len() <= 2 && two.of == 4, "{:?}", two.nodes);
    // A comparison's nodes carry base → new and the new/gone marks.
    let b = open(&mut s, "b.pb.gz", "main;f;g 300\nmain;gone 100");
    let n = open(&mut s, "n.pb.gz", "main;f;g 500\nmain;fresh 50");
    let c = s.compare(&[b], &[n], "b → n").unwrap().id;
    s.view(c, &ViewRequest::default()).unwrap();
    let cg = s.graph(c, 0).unwrap();
    let node = |name: &str| cg.nodes.iter().find(|x| x.name == name).unwrap();
    assert_eq!(
        (node("g").base_cum.as_str(), node("g").new_cum.as_str(), node("g").mark.as_str()),
        ("300B", "500B", "")
    );
    assert_eq!((node("gone").mark.as_str(), node("fresh").mark.as_str()), ("gone", "new"));
    assert!(cg.dot.contains("tooltip=\"gone (-100B)\" color=\"#3cb200\""), "shrinkage is green: {}", cg.dot);
    assert!(s.graph(99, 0).is_err());
}

#[test]
fn a_series_skips_profiles_of_another_kind_and_says_so() {
    let mut s = Session::new();
    let a = snapshot(&mut s, "heap.1.pb.gz", "main;main.leak 1000", 0);
    let cpu = open(&mut s, "cpu.pb.gz", "main;main.work 5");
    let b = snapshot(&mut s, "heap.2.pb.gz", "main;main.leak 3000", 60);
    let f = s.series(&[a, cpu, b], None, 10, false, &Default::default()).unwrap();
    assert_eq!(f.files, ["heap.1.pb.gz", "heap.2.pb.gz"]);
    assert_eq!(f.order, [0, 2], "the order maps back to the ids given");
    assert!(f.notes.iter().any(|n| n.starts_with("skipped cpu.pb.gz: another kind of profile")), "{:?}", f.notes);
    assert_eq!((f.offsets[1].as_str(), f.span.as_str()), ("+1 h", "1 h"));
}

#[test]
fn a_heap_series_opened_with_goroutine_profiles_reads_them_together() {
    let mut s = Session::new();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/services/sessions");
    let mut ids = Vec::new();
    for kind in ["heap", "goroutine"] {
        for i in 1..=5 {
            let name = format!("{kind}.{i}.pb.gz");
            ids.push(s.load(&name, &std::fs::read(format!("{dir}/{name}")).unwrap(), &mut |_, _| {}).unwrap().id);
        }
    }
    let f = s.series(&ids, None, 10, false, &Default::default()).unwrap();
    assert!(f.sample_type.starts_with("inuse"), "the heap series is shown: {}", f.sample_type);
    assert!(f.notes.iter().any(|n| n.starts_with("read with the 5 goroutine snapshots")), "{:?}", f.notes);
    let has = |name: &str, id: &str| f.findings.iter().any(|x| x.name == name && x.pattern.id() == id && x.certain);
    assert!(has("main.notify.func1", "goroutine-leak"), "{:?}", f.findings);
    assert!(has("main.deliver", "goroutine-memory"), "{:?}", f.findings);
    assert!(has("main.handleUpload", "growing-map"), "{:?}", f.findings);
}

/// A comparison's noise verdicts, per node of its view: the slower pricing
/// step of the real CPU runs grew, noise is `~`, and three runs a side use
/// the replicates' model; a profile that is not a comparison is refused.
#[test]
fn noise_verdicts_of_a_comparison_follow_diff() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cpu-runs/");
    let mut s = Session::new();
    let mut open_run = |name: &str| {
        let bytes = std::fs::read(format!("{dir}{name}.pb.gz")).unwrap();
        s.open(name, crate::load(&bytes, &Default::default(), &Default::default()).unwrap()).id
    };
    let base: Vec<u32> = ["base1", "base2", "base3"].map(&mut open_run).to_vec();
    let slow: Vec<u32> = ["slow1", "slow2", "slow3"].map(&mut open_run).to_vec();
    let c = s.compare(&base[..1], &slow[..1], "1 vs 1").unwrap().id;
    s.view(c, &ViewRequest::default()).unwrap();
    let n = s.noise(c).unwrap();
    assert!(n.tested && n.model.starts_with("counted samples"), "{}", n.model);
    let t = s.top(c, TopSort::Flat, true).unwrap();
    let at = |name: &str| t.node[t.name.iter().position(|x| x == name).unwrap()] as usize;
    assert_eq!(n.cum[at("main.priceItems")], "grew");
    assert!(n.interval[at("main.priceItems")].starts_with("[+"));
    assert_eq!(n.cum.iter().filter(|v| *v == "grew").count(), 1, "only the pricing step grew");
    let c3 = s.compare(&base, &slow, "3 vs 3").unwrap().id;
    s.view(c3, &ViewRequest::default()).unwrap();
    let n = s.noise(c3).unwrap();
    assert!(n.model.starts_with("3 vs 3 profiles"), "{}", n.model);
    let t = s.top(c3, TopSort::Flat, true).unwrap();
    let k = t.node[t.name.iter().position(|x| x == "main.priceItems").unwrap()] as usize;
    assert_eq!(n.cum[k], "grew");
    assert!(s.noise(base[0]).unwrap_err().message.contains("not a comparison"));
}

/// The page's series: a debug=2 dump opened beside goroutine profiles names
/// who created the leaking goroutines, and is not a snapshot.
#[test]
fn a_debug2_dump_beside_goroutine_profiles_names_their_creator() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/services/gateway/");
    let mut s = Session::new();
    let mut ids = Vec::new();
    for name in ["goroutine.1.pb.gz", "goroutine.2.pb.gz", "goroutine.3.pb.gz", "goroutine.debug2.txt"] {
        let bytes = std::fs::read(format!("{dir}{name}")).unwrap();
        ids.push(s.open(name, crate::load(&bytes, &Default::default(), &Default::default()).unwrap()).id);
    }
    let f = s.series(&ids, None, 10, false, &Default::default()).unwrap();
    assert_eq!(f.files.len(), 3, "{:?}", f.files);
    assert!(f.notes.iter().any(|n| n.starts_with("goroutine.debug2.txt: read for who created each goroutine")));
    let watch = f.findings.iter().find(|x| x.name == "main.watchHealth").expect("the leak's finding");
    assert!(
        watch.sentence.contains("created by main.main.func1 example.com/gateway/main.go:164"),
        "{}",
        watch.sentence
    );
}
