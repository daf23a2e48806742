//! The command line: flag parsing with pprof's spellings, and the commands.
//! Kept in the library so tests run it in-process; `src/bin/pprof-lens.rs`
//! only forwards `std::env::args` and prints.

use crate::aggregate::Prepared;
use crate::error::{Error, ErrorKind, Result};
use crate::query::{BaseMode, Granularity, Query};
use crate::{report, DecodeOptions, ModelOptions, Profile};
use std::time::{Duration, Instant};

/// Usage text, printed by `--help`.
pub const USAGE: &str = "\
pprof-lens: read pprof profiles (gzipped or raw protobuf) like `go tool pprof`.

USAGE:
    pprof-lens top    [FLAGS] PROFILE...   flat/cum table, as `go tool pprof -top`
    pprof-lens traces [FLAGS] PROFILE...   every sample's stack, as `go tool pprof -traces`
    pprof-lens dot    [FLAGS] PROFILE...   the call graph in DOT, as `go tool pprof -dot` (-nodecount default 80)
    pprof-lens folded [FLAGS] PROFILE...   the view's stacks as folded lines (`a;b;c 12`) for
                                           FlameGraph and inferno (refinements applied; the
                                           values of -sample_index)
    pprof-lens peek REGEX [FLAGS] PROFILE...  callers and callees of matching functions,
                                           as `go tool pprof -peek=REGEX`
    pprof-lens list REGEX [FLAGS] PROFILE...  source lines of matching functions with flat and
                                           cum per line, as `go tool pprof -list=REGEX`
                                           (-source_path=DIR[:DIR...], -trim_path=PREFIX[:...])
    pprof-lens diff [--fail-above=PCT] [--raw] [FLAGS] BASE NEW
                                           biggest changes, base → new (-nodecount=N rows,
                                           default 25; -normalize scales NEW to BASE's total),
                                           each tested against sampling noise (interval of
                                           the share, ~ when not significant). A side may be
                                           a comma-separated list of replicates (a1,a2,a3):
                                           values are per-profile means, and the runs'
                                           spread sets the noise (two a side at least for a
                                           verdict; -normalize scales NEW's sum to BASE's,
                                           shown as means of BASE's count); exits 3 when
                                           a function's cum grew significantly and the low
                                           end of its interval is above PCT points of the
                                           total (--raw: when its raw growth is above PCT%
                                           of the base total): a regression gate for CI
    pprof-lens series [FLAGS] SNAPSHOT...  leak suspects across heap or goroutine snapshots
                                           (-nodecount=N rows, default 20), with a finding per
                                           suspect: what kind of leak it looks like and why;
                                           CPU series: where a function's cost changed
                                           ('costs 33% more from snapshot 4 on');
                                           --format=json for scripts
    pprof-lens goroutines DUMP             group a goroutine dump (debug=1 or 2) or goroutine profile by stack
                                           (series, diff and goroutines: --format=json for scripts)
    pprof-lens help                        this text

A text goroutine dump given where a profile is expected is read as a goroutine
profile (one sample per group of identical stacks).

Several PROFILEs are merged (values summed), as pprof does.
Flags take pprof's spellings: -flag=value, --flag=value or -flag value.

SAMPLES
    -sample_index=NAME|N   sample type to show (default: the profile's default
                           type, else the last one); `inuse_` prefix accepted
    -diff_base=FILE        subtract FILE; percentages are of FILE's total (repeatable)
    -base=FILE             subtract FILE; percentages are of the absolute sum (repeatable)
    -normalize             scale the profiles to the base's total before subtracting

GRANULARITY (default -functions)
    -functions -filefunctions -files -lines -addresses
    -granularity=NAME      the same, by name
    -noinlines             attribute inlined frames to their callers

FILTERS (regular expressions, matched against function names and file names)
    -focus=RE              keep samples with a frame matching RE
    -ignore=RE             drop samples with a frame matching RE
    -hide=RE               remove matching frames from stacks
    -show=RE               keep only matching frames in stacks
    -show_from=RE          drop frames above the outermost match
    -tagfocus=[KEY=]RE|RANGE   keep samples with a matching label; RANGE is a
                           numeric range with units: 64kb, 1mb:, :2s, 10:20ms
    -tagignore=[KEY=]RE|RANGE  drop samples with a matching label

OUTPUT
    -nodecount=N           show at most N nodes (top: all by default)
    -nodefraction=F        hide nodes below F of the total (default 0.005)
    -edgefraction=F        hide edges below F of the total (default 0.001)
    -cum                   sort by cumulative value
    -flat                  sort by flat value (default)
    -unit=UNIT             output unit: minimum (default), auto, B, kB, MB, ns,
                           ms, s, ...

LIMITS (each protects memory from hostile files)
    --max-decompressed=BYTES   largest inflated size (default 2147483648)
    --max-samples=N            most samples per profile (default 50000000)
    --max-stack-depth=N        deepest stack, in locations (default 16777216)

DIAGNOSTICS
    --timings              print decode / model / aggregate / report times to stderr
    -h, --help             this text

Exit status: 0 on success, 1 on bad input or flags (a one-line error on stderr),
3 when the diff gate (--fail-above) fails.
";

/// Parsed command line.
#[derive(Debug, Default)]
struct Args {
    command: String,
    query: Query,
    files: Vec<String>,
    bases: Vec<String>,
    decode: DecodeOptions,
    model: ModelOptions,
    timings: bool,
    help: bool,
    fail_above: Option<f64>,
    /// `--raw`: the gate on raw differences (noise trips it too).
    raw: bool,
    /// `--format`: "text" (default) or "json" (series).
    format: String,
}

const BOOL_FLAGS: &[&str] = &[
    "cum",
    "flat",
    "functions",
    "filefunctions",
    "files",
    "lines",
    "addresses",
    "noinlines",
    "normalize",
    "timings",
    "raw",
    "help",
    "h",
];

fn bad(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::BadQuery, msg)
}

fn parse_bool(name: &str, v: &str) -> Result<bool> {
    match v {
        "" | "true" | "1" | "t" | "T" | "TRUE" | "True" => Ok(true),
        "false" | "0" | "f" | "F" | "FALSE" | "False" => Ok(false),
        _ => Err(bad(format!("invalid boolean value \"{v}\" for -{name}"))),
    }
}

fn parse_num<T: std::str::FromStr>(name: &str, v: &str) -> Result<T> {
    v.parse::<T>().map_err(|_| bad(format!("invalid value \"{v}\" for -{name}")))
}

fn parse_args(argv: &[String]) -> Result<Args> {
    let mut a = Args::default();
    let mut it = argv.iter().peekable();
    let mut positional: Vec<String> = Vec::new();
    while let Some(arg) = it.next() {
        if arg == "--" {
            positional.extend(it.by_ref().cloned());
            break;
        }
        let Some(flag) = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-')).filter(|f| !f.is_empty()) else {
            positional.push(arg.clone());
            continue;
        };
        let (name, inline_value) = match flag.split_once('=') {
            Some((n, v)) => (n.replace('-', "_"), Some(v.to_string())),
            None => (flag.replace('-', "_"), None),
        };
        let is_bool = BOOL_FLAGS.contains(&name.as_str());
        let value = match inline_value {
            Some(v) => v,
            None if is_bool => String::new(),
            None => it.next().cloned().ok_or_else(|| bad(format!("flag needs an argument: -{name}")))?,
        };
        let q = &mut a.query;
        match name.as_str() {
            "sample_index" => q.sample_index = value,
            "unit" => q.unit = value,
            "nodecount" => q.nodecount = Some(parse_num("nodecount", &value)?),
            "nodefraction" => q.nodefraction = parse_num("nodefraction", &value)?,
            "edgefraction" => q.edgefraction = parse_num("edgefraction", &value)?,
            "cum" => q.cum = parse_bool(&name, &value)?,
            "flat" => q.cum = !parse_bool(&name, &value)?,
            "functions" | "filefunctions" | "files" | "lines" | "addresses" => {
                if parse_bool(&name, &value)? {
                    q.granularity = Granularity::parse(&name)?;
                }
            }
            "granularity" => q.granularity = Granularity::parse(&value)?,
            "noinlines" => q.noinlines = parse_bool(&name, &value)?,
            "focus" => q.filters.focus = value,
            "ignore" => q.filters.ignore = value,
            "hide" => q.filters.hide = value,
            "show" => q.filters.show = value,
            "show_from" => q.filters.show_from = value,
            "tagfocus" => q.filters.tagfocus = value,
            "tagignore" => q.filters.tagignore = value,
            "normalize" => q.normalize = parse_bool(&name, &value)?,
            "source_path" => q.paths.search = value,
            // pprof-lens never symbolizes (no binaries are read): pprof's
            // -symbolize is accepted for its spellings and has no effect.
            "symbolize" => {}
            "trim_path" => q.paths.trim = value,
            "diff_base" | "base" => {
                let mode = if name == "diff_base" { BaseMode::Diff } else { BaseMode::Subtract };
                if q.base_mode != BaseMode::None && q.base_mode != mode {
                    return Err(bad("-base and -diff_base cannot be used together"));
                }
                q.base_mode = mode;
                a.bases.push(value);
            }
            "max_decompressed" => a.decode.max_decompressed = parse_num(&name, &value)?,
            "max_samples" => a.decode.max_samples = parse_num(&name, &value)?,
            "max_stack_depth" => a.model.max_stack_depth = parse_num(&name, &value)?,
            "timings" => a.timings = parse_bool(&name, &value)?,
            "fail_above" => a.fail_above = Some(parse_num(&name, value.trim_end_matches('%'))?),
            "raw" => a.raw = parse_bool(&name, &value)?,
            "format" => match value.as_str() {
                "text" | "json" => a.format = value,
                _ => return Err(bad(format!("unknown --format \"{value}\" (text or json)"))),
            },
            "help" | "h" => a.help = true,
            _ => return Err(bad(format!("unknown flag -{name} (see pprof-lens --help)"))),
        }
    }
    let mut pos = positional.into_iter();
    a.command = pos.next().unwrap_or_default();
    a.files = pos.collect();
    if a.format == "json" && !matches!(a.command.as_str(), "series" | "diff" | "goroutines") {
        return Err(bad(format!("--format=json is for series, diff and goroutines, not {}", a.command)));
    }
    if a.query.normalize && a.bases.is_empty() && a.command != "diff" {
        return Err(bad("-normalize needs -base or -diff_base"));
    }
    Ok(a)
}

