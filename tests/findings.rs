//! Leak findings on the corpus's leaky service (tests/data/CORPUS.md lists
//! its real leaks and its churn): each real leak gets the right finding, the
//! churn functions none but "churn", in the text and in `--format=json`.

use std::path::Path;
use std::process::Command;

fn series(args: &[&str]) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/go-leaky");
    let o = Command::new(env!("CARGO_BIN_EXE_pprof-lens")).arg("series").args(args).current_dir(dir).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// (name, pattern id) of each finding in the JSON output.
fn findings(json: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let body = &json[json.find("\"findings\":[").expect("findings")..];
    for part in body.split("{\"name\":").skip(1) {
        let name = part.split('"').nth(1).unwrap().to_string();
        let pattern = part.split("\"pattern\":\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        out.push((name, pattern));
    }
    out
}

#[test]
fn the_leaky_services_leaks_get_their_findings_and_churn_none() {
    let heaps: Vec<String> = (1..=6).map(|i| format!("heap.{i}.pb.gz")).collect();
    let mut args: Vec<&str> = vec!["--format=json"];
    args.extend(heaps.iter().map(String::as_str));
    let f = findings(&series(&args));
    let of = |name: &str| f.iter().filter(|x| x.0 == name).map(|x| x.1.as_str()).collect::<Vec<_>>();
    assert_eq!(of("main.readDetails"), ["pinned-buffers"], "{f:?}");
    assert_eq!(of("main.loadUser"), ["growing-map"], "{f:?}");
    assert_eq!(of("main.(*Cache).Put"), ["growing-map"], "{f:?}");
    assert_eq!(of("main.pollStatus"), ["tickers"], "{f:?}");
    assert_eq!(of("main.startTask.func1"), ["goroutine-memory"], "{f:?}");
    for churn in ["main.encodeOrders", "main.checksum", "main.sortRecords"] {
        assert!(of(churn).iter().all(|p| *p == "churn"), "{churn}: {f:?}");
    }
    assert_eq!(of("main.sortRecords"), ["churn"]);
    // The goroutine profiles: the blocked goroutines, and where.
    let text = series(&["goroutine.start.pb.gz", "goroutine.end.pb.gz"]);
    assert!(
        text.contains("goroutine leak: Goroutines pile up receiving from a channel (chan receive) in main.startTask.func1 (main.go:65), started in main.startTask: 0 → 120"),
        "{text}"
    );
    // The text lists them under the ranking, with their evidence.
    let mut args: Vec<&str> = Vec::new();
    args.extend(heaps.iter().map(String::as_str));
    let text = series(&args);
    let at = text.find("Findings:").expect("a Findings section");
    assert!(
        text[at..].contains("unstopped tickers or timers: main.pollStatus")
            && text[at..].contains("allocated below it: time.NewTicker"),
        "{text}"
    );
}

#[test]
fn diff_and_goroutines_speak_json_too() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/go-leaky");
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_pprof-lens")).args(args).current_dir(&dir).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let d = run(&["diff", "--format=json", "heap.1.pb.gz", "heap.6.pb.gz"]);
    assert!(
        d.starts_with("{\"sample_type\":\"inuse_space\",\"unit\":\"bytes\",\"base_total\":")
            && d.contains("\"name\":\"main.readDetails\""),
        "{d}"
    );
    let g = run(&["goroutines", "--format=json", "goroutine.end.debug2.txt"]);
    assert!(
        g.contains("\"blocked_on\":\"chan receive\"") && g.contains("\"function\":\"main.startTask.func1\""),
        "{g}"
    );
    let o = Command::new(env!("CARGO_BIN_EXE_pprof-lens"))
        .args(["top", "--format=json", "heap.1.pb.gz"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stderr).contains("--format=json is for series, diff and goroutines"));
}

/// One generated series per pattern (tests/data/patterns/program.go.txt,
/// run with Go 1.19 and MemProfileRate=1): each gets its finding, and no
/// other but churn for the profile writer's own allocations (main.snapshot
/// writes each profile: it allocates megabytes and keeps nothing, which is
/// what churn is).
#[test]
fn every_patterns_fixture_gets_its_finding_and_no_wrong_one() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/patterns");
    let cases = [
        ("growmap", "main.register", "growing-map"),
        ("goroutines", "main.worker", "goroutine-leak"),
        ("tickers", "main.poll", "tickers"),
        ("pinned", "main.readHeader", "pinned-buffers"),
        ("defer", "main.processAll", "defer-in-loop"),
        ("churn", "main.encode", "churn"),
    ];
    for (pattern, name, id) in cases {
        let files: Vec<String> = (1..=4).map(|i| format!("{pattern}.{i}.pb.gz")).collect();
        let o = Command::new(env!("CARGO_BIN_EXE_pprof-lens"))
            .args(["series", "--format=json"])
            .args(&files)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let f = findings(&String::from_utf8(o.stdout).unwrap());
        assert!(f.contains(&(name.to_string(), id.to_string())), "{pattern}: {f:?}");
        for (n, p) in &f {
            let expected = (n == name && p == id) || (n == "main.snapshot" && p == "churn");
            assert!(expected, "{pattern}: a wrong finding {p} for {n}: {f:?}");
        }
    }
}

/// The goroutine series says where the goroutines were started.
#[test]
fn a_goroutine_leak_names_where_they_start() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/patterns");
    let files: Vec<String> = (1..=4).map(|i| format!("goroutines.{i}.pb.gz")).collect();
    let o =
        Command::new(env!("CARGO_BIN_EXE_pprof-lens")).arg("series").args(&files).current_dir(&dir).output().unwrap();
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains(
            "goroutine leak: Goroutines pile up sending on a channel (chan send) in main.worker (main.go:57), started with go main.worker: 50 → 200, +50 per snapshot"
        ),
        "{text}"
    );
    assert!(text.contains("started with go main.worker (the goroutine runs main.worker)"), "{text}");
}

/// Go 1.26's goroutine leak profile, as protobuf and as debug=1 text
/// (scripts/make-goroutineleak-fixture.py): read like a goroutine profile,
/// every group flagged as leaked by the runtime's detector.
#[test]
fn the_goroutineleak_profile_is_read_and_flagged() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/patterns");
    for file in ["goroutineleak.pb.gz", "goroutineleak.debug1.txt"] {
        let run = |args: &[&str]| {
            let o = Command::new(env!("CARGO_BIN_EXE_pprof-lens")).args(args).current_dir(&dir).output().unwrap();
            assert!(o.status.success(), "{file}: {}", String::from_utf8_lossy(&o.stderr));
            String::from_utf8(o.stdout).unwrap()
        };
        let text = run(&["goroutines", file]);
        assert!(
            text.contains("Goroutines: 8 in 2 groups") && text.contains("Leaked: the runtime's leak detector"),
            "{text}"
        );
        assert!(
            text.contains("6  chan send  in app.(*Server[go.shape.int,go.shape.int]).AggregateResults.func1 (leaked)")
                && text.contains("2  select  in app.(*Watcher).loop (leaked)"),
            "{text}"
        );
        let json = run(&["goroutines", "--format=json", file]);
        assert!(json.starts_with("{\"groups\":[{\"count\":6,\"leaked\":true,"), "{json}");
        let top = run(&["top", file]);
        assert!(top.contains("Type: goroutineleak") && top.contains("accounting for 8, 100% of 8 total"), "{top}");
    }
}
