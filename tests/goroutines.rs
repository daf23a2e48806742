//! Text goroutine dumps: grouping, states and waits, the blocking function,
//! malformed lines, and the dump read as a goroutine profile.

use pprof_lens::import::goroutines::parse;
use pprof_lens::{report, ModelOptions, Prepared, Query};
use std::path::Path;

fn text(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/go-leaky").join(name)).unwrap()
}

#[test]
fn debug2_groups_the_blocked_goroutines_into_one() {
    let d = parse(&text("goroutine.end.debug2.txt")).unwrap();
    assert_eq!((d.debug, d.total, d.groups.len()), (2, 121, 2));
    let g = &d.groups[0];
    assert_eq!((g.count, g.state.as_str(), g.blocked_on.as_str()), (120, "chan receive", "chan receive"));
    assert_eq!(g.frames[0].func, "main.startTask.func1");
    assert_eq!((g.frames[0].file.as_str(), g.frames[0].line), ("example.com/leaky/main.go", 65));
    assert_eq!(g.created_by, "main.startTask example.com/leaky/main.go:62");
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
}

#[test]
fn debug1_groups_and_counts() {
    let d = parse(&text("goroutine.end.debug1.txt")).unwrap();
    assert_eq!((d.debug, d.total, d.groups.len()), (1, 121, 2));
    assert_eq!(d.groups[0].count, 120);
    assert_eq!(d.groups[0].frames[0].func, "main.startTask.func1");
}

#[test]
fn waits_states_and_blocking_functions() {
    let dump = "goroutine 7 [select, 12 minutes]:\nmain.worker(0xc000010000)\n\t/src/main.go:40 +0x1d\n\n\
                goroutine 8 [select, 30 minutes]:\nmain.worker(0xc000010010)\n\t/src/main.go:40 +0x1d\n\n\
                goroutine 9 [IO wait]:\ninternal/poll.runtime_pollWait(0x1, 0x72)\n\t/go/netpoll.go:305 +0x89\nnet.(*conn).Read(0x1)\n\t/go/net.go:183 +0x45\n\n\
                goroutine 10 [semacquire, 2 minutes, locked to thread]:\nsync.runtime_SemacquireMutex(0x1)\n\t/go/sema.go:77 +0x25\nsync.(*Mutex).Lock(...)\n\t/go/mutex.go:83\n";
    let d = parse(dump).unwrap();
    assert_eq!(d.total, 4);
    let sel = d.groups.iter().find(|g| g.state == "select").unwrap();
    assert_eq!((sel.count, sel.max_wait_minutes), (2, 30), "same stack and state: one group, longest wait");
    assert_eq!(d.groups.iter().find(|g| g.state == "IO wait").unwrap().frames[1].func, "net.(*conn).Read");
    assert_eq!(d.groups.iter().find(|g| g.state == "semacquire").unwrap().max_wait_minutes, 2);
    // `pprof-lens goroutines` reads the groups from the imported profile, as the page does.
    let p = pprof_lens::load(dump.as_bytes(), &Default::default(), &ModelOptions::default()).unwrap();
    let out = report::goroutines::groups_text(&p);
    assert!(out.starts_with("Goroutines: 4 in 3 groups (debug=2 goroutine dump)"), "{out}");
    assert!(out.contains("       2  select, longest 30 minutes  in main.worker"), "{out}");
    assert!(out.contains("          main.worker  /src/main.go:40"), "{out}");
}

#[test]
fn malformed_lines_are_reported_and_the_rest_loads() {
    let dump = "goroutine 1 [running]:\nmain.main()\n\t/src/main.go:10 +0x1\n\ngarbage here\n\ngoroutine 2 [chan receive]:\nmain.f()\n\t/src/main.go:20 +0x1\n";
    let d = parse(dump).unwrap();
    assert_eq!(d.total, 2);
    assert_eq!(d.warnings.len(), 1);
    assert!(d.warnings[0].starts_with("line 5: text outside a goroutine: garbage here"), "{:?}", d.warnings);
    // Loaded as a profile, the warning becomes a comment in the header.
    let p = pprof_lens::load(dump.as_bytes(), &Default::default(), &ModelOptions::default()).unwrap();
    assert!(p.comments.iter().any(|c| c.contains("line 5")));
}

#[test]
fn a_dump_reads_as_a_goroutine_profile() {
    let data = text("goroutine.end.debug2.txt");
    let p = pprof_lens::load(data.as_bytes(), &Default::default(), &ModelOptions::default()).unwrap();
    let pr = Prepared::new(vec![p], vec![], Query::default()).unwrap();
    let out = report::top_text(&pr);
    assert!(out.contains("Type: goroutine"));
    assert!(out.contains("       120 99.17% 99.17%        120 99.17%  main.startTask.func1"), "{out}");
    // The labels carry state, blocking function and creator.
    let traces = report::traces_text(&pr);
    assert!(traces.contains("state:  chan receive"), "{traces}");
    assert!(traces.contains("created by:  main.startTask"), "{traces}");
}

#[test]
fn the_cli_groups_dumps_and_goroutine_profiles_alike_and_refuses_others() {
    let path =
        |f: &str| Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/go-leaky").join(f).display().to_string();
    let run = |f: &str| pprof_lens::cli::run(&["goroutines".to_string(), path(f)]);
    let (dump, ..) = run("goroutine.end.debug2.txt").unwrap();
    assert!(dump.starts_with("Goroutines: 121 in 2 groups (debug=2 goroutine dump)"), "{dump}");
    assert!(dump.contains("     120  chan receive  in main.startTask.func1"), "{dump}");
    let (profile, ..) = run("goroutine.end.pb.gz").unwrap();
    assert!(profile.starts_with("Goroutines: 121 in "), "{profile}");
    assert!(profile.contains("(goroutine profile)"), "{profile}");
    let e = run("heap.6.pb.gz").unwrap_err();
    assert!(e.message.contains("not a goroutine dump or goroutine profile"), "{}", e.message);
}

#[test]
fn debug1_labels_become_a_column_and_twins_say_so() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/go-leaky");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_pprof-lens"))
        .args(["goroutines", "labels.debug1.txt"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("labels: handler=/api/users, tenant=a (the same stack as 1 other group, told apart by labels)"),
        "{text}"
    );
    assert!(text.contains("labels: handler=/api/report"), "{text}");
    // A label can be focused on, as in any profile (-tagfocus).
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_pprof-lens"))
        .args(["top", "-tagfocus=handler=/api/report", "labels.debug1.txt"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let top = String::from_utf8(o.stdout).unwrap();
    assert!(top.contains("Showing nodes accounting for 2, 28.57% of 7 total"), "{top}");
}