/// Time spent per stage, for `--timings` and the benchmark.
#[derive(Clone, Copy, Debug, Default)]
pub struct Timings {
    /// Inflate + protobuf.
    pub decode: Duration,
    /// Validation and interning.
    pub model: Duration,
    /// Merging, filtering, node mapping.
    pub aggregate: Duration,
    /// Graph building, pruning, formatting.
    pub report: Duration,
}

/// Reads and loads a profile file, prefixing errors with its name.
pub fn load_file(path: &str, d: &DecodeOptions, m: &ModelOptions, t: &mut Timings) -> Result<Profile> {
    let data = std::fs::read(path).map_err(|e| Error::new(ErrorKind::BadQuery, format!("{path}: {e}")))?;
    let t0 = Instant::now();
    let raw = crate::import::decode(&data, d).map_err(|e| prefix(path, e))?;
    drop_aside(data);
    let t1 = Instant::now();
    let p = Profile::from_proto(raw, m).map_err(|e| prefix(path, e))?;
    t.decode += t1 - t0;
    t.model += t1.elapsed();
    Ok(p)
}

/// Source files from the disk, found by pprof's rules and read once.
struct DiskSources {
    paths: crate::paths::SourcePaths,
    files: std::collections::HashMap<String, std::result::Result<Vec<String>, String>>,
}

