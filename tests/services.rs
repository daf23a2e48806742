//! The findings judged on a suite of realistic services written for it
//! (`tests/data/services/*/`, made by `scripts/make-services.sh`): each mixes
//! real leaks with churn and with look-alikes that are not leaks. Each
//! service's `TRUTH.tsv` names every leaking function with its pattern and
//! every look-alike and churn function as not a leak (`-`); `ALSO.tsv` names
//! the other functions a finding of that leak may rightly name (the one that
//! starts a leaking goroutine, the one that keeps a pinned substring).
//!
//! The score reads `pprof-lens series --format=json` on the heap snapshots
//! and, separately, on the goroutine snapshots, from the profiles alone. A
//! leak is found when a finding names its function with its pattern (for a
//! goroutine leak, `goroutine-memory` on its function counts too). A finding
//! is wrong when it gives a listed function another pattern (churn on a leak
//! included) or any leak pattern to a look-alike; an uncertain finding on a
//! function the truth does not list is ignored, a certain one is wrong
//! unless `ALSO.tsv` lists it. Runtime functions never get a finding.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const SERVICES: &[&str] = &["sessions", "feeds", "ingest", "jobs", "gateway", "billing"];

fn dir(s: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/services").join(s)
}

fn tsv(path: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.split_once('\t').expect("NAME<TAB>PATTERN"))
        .map(|(a, b)| (a.into(), b.into()))
        .collect()
}

