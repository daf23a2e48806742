//! `pprof-lens top|traces` against `go tool pprof`'s own output, line for
//! line, on every case of the corpus (tests/data/*/expected/MANIFEST.tsv, the
//! shared corpus's oracles) and of the project's extra oracles
//! (expected-extra/, made by scripts/make-oracles.sh). Unlike the shared
//! conformance script, the `Time:` line is compared too (pprof printed UTC).

use std::path::{Path, PathBuf};
use std::process::Command;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn run_manifest(dir: &Path, sub: &str, failures: &mut Vec<String>) -> usize {
    let manifest = dir.join(sub).join("MANIFEST.tsv");
    let Ok(text) = std::fs::read_to_string(&manifest) else { return 0 };
    let mut n = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 3, "bad manifest line in {}: {line}", manifest.display());
        let (out, flags, inputs) = (cols[0], cols[1], cols[2]);
        let mut args: Vec<String> = flags.split_whitespace().map(String::from).collect();
        let first = args.remove(0);
        let first = first.trim_start_matches('-');
        // "-top" → "top"; "-peek=RE" → "peek RE"
        let mut argv = match first.split_once('=') {
            Some((cmd, re)) => vec![cmd.to_string(), re.to_string()],
            None => vec![first.to_string()],
        };
        argv.extend(args);
        argv.extend(inputs.split_whitespace().map(String::from));
        let got = Command::new(env!("CARGO_BIN_EXE_pprof-lens")).args(&argv).current_dir(dir).output().unwrap();
        // Bytes, not text: profiles hold strings that are not UTF-8.
        let want_bytes = std::fs::read(dir.join(sub).join(out)).unwrap();
        let want = String::from_utf8_lossy(&want_bytes);
        let got_text = String::from_utf8_lossy(&got.stdout);
        n += 1;
        if !got.status.success() || got.stdout != want_bytes {
            let diff: Vec<String> = want
                .lines()
                .zip(got_text.lines().chain(std::iter::repeat("<missing>")))
                .filter(|(a, b)| a != b)
                .take(3)
                .map(|(a, b)| format!("\n    want: {a}\n    got:  {b}"))
                .collect();
            failures.push(format!(
                "{}/{sub}/{out} (pprof-lens {}): {}{}",
                dir.file_name().unwrap().to_string_lossy(),
                argv.join(" "),
                String::from_utf8_lossy(&got.stderr).trim(),
                diff.join("")
            ));
        }
    }
    n
}

#[test]
fn identical_to_go_tool_pprof() {
    let mut failures = Vec::new();
    let mut total = 0;
    for entry in std::fs::read_dir(data()).unwrap() {
        let dir = entry.unwrap().path();
        if dir.is_dir() {
            total += run_manifest(&dir, "expected", &mut failures);
            total += run_manifest(&dir, "expected-extra", &mut failures);
        }
    }
    assert!(total >= 100, "expected the corpus's 62 cases and the extra ones, found {total}");
    assert!(failures.is_empty(), "{} of {total} cases differ:\n{}", failures.len(), failures.join("\n"));
    eprintln!("conformance: {total}/{total} identical");
}