impl report::list::Sources for DiskSources {
    fn lines(&mut self, path: &str) -> std::result::Result<&[String], String> {
        let paths = &self.paths;
        let entry = self.files.entry(path.to_string()).or_insert_with(|| {
            let found = paths.candidates(path).into_iter().find_map(|c| std::fs::read(&c).ok());
            match found {
                Some(bytes) => Ok(source_lines(&bytes)),
                None => Err(paths.not_found(path)),
            }
        });
        entry.as_ref().map(|v| v.as_slice()).map_err(|e| e.clone())
    }
}

/// A file's lines as Go's `bufio.Scanner` reads them: split at `\n`, one
/// trailing `\r` dropped, and reading stops at a line over 64 kB.
pub fn source_lines(bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    if bytes.is_empty() {
        return out;
    }
    for line in body.split(|&b| b == b'\n') {
        if line.len() > 64 * 1024 {
            break;
        }
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        out.push(String::from_utf8_lossy(line).into_owned());
    }
    out
}

fn prefix(path: &str, e: Error) -> Error {
    Error::new(e.kind, format!("{path}: {}", e.message))
}

/// Runs the CLI on `argv` (without the program name). Returns what to print
/// on stdout, or the error for stderr.
/// The exit status of the CLI: 0 success, 1 an error (on stderr), 3 the
/// `diff --fail-above` gate failed.
pub fn run(argv: &[String]) -> Result<(String, Timings, bool, i32)> {
    let mut a = parse_args(argv)?;
    // Strings that are not UTF-8 keep their bytes: the output is pprof's.
    a.model.raw_strings = true;
    if a.help || a.command.is_empty() || a.command == "help" {
        return Ok((USAGE.to_string(), Timings::default(), false, 0));
    }
    if !matches!(
        a.command.as_str(),
        "top" | "traces" | "peek" | "list" | "dot" | "folded" | "series" | "goroutines" | "diff"
    ) {
        return Err(bad(format!(
            "unknown command \"{}\" (commands: top, traces, peek, list, dot, folded, diff, series, goroutines; see pprof-lens --help)",
            a.command
        )));
    }
    let mut peek_rx = None;
    if a.command == "list" {
        if a.files.is_empty() {
            return Err(bad("list: give a regex and a profile (usage: pprof-lens list REGEX [FLAGS] PROFILE...)"));
        }
        let re = a.files.remove(0);
        peek_rx = Some(
            regex::Regex::new(&re)
                .map_err(|e| bad(format!("parsing argument regexp {re}: {}", e.to_string().replace('\n', " "))))?,
        );
        // As pprof's list: lines granularity, nothing pruned.
        a.query.granularity = Granularity::Lines;
        a.query.nodecount = Some(0);
        a.query.nodefraction = 0.0;
        a.query.edgefraction = 0.0;
    }
    if a.command == "peek" {
        if a.files.is_empty() {
            return Err(bad("peek: give a regex and a profile (usage: pprof-lens peek REGEX [FLAGS] PROFILE...)"));
        }
        let re = a.files.remove(0);
        let rx = regex::Regex::new(&re)
            .map_err(|e| bad(format!("parsing argument regexp {re}: {}", e.to_string().replace('\n', " "))))?;
        peek_rx = Some(rx);
        // As pprof does for peek: nothing is pruned.
        a.query.nodecount = Some(0);
        a.query.nodefraction = 0.0;
        a.query.edgefraction = 0.0;
    }
    if a.files.is_empty() {
        return Err(bad(format!(
            "{}: no profile given (usage: pprof-lens {} [FLAGS] PROFILE...)",
            a.command, a.command
        )));
    }
    let mut t = Timings::default();
    if a.command == "goroutines" {
        let [f] = &a.files[..] else {
            return Err(bad("goroutines: give one dump (usage: pprof-lens goroutines DUMP)"));
        };
        // A text dump (through its importer) or a pprof goroutine profile:
        // the same groups the page shows.
        let p = load_file(f, &a.decode, &a.model, &mut t)?;
        if !report::goroutines::is_goroutine_profile(&p) {
            return Err(bad(format!(
                "{f}: not a goroutine dump or goroutine profile (the output of /debug/pprof/goroutine)"
            )));
        }
        let out =
            if a.format == "json" { report::goroutines::groups_json(&p) } else { report::goroutines::groups_text(&p) };
        return Ok((out, t, a.timings, 0));
    }
    if a.command == "diff" {
        let [base, new] = &a.files[..] else {
            return Err(bad("diff: give two profiles (usage: pprof-lens diff [--fail-above=PCT] BASE NEW)"));
        };
        // Each side is a file or a comma-separated list of replicates.
        let mut sides = [Vec::new(), Vec::new()];
        let mut names = Vec::new();
        for (side, list) in sides.iter_mut().zip([base, new]) {
            for f in list.split(',').filter(|f| !f.is_empty()) {
                side.push(load_file(f, &a.decode, &a.model, &mut t)?);
                names.push(f);
            }
        }
        let all: Vec<(&str, &Profile)> = names.iter().copied().zip(sides.iter().flatten()).collect();
        report::diff::check_comparable(&all)?;
        let [b, n] = sides;
        let d = report::replicates::diff_replicated(b, n, &a.query)?;
        let limit = a.query.nodecount.unwrap_or(25);
        let text = if a.format == "json" {
            report::diff::diff_json(&d, limit)
        } else {
            report::diff::diff_text_gated(&d, limit, a.fail_above, a.raw)
        };
        let failed = a.fail_above.is_some_and(|p| !report::diff::gate(&d, p, a.raw).is_empty());
        return Ok((text, t, a.timings, if failed { 3 } else { 0 }));
    }
    if a.command == "series" {
        let mut snaps = Vec::with_capacity(a.files.len());
        for f in &a.files {
            snaps.push((f.rsplit('/').next().unwrap_or(f).to_string(), load_file(f, &a.decode, &a.model, &mut t)?));
        }
        let limit = a.query.nodecount.unwrap_or(20);
        // Findings quote their lines from the source, found as -list finds it.
        let paths = a.query.paths.clone();
        let read = move |path: &str| -> Option<String> {
            paths
                .candidates(path)
                .into_iter()
                .find_map(|c| std::fs::read(&c).ok())
                .map(|b| String::from_utf8_lossy(&b).into_owned())
        };
        // CPU and other counted series: where a function's cost changed.
        let counted = snaps
            .iter()
            .all(|(_, p)| !report::leak::series::is_heap(p) && !report::goroutines::is_goroutine_profile(p));
        let points = if counted {
            let refs: Vec<(String, &Profile)> = snaps.iter().map(|(n, p)| (n.clone(), p)).collect();
            Some(report::replicates::change_points(&refs, &a.query)?)
        } else {
            None
        };
        let j = report::leak::series_of_kinds(snaps, &a.query, Some(&read))?;
        let mut out = match (&j.heap, &j.goroutine, a.format == "json") {
            (Some(_), Some(_), true) => report::leak::joined_json(&j, limit),
            (Some(_), Some(_), false) => report::leak::joined_text(&j, limit),
            (Some(s), None, json) | (None, Some(s), json) if json => report::leak::series_json(s, limit),
            (Some(s), None, _) | (None, Some(s), _) => report::leak::series_text(s, limit),
            (None, None, _) => String::new(),
        };
        if let Some(points) = points {
            if a.format == "json" {
                let end = out.trim_end().trim_end_matches('}').len();
                out = format!(
                    "{},\"change_points\":{}}}\n",
                    &out[..end],
                    report::replicates::change_points_json(&points)
                );
            } else {
                out.push_str(&report::replicates::change_points_text(&points));
            }
        }
        return Ok((out, t, a.timings, 0));
    }
    let mut sources = Vec::with_capacity(a.files.len());
    for f in &a.files {
        sources.push(load_file(f, &a.decode, &a.model, &mut t)?);
    }
    let mut bases = Vec::with_capacity(a.bases.len());
    for f in &a.bases {
        bases.push(load_file(f, &a.decode, &a.model, &mut t)?);
    }
    let t0 = Instant::now();
    let pr = Prepared::new_owned(sources, bases, a.query)?;
    t.aggregate = t0.elapsed();
    let t1 = Instant::now();
    let out = match (a.command.as_str(), &peek_rx) {
        ("top", _) => report::top_text(&pr),
        ("dot", _) => report::dot::dot_text(&pr),
        ("folded", _) => report::folded::folded_text(&pr)?,
        ("peek", Some(rx)) => report::peek_text(&pr, rx)?,
        ("list", Some(rx)) => {
            // The sources are looked for under -source_path, else the current directory.
            let mut paths = pr.query.paths.clone();
            if paths.search.is_empty() {
                paths.search = std::env::current_dir().map(|d| d.display().to_string()).unwrap_or_else(|_| ".".into());
            }
            report::list::list_text(&pr, rx, &mut DiskSources { paths, files: Default::default() })?
        }
        _ => report::traces_text(&pr),
    };
    t.report = t1.elapsed();
    drop_aside(pr);
    Ok((out, t, a.timings, 0))
}

/// Frees `x` on another thread: handing hundreds of megabytes back to the
/// system takes a while, and the answer need not wait for it.
fn drop_aside<T: Send + 'static>(x: T) {
    std::thread::spawn(move || drop(x));
}