/// `pprof-lens series --format=json` of the service's `kinds` snapshots.
fn series_json(service: &str, kinds: &[&str], flags: &[String]) -> String {
    let files: Vec<String> = kinds.iter().flat_map(|k| (1..=5).map(move |i| format!("{k}.{i}.pb.gz"))).collect();
    let o = Command::new(env!("CARGO_BIN_EXE_pprof-lens"))
        .args(["series", "--format=json"])
        .args(flags)
        .args(&files)
        .current_dir(dir(service))
        .output()
        .unwrap();
    assert!(o.status.success(), "{service}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// (name, pattern, certain) of every finding of a series of `kinds`
/// snapshots ("heap", "goroutine", or both: read together).
fn findings(service: &str, kinds: &[&str]) -> Vec<(String, String, bool)> {
    findings_with(service, kinds, &[])
}

/// As [`findings`], with more flags (`-source_path=…`).
fn findings_with(service: &str, kinds: &[&str], flags: &[String]) -> Vec<(String, String, bool)> {
    let json = series_json(service, kinds, flags);
    let body = &json[json.find("\"findings\":[").expect("findings")..];

    // The top-level list only (a joined series nests each series after it).
    let body = &body[..body.find("],\"heap\":").unwrap_or(body.len())];
    body.split("{\"name\":")
        .skip(1)
        .map(|part| {
            let name = part.split('"').nth(1).unwrap().to_string();
            let pattern = part.split("\"pattern\":\"").nth(1).unwrap().split('"').next().unwrap().to_string();
            let certain = part.split("\"certain\":").nth(1).unwrap().starts_with("true");
            (name, pattern, certain)
        })
        .collect()
}

/// Found and missed leaks per pattern, and every wrong finding.
#[derive(Default)]
struct Score {
    per_pattern: BTreeMap<String, (usize, usize)>,
    missed: Vec<String>,
    wrong: Vec<String>,
}

/// The source of a service laid out where its profiles say it is (they
/// record `main.go`: built with -trimpath at the module's root), for
/// -source_path.
fn source_root(service: &str) -> String {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("services-src").join(service);
    std::fs::create_dir_all(&root).unwrap();
    std::fs::copy(dir(service).join("main.go.txt"), root.join("main.go")).unwrap();
    root.to_string_lossy().into_owned()
}

/// The score of the heap and goroutine series read apart (`joined` false:
/// their findings together), or read together (`joined`), with the source
/// (`grounded`) or without.
fn score(joined: bool) -> Score {
    score_with(joined, false)
}

fn score_with(joined: bool, grounded: bool) -> Score {
    let mut sc = Score::default();
    for &s in SERVICES {
        let truth = tsv(&dir(s).join("TRUTH.tsv"));
        let also = tsv(&dir(s).join("ALSO.tsv"));
        let flags = if grounded { vec![format!("-source_path={}", source_root(s))] } else { vec![] };
        let all = if joined {
            findings_with(s, &["heap", "goroutine"], &flags)
        } else {
            let mut all = findings(s, &["heap"]);
            all.extend(findings(s, &["goroutine"]));
            all
        };
        for (name, pattern) in truth.iter().filter(|t| t.1 != "-") {
            let found = all.iter().any(|f| {
                f.0 == *name && (f.1 == *pattern || (pattern == "goroutine-leak" && f.1 == "goroutine-memory"))
            });
            let e = sc.per_pattern.entry(pattern.clone()).or_default();
            e.0 += found as usize;
            e.1 += 1;
            if !found {
                sc.missed.push(format!("{s}: {name} ({pattern})"));
            }
        }
        for (name, pattern, certain) in &all {
            let listed: Vec<&String> = truth.iter().filter(|t| t.0 == *name).map(|t| &t.1).collect();
            let right = |p: &String| p == pattern || (p == "goroutine-leak" && pattern == "goroutine-memory");
            let wrong = if name.starts_with("runtime.") {
                true
            } else if listed.is_empty() {
                *certain && pattern != "churn" && !also.iter().any(|a| a.0 == *name && a.1 == *pattern)
            } else if listed.iter().any(|p| *p == "-") {
                pattern != "churn"
            } else {
                !listed.iter().any(|p| right(p)) && !also.iter().any(|a| a.0 == *name && a.1 == *pattern)
            };
            if wrong {
                sc.wrong.push(format!("{s}: {name} given {pattern}{}", if *certain { "" } else { " (uncertain)" }));
            }
        }
    }
    sc
}

fn report(title: &str, sc: &Score) {
    println!("{title} ({}):", SERVICES.join(", "));
    println!("  {:<16} {:>5}", "pattern", "found");
    for (p, (found, all)) in &sc.per_pattern {
        println!("  {p:<16} {found:>2}/{all:<2}");
    }
    let (found, all) = sc.per_pattern.values().fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!("  {:<16} {found:>2}/{all:<2}  wrong findings: {}", "all", sc.wrong.len());
    for m in &sc.missed {
        println!("  missed: {m}");
    }
    for w in &sc.wrong {
        println!("  wrong: {w}");
    }
}

#[test]
fn every_leak_of_the_services_is_found_and_no_finding_is_wrong() {
    let sc = score(false);
    report("findings on the realistic services, heap and goroutine series read apart", &sc);
    assert!(sc.missed.is_empty() && sc.wrong.is_empty(), "missed {:?}, wrong {:?}", sc.missed, sc.wrong);
}

/// Heap and goroutine snapshots read together may only add to the score.
#[test]
fn reading_heap_and_goroutine_snapshots_together_loses_nothing() {
    let sc = score(true);
    report("findings on the realistic services, heap and goroutine snapshots read together", &sc);
    assert!(sc.missed.is_empty() && sc.wrong.is_empty(), "missed {:?}, wrong {:?}", sc.missed, sc.wrong);
}

/// Together, the memory a leaking goroutine holds is named as the leak's,
/// certain, instead of a second cause.
#[test]
fn the_memory_of_leaking_goroutines_points_to_their_leak() {
    let f = findings("sessions", &["heap", "goroutine"]);
    assert!(f.contains(&("main.deliver".into(), "goroutine-memory".into(), true)), "{f:?}");
    assert!(f.contains(&("main.notify".into(), "goroutine-memory".into(), true)), "{f:?}");
    assert!(f.contains(&("main.notify.func1".into(), "goroutine-leak".into(), true)), "{f:?}");
    let apart = findings("sessions", &["heap"]);
    assert!(apart.contains(&("main.deliver".into(), "goroutine-memory".into(), false)), "{apart:?}");
}

/// With the source, each heap finding quotes the line that grew most and
/// the code confirms or rejects the pattern; the score holds.
#[test]
fn grounded_in_the_source_the_findings_quote_their_lines_and_the_score_holds() {
    let sc = score_with(true, true);
    report("findings on the realistic services, read together, grounded in the source", &sc);
    assert!(sc.missed.is_empty() && sc.wrong.is_empty(), "missed {:?}, wrong {:?}", sc.missed, sc.wrong);
    let json = series_json("jobs", &["heap"], &[format!("-source_path={}", source_root("jobs"))]);
    assert!(json.contains("main.go:41: defer release(l)"), "{json}");
    assert!(json.contains("the code confirms it: the defer is inside a for loop"), "{json}");
    let json = series_json("feeds", &["heap"], &[format!("-source_path={}", source_root("feeds"))]);
    assert!(json.contains("s := &subscription{url: url, ticker: time.NewTicker(time.Hour)"), "{json}");
    // Buffers pinned by a piece of them: the piece is found where it is kept,
    // in the caller or one call deeper.
    let json = series_json("ingest", &["heap"], &[format!("-source_path={}", source_root("ingest"))]);
    assert!(
        json.contains(
            "a piece of the buffer, chunk[:16], is kept (headers = append(headers, chunk[:16])), in indexChunk"
        ),
        "{json}"
    );
    assert!(json.contains("a piece of the buffer, record[:12], is kept"), "{json}");
    let json = series_json("billing", &["heap"], &[format!("-source_path={}", source_root("billing"))]);
    assert!(json.contains("a piece of the buffer, body[12:23], is kept (invoices[n] = number)"), "{json}");
}

/// A debug=2 dump beside the goroutine profiles says who created each
/// goroutine: the leak's finding names the creator and its line, and the
/// dump is read for that, not as a snapshot.
#[test]
fn a_debug2_dump_beside_the_profiles_names_who_created_the_goroutines() {
    let files: Vec<String> =
        (1..=5).map(|i| format!("goroutine.{i}.pb.gz")).chain(["goroutine.debug2.txt".into()]).collect();
    let o = Command::new(env!("CARGO_BIN_EXE_pprof-lens"))
        .args(["series", "--format=json"])
        .args(&files)
        .current_dir(dir("gateway"))
        .output()
        .unwrap();
    let json = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(json.contains("goroutine.debug2.txt: read for who created each goroutine"), "{json}");
    let watch = json.rsplit("{\"name\":\"main.watchHealth\"").next().expect("a finding on main.watchHealth");
    assert!(watch.contains("\"pattern\":\"goroutine-leak\""), "{watch}");
    let sentence = watch.split("\"sentence\":\"").nth(1).unwrap().split('"').next().unwrap();
    assert!(sentence.contains("created by main.main.func1 example.com/gateway/main.go:164"), "{sentence}");
    // The score holds with the dump.
    assert_eq!(json.matches("\"snapshots\":[").count(), 1);
}
