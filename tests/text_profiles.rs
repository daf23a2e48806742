//! Go's `?debug=1` text profiles (heap, allocs, mutex, block, threadcreate)
//! read as pprof reads them: every sample's values and `bytes` label, the
//! sample types and the totals identical to `go tool pprof`'s
//! (tests/data/text/expected-text/). The names differ by design: pprof
//! prints `<unknown>` without the binary, pprof-lens the text's own names.

use std::path::Path;
use std::process::Command;

/// What must match: the Type line, the total, and each sample's label
/// lines with its value (a multiset: ties may be ordered by name).
fn facts(text: &str) -> (String, String, Vec<String>) {
    let ty = text.lines().find(|l| l.starts_with("Type: ")).unwrap_or("").to_string();
    let total = text
        .lines()
        .find_map(|l| l.strip_prefix("Showing nodes accounting for ").and_then(|r| r.split(" of ").nth(1)))
        .unwrap_or("")
        .to_string();
    let mut samples = Vec::new();
    for block in text.split("-----------+-------------------------------------------------------").skip(1) {
        let mut key = Vec::new();
        for l in block.lines().filter(|l| !l.trim().is_empty()) {
            let t = l.trim_start();
            if t.contains(':') && !t.starts_with(|c: char| c.is_ascii_digit()) {
                key.push(t.to_string()); // a label line: "bytes:  64kB"
            } else if l.starts_with(|c: char| c == ' ' || c.is_ascii_digit()) && t.split_whitespace().count() >= 2 {
                // The first frame line carries the sample's value.
                key.push(t.split_whitespace().next().unwrap_or("").to_string());
                break;
            }
        }
        if !key.is_empty() {
            samples.push(key.join(" | "));
        }
    }
    samples.sort();
    (ty, total, samples)
}

#[test]
fn values_types_and_totals_are_pprofs() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/text");
    let manifest = std::fs::read_to_string(dir.join("expected-text/MANIFEST.tsv")).unwrap();
    let mut n = 0;
    for line in manifest.lines().filter(|l| !l.is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (out, flags, input) = (cols[0], cols[1], cols[2]);
        let mut argv: Vec<String> = flags.split_whitespace().map(|f| f.to_string()).collect();
        argv[0] = argv[0].trim_start_matches('-').to_string();
        argv.push(input.to_string());
        let got = Command::new(env!("CARGO_BIN_EXE_pprof-lens")).args(&argv).current_dir(&dir).output().unwrap();
        assert!(got.status.success(), "{out}: {}", String::from_utf8_lossy(&got.stderr));
        let got = facts(&String::from_utf8_lossy(&got.stdout));
        let want = facts(&std::fs::read_to_string(dir.join("expected-text").join(out)).unwrap());
        assert!(!want.1.is_empty() || !want.2.is_empty(), "{out}: the oracle has a total or samples");
        assert_eq!(got.0, want.0, "{out}: sample type");
        assert_eq!(got.1, want.1, "{out}: total");
        assert_eq!(got.2, want.2, "{out}: samples (labels and values)");
        n += 1;
    }
    assert!(n >= 30, "{n} cases");
}

#[test]
fn frames_are_named_from_the_text() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/text");
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_pprof-lens")).args(args).current_dir(&dir).output().unwrap();
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let top = run(&["top", "leaky.heap.debug1.txt"]);
    assert!(top.contains("main.readDetails") && top.contains("main.startTask.func1"), "{top}");
    let lines = run(&["top", "-lines", "-nodecount=3", "leaky.heap.debug1.txt"]);
    assert!(lines.contains("main.readDetails example.com/leaky/main.go:52"), "{lines}");
    let mutex = run(&["top", "mutex.debug1.txt"]);
    assert!(mutex.contains("sync.(*Mutex).Unlock") && mutex.contains("main.contend"), "{mutex}");
    // pprof refuses a threadcreate stack of no address; it is read here.
    let threads = run(&["top", "threadcreate.debug1.txt"]);
    assert!(threads.contains("of 5 total") && threads.contains("main.threads"), "{threads}");
}

/// A frame that shares its address with the next one (its caller) was
/// inlined into it: one location of two lines, marked `(inline)` in `top`
/// as pprof marks the same frames of a protobuf profile; a caller called
/// normally keeps no mark.
#[test]
fn frames_sharing_an_address_are_inlined() {
    let text = "heap profile: 2: 2048 [2: 2048] @ heap/1\n\
        1: 1024 [1: 1024] @ 0x401001 0x402001\n\
        #\t0x401000\tmain.inner+0x10\t/src/main.go:10\n\
        #\t0x401000\tmain.outer+0x20\t/src/main.go:20\n\
        #\t0x402000\tmain.main+0x30\t/src/main.go:30\n\n\
        1: 1024 [1: 1024] @ 0x403001 0x402001\n\
        #\t0x403000\tmain.outer+0x40\t/src/main.go:22\n\
        #\t0x402000\tmain.main+0x30\t/src/main.go:30\n";
    let p = pprof_lens::load(text.as_bytes(), &Default::default(), &Default::default()).unwrap();
    let mut q = pprof_lens::Query::default();
    q.nodefraction = 0.0;
    let top = pprof_lens::report::top_text(&pprof_lens::Prepared::new(vec![p], vec![], q).unwrap());
    assert!(top.contains("main.inner (inline)\n"), "{top}");
    assert!(top.contains("  main.outer\n") && top.contains("  main.main\n"), "{top}");
}
