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

/// A CPU-like profile of `n` samples drawn from `weights` (function `fK`
/// under `main`), with a xorshift generator seeded by `seed`.
fn drawn(weights: &[f64], n: usize, seed: u64) -> pprof_lens::Profile {
    pprof_lens::load(&drawn_bytes(weights, n, seed), &Default::default(), &Default::default()).unwrap()
}

/// The encoded profile [`drawn`] reads.
fn drawn_bytes(weights: &[f64], n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let total: f64 = weights.iter().sum();
    let mut counts = vec![0u64; weights.len()];
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let mut u = (x >> 11) as f64 / (1u64 << 53) as f64 * total;
        let k = weights.iter().position(|&w| {
            u -= w;
            u < 0.0
        });
        counts[k.unwrap_or(weights.len() - 1)] += 1;
    }
    let text: String =
        counts.iter().enumerate().filter(|(_, &c)| c > 0).map(|(k, c)| format!("main;f{k} {c}\n")).collect();
    pprof_lens::synth::folded_profile(&text, &[("samples", "count")])
}

/// Sampling noise against a real change, over many seeds (1 vs 1): two
/// profiles of one distribution rarely show a significant change (the false
/// positive rate stays near the 5% level the false discovery rate is held
/// at), and a function made 30% costlier while holding a quarter of 2,000
/// samples is found in most seeds. The rates are printed.
#[test]
fn noise_rarely_passes_for_a_change_and_a_real_change_is_found() {
    let weights: Vec<f64> = (0..12).map(|k| if k == 0 { 25.0 } else { 75.0 / 11.0 }).collect();
    let mut slower = weights.clone();
    slower[0] *= 1.3;
    let seeds = 200;
    let (mut false_alarms, mut found) = (0, 0);
    for seed in 0..seeds {
        let base = drawn(&weights, 2000, 2 * seed + 1);
        let same = drawn(&weights, 2000, 2 * seed + 2);
        let d = diff(base.clone(), same, &Query::default()).unwrap();
        assert!(!d.model.is_empty(), "{}", d.no_model);
        if d.rows.iter().any(|r| r.cum_test.is_some_and(|t| t.significant)) {
            false_alarms += 1;
        }
        let n = (2000.0 * slower.iter().sum::<f64>() / weights.iter().sum::<f64>()) as usize;
        let d = diff(base, drawn(&slower, n, 1000 + seed), &Query::default()).unwrap();
        let f0 = d.rows.iter().find(|r| r.name == "f0").unwrap();
        if f0.cum_test.is_some_and(|t| t.significant && t.delta > 0.0) {
            found += 1;
        }
    }
    let (fp, power) = (false_alarms as f64 / seeds as f64, found as f64 / seeds as f64);
    println!(
        "1 vs 1, 2,000 samples, 12 functions: false alarms {:.1}% of seeds, the 30% change found in {:.1}%",
        fp * 100.0,
        power * 100.0
    );
    assert!(fp <= 0.08, "false alarms in {:.1}% of seeds", fp * 100.0);
    assert!(power >= 0.7, "found in {:.1}% of seeds", power * 100.0);
}

/// The CI gate on sampling noise: two draws of one distribution pass
/// `--fail-above=1` although their raw differences trip it (`--raw`), and
/// a 30% costlier function fails it, named.
#[test]
fn the_gate_ignores_noise_and_catches_a_regression() {
    let weights: Vec<f64> = (0..12).map(|k| if k == 0 { 25.0 } else { 75.0 / 11.0 }).collect();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gate");
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_string_lossy().into_owned()
    };
    let load = |b: &[u8]| pprof_lens::load(b, &Default::default(), &Default::default()).unwrap();
    // A pair of pure noise whose raw differences pass 1% of the base somewhere.
    let (base, same) = (1..50)
        .map(|s| (drawn_bytes(&weights, 2000, 7000 + 2 * s), drawn_bytes(&weights, 2000, 7001 + 2 * s)))
        .find(|(a, b)| !regressions(&diff(load(a), load(b), &Query::default()).unwrap(), 1.0).is_empty())
        .expect("some noise pair trips the raw gate");
    let (b, n) = (write("base.pb", &base), write("same.pb", &same));
    let out = run_in(&dir, &["diff", "--fail-above=1", &b, &n]);
    assert_eq!(out.status.code(), Some(0), "noise passes: {}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Noise: one profile per side"));
    let out = run_in(&dir, &["diff", "--fail-above=1", "--raw", &b, &n]);
    assert_eq!(out.status.code(), Some(3), "raw differences trip it");
    let mut slower = weights.clone();
    slower[0] *= 1.3;
    let s = write("slower.pb", &drawn_bytes(&slower, 2150, 4242));
    let out = run_in(&dir, &["diff", "--fail-above=1", &b, &s]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(text.contains("Gate: FAILED, 1 functions grew significantly") && text.contains("  f0 +"), "{text}");
    let json = String::from_utf8_lossy(&run_in(&dir, &["diff", "--format=json", &b, &s]).stdout).into_owned();
    assert!(
        json.contains("\"name\":\"f0\"") && json.contains("\"significant\":true") && json.contains("\"p_value\":"),
        "{json}"
    );
}

fn run_in(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_pprof-lens")).args(args).current_dir(dir).output().unwrap()
}
