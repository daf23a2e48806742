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
        text.contains("goroutine leak: Goroutines in main.startTask.func1 pile up blocked on chan receive: 0 → 120"),
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
