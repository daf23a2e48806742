//! Leak hunting across a series of snapshots (heap or goroutine profiles of
//! one program taken over time): the total over time, and every function's
//! value in each snapshot, its growth, slope and how consistently it rises,
//! ranked into leak suspects.
//!
//! The ranking rule is general (no names): a suspect must grow from first to
//! last snapshot; it is scored by consistency (the share of its movement
//! that is upward, so churn that rises and falls scores near zero) times the
//! share of its rising steps, times a gently weighted size of its growth.

use crate::aggregate::graph;
use crate::aggregate::Prepared;
use crate::error::{Error, ErrorKind, Result};
use crate::frames::{blocked_on, is_own_code};
use crate::model::Profile;
use crate::query::Query;
use std::collections::HashMap;

pub use super::types::{Series, SeriesRow, StackRow};

/// Builds the ranked series from named snapshots, in time order.
pub fn series(snaps: Vec<(String, Profile)>, q: &Query) -> Result<Series> {
    series_in_order(snaps, q, false)
}

/// Like [`series`]; with `keep_order`, the snapshots stay in the given order
/// (the user reordered them) instead of being sorted by time.
pub fn series_in_order(mut snaps: Vec<(String, Profile)>, q: &Query, keep_order: bool) -> Result<Series> {
    if snaps.len() < 2 {
        return Err(Error::new(
            ErrorKind::BadQuery,
            format!("a series needs at least two snapshots of one program; got {}", snaps.len()),
        ));
    }
    let mut notes = Vec::new();
    // Same kind of profile throughout.
    let first_types = snaps[0].1.sample_types.clone();
    for (name, p) in &snaps[1..] {
        if p.sample_types != first_types {
            let t = |v: &[crate::model::ValueType]| v.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" ");
            return Err(Error::new(
                ErrorKind::Incompatible,
                format!(
                    "{name} is not the same kind of profile as {}: sample types [{}] vs [{}]",
                    snaps[0].0,
                    t(&p.sample_types),
                    t(&first_types)
                ),
            ));
        }
    }
    // Time order (file order where times are missing).
    let all_timed = snaps.iter().all(|(_, p)| p.time_nanos != 0);
    if keep_order {
        notes.push("in the order you chose".into());
    } else if all_timed {
        let was: Vec<String> = snaps.iter().map(|(n, _)| n.clone()).collect();
        snaps.sort_by_key(|(_, p)| p.time_nanos);
        let now: Vec<String> = snaps.iter().map(|(n, _)| n.clone()).collect();
        if was != now {
            notes.push(format!("ordered by snapshot time, not file order: {}", now.join(", ")));
        }
    } else {
        notes.push("some snapshots have no time: kept in file order".into());
    }
    let mut times: Vec<i64> = snaps.iter().map(|(_, p)| p.time_nanos).collect();
    let timed = all_timed && times.windows(2).all(|w| w[1] > w[0]);
    if all_timed && !timed && !keep_order {
        notes.push("several snapshots share a time: slopes are per snapshot, not per unit of time".into());
    }
    let files: Vec<String> = snaps.iter().map(|(n, _)| n.clone()).collect();
    let n = snaps.len();
    let mut index: HashMap<String, usize> = HashMap::new();
    // name, flat, cum, own, own allocations (i64::MIN: no allocation column)
    type Row = (String, Vec<i64>, Vec<i64>, Vec<i64>, Vec<i64>);
    let mut rows: Vec<Row> = Vec::new();
    let mut totals = Vec::with_capacity(n);
    let mut sample_type = String::new();
    let mut unit = String::new();
    let mut fingerprints: Vec<(i64, usize)> = Vec::new();
    let goroutine = first_types.len() == 1 && crate::report::goroutines::is_goroutine_type(&first_types[0].ty);
    let stacks = if goroutine { goroutine_stacks(&snaps) } else { Vec::new() };
    // The first and last snapshots' sites, for the findings (heap profiles).
    let mut sites: Vec<std::collections::BTreeMap<String, super::types::Site>> = Vec::new();
    let mut in_use = (0i64, 0i64);
    // Each function's own values per line, first and last heap snapshots.
    let mut line_values: Vec<super::ground::LineValues> = Vec::new();
    for (i, (name, p)) in snaps.into_iter().enumerate() {
        let heap_end = (i == 0 || i == n - 1) && is_heap(&p);
        if heap_end {
            line_values.push(super::ground::line_values(&p, q));
        }
        let pr = Prepared::new(vec![p], vec![], q.clone())
            .map_err(|e| Error::new(e.kind, format!("{name}: {}", e.message)))?;
        let g = graph::build(&pr.profile, &pr.stacks, pr.nodes.len(), pr.value_index, None, false);
        totals.push(pr.total);
        sample_type = pr.sample_type().ty.clone();
        unit = pr.sample_type().unit.clone();
        fingerprints.push((pr.total, pr.profile.samples.len()));
        let names: Vec<String> = (0..pr.nodes.len()).map(|n| pr.nodes.printable_name(n)).collect();
        let own_code: Vec<bool> = names.iter().map(|n| is_own_code(n)).collect();
        let own = own_values(&pr, &own_code, pr.value_index);
        if heap_end {
            let target = |st: &[u32]| charged(st, &own_code);
            sites.push(super::findings::heap_sites(&pr, &names, &target));
            let col = |t: &str| pr.profile.sample_types.iter().position(|x| x.ty == t);
            if let (Some(o), Some(b)) = (col("inuse_objects"), col("inuse_space")) {
                let sum = |c: usize| (0..pr.profile.samples.len()).map(|s| pr.profile.value(s, c)).sum::<i64>();
                in_use = (sum(b), sum(o));
            }
        }
        // The allocation column matching an inuse_ column, if any.
        let ty = &pr.sample_type().ty;
        let alloc_index = ty
            .strip_prefix("inuse_")
            .and_then(|rest| pr.profile.sample_types.iter().position(|t| t.ty == format!("alloc_{rest}")));
        let alloc = alloc_index.map(|ai| own_values(&pr, &own_code, ai));
        for node in 0..names.len() {
            let (f, c, o) = (g.flat[node], g.cum[node], own[node]);
            let a = alloc.as_ref().map_or(0, |v| v[node]);
            if f == 0 && c == 0 && o == 0 && a == 0 {
                continue;
            }
            let k = *index.entry(names[node].clone()).or_insert_with(|| {
                rows.push((names[node].clone(), vec![0; n], vec![0; n], vec![0; n], vec![i64::MIN; n]));
                rows.len() - 1
            });
            rows[k].1[i] = f;
            rows[k].2[i] = c;
            rows[k].3[i] = o;
            rows[k].4[i] = if alloc.is_some() { a } else { i64::MIN };
        }
    }
    for i in 1..n {
        if fingerprints[i] == fingerprints[i - 1] && (times[i] == times[i - 1] || times[i] == 0) {
            notes.push(format!("{} looks like a duplicate of {} (same total and samples)", files[i], files[i - 1]));
        }
    }
    // Slopes per the unit that fits the observed span (never beyond it).
    let span_ns = if timed { times[n - 1] - times[0] } else { 0 };
    let (per, unit_ns) = match span_ns {
        _ if !timed => ("snapshot", 1.0),
        s if s < 120_000_000_000 => ("s", 1e9),
        s if s < 7_200_000_000_000 => ("min", 6e10),
        _ => ("h", 3.6e12),
    };
    let x: Vec<f64> = if timed {
        times.iter().map(|&t| (t - times[0]) as f64 / unit_ns).collect()
    } else {
        (0..n).map(|i| i as f64).collect()
    };
    let offsets: Vec<String> = times
        .iter()
        .map(|&t| if all_timed { format!("+{}", duration_text(t - times[0])) } else { String::new() })
        .collect();
    let span = if all_timed { duration_text(times[n - 1] - times[0]) } else { String::new() };
    let max_total = totals.iter().map(|t| t.unsigned_abs()).max().unwrap_or(0).max(1) as f64;
    let mut out: Vec<SeriesRow> = rows
        .into_iter()
        .map(|(name, flat, cum, own, alloc)| {
            let (score, growth, consistency) = rank(&own, max_total);
            let retention = if alloc.contains(&i64::MIN) {
                1.0
            } else {
                let d_alloc = (alloc[n - 1] - alloc[0]) as f64;
                if d_alloc > 0.0 {
                    (growth as f64 / d_alloc).clamp(0.0, 1.0)
                } else {
                    1.0
                }
            };
            let score = score * retention;
            SeriesRow { slope: slope(&x, &own), name, own, growth, consistency, retention, score, flat, cum }
        })
        .collect();
    // Suspects are the program's own code (where a fix goes); growth that no
    // own frame explains (the runtime's goroutine stacks, say) ranks after.
    let any_own = out.iter().any(|r| r.score > 0.0 && is_own_code(&r.name));
    crate::order::sort_by(&mut out, |a, b| {
        let key = |r: &SeriesRow| (any_own && !is_own_code(&r.name), -r.score);
        let (ka, kb) = (key(a), key(b));
        ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1)).then_with(|| a.name.cmp(&b.name))
    });
    times.shrink_to_fit();
    let mut s = Series {
        files,
        times,
        totals,
        sample_type,
        unit,
        rows: out,
        notes,
        timed,
        per,
        offsets,
        span,
        stacks,
        findings: Vec::new(),
        hot_lines: Default::default(),
    };
    s.findings = if goroutine {
        super::findings::goroutine_findings(&s, &s.stacks, FINDINGS)
    } else if let [first, last] = &sites[..] {
        super::findings::heap_findings(&s, first, last, in_use, FINDINGS)
    } else {
        Vec::new()
    };
    if let [first, last] = &line_values[..] {
        s.hot_lines = super::ground::hot_lines(first, last);
        super::ground::add_lines(&mut s);
    }
    order_findings(&mut s);
    Ok(s)
}

/// The findings ordered by what they hold (see
/// [`super::ground::by_what_they_hold`]): a heap finding by its function's
/// growth, a goroutine leak by its goroutines' growth.
pub(super) fn order_findings(s: &mut Series) {
    let growth: HashMap<&str, i64> = s.rows.iter().map(|r| (r.name.as_str(), r.growth)).collect();
    let mut findings = std::mem::take(&mut s.findings);
    super::ground::by_what_they_hold(&mut findings, &|f: &super::types::Finding| {
        growth.get(f.name.as_str()).copied().unwrap_or(0)
    });
    s.findings = findings;
}

/// True for a heap profile (one with in-use bytes).
pub fn is_heap(p: &Profile) -> bool {
    p.sample_types.iter().any(|t| t.ty == "inuse_space")
}

/// How many top suspects get a finding.
const FINDINGS: usize = 10;

/// The node a sample is charged to: its innermost frame of the program's
/// own code, else its leaf.
pub(super) fn charged(st: &[u32], own_code: &[bool]) -> Option<usize> {
    let node = |raw: u32| (raw & !graph::INLINED) as usize;
    st.iter().rev().map(|&r| node(r)).find(|&n| own_code[n]).or_else(|| st.last().map(|&r| node(r)))
}

/// A time span as people say it: "0.6 s", "5 min 3 s", "1 h 10 min".
pub fn duration_text(ns: i64) -> String {
    let s = ns as f64 / 1e9;
    if s < 60.0 {
        let t = format!("{s:.1}");
        return format!("{} s", t.strip_suffix(".0").unwrap_or(&t));
    }
    let total = s.round() as i64;
    let (h, m, sec) = (total / 3600, total % 3600 / 60, total % 60);
    match (h, m, sec) {
        (0, m, 0) => format!("{m} min"),
        (0, m, sec) => format!("{m} min {sec} s"),
        (h, 0, _) => format!("{h} h"),
        (h, m, _) => format!("{h} h {m} min"),
    }
}

/// Whether a goroutine profile is a text dump that says who created each
/// goroutine (debug=2: its `created by` lines, kept as labels).
fn says_created_by(p: &Profile) -> bool {
    let l = &p.samples.labels;
    (0..p.samples.len()).any(|s| p.samples.label_range(s).any(|j| p.str(l.key[j]) == "created by"))
}

/// Snapshots with their names.
type Named = Vec<(String, Profile)>;

/// Splits goroutine snapshots into the text dumps that say who created each
/// goroutine and the rest, when the rest are two or more (a series of
/// their own, the dumps read beside it by [`add_created_by`]); else no
/// dumps and every snapshot as it was.
pub fn split_dumps(snaps: Named) -> (Named, Named) {
    let is_dump = |p: &Profile| crate::report::goroutines::is_goroutine_profile(p) && says_created_by(p);
    if snaps.iter().filter(|(_, p)| !is_dump(p)).count() < 2 {
        return (Vec::new(), snaps);
    }
    snaps.into_iter().partition(|(_, p)| is_dump(p))
}

/// Who created each goroutine stack of `s`, read from text dumps (debug=2)
/// beside a series of goroutine profiles that do not say it: a stack takes
/// the creator of the dump's stack with the same frames, else of the dump's
/// stacks with its entry function when they agree. The goroutine findings
/// are made again with it, and a note says which dumps were read so.
/// Returns how many stacks learnt their creator.
pub fn add_created_by(s: &mut Series, dumps: &[(String, Profile)]) -> usize {
    let known = goroutine_stacks(dumps);
    let known: Vec<&StackRow> = known.iter().filter(|r| !r.created_by.is_empty()).collect();
    let by_frames: HashMap<&[String], &str> =
        known.iter().map(|r| (r.frames.as_slice(), r.created_by.as_str())).collect();
    let mut by_entry: HashMap<&str, Option<&str>> = HashMap::new();
    for r in &known {
        let e = by_entry.entry(r.frames.last().map_or("", String::as_str)).or_insert(Some(&r.created_by));
        if *e != Some(r.created_by.as_str()) {
            *e = None;
        }
    }
    let mut n = 0;
    for r in s.stacks.iter_mut().filter(|r| r.created_by.is_empty()) {
        let entry = r.frames.last().map_or("", String::as_str);
        let found = by_frames.get(r.frames.as_slice()).copied().or_else(|| by_entry.get(entry).copied().flatten());
        if let Some(c) = found {
            r.created_by = c.to_string();
            n += 1;
        }
    }
    if n > 0 {
        s.findings = super::findings::goroutine_findings(s, &s.stacks, FINDINGS);
        order_findings(s);
    }
    let read: Vec<&str> = dumps.iter().map(|(n, _)| n.as_str()).collect();
    s.notes.push(format!("{}: read for who created each goroutine ({n} stacks), not as a snapshot", read.join(", ")));
    n
}

/// Counts per distinct goroutine stack (by function names) in each snapshot.
fn goroutine_stacks(snaps: &[(String, Profile)]) -> Vec<StackRow> {
    let n = snaps.len();
    let mut index: HashMap<Vec<String>, usize> = HashMap::new();
    let mut rows: Vec<StackRow> = Vec::new();
    for (i, (_, p)) in snaps.iter().enumerate() {
        let vi = p.default_index();
        for s in 0..p.samples.len() {
            let mut frames: Vec<String> = Vec::new();
            let mut lines: Vec<String> = Vec::new();
            for l in p.samples.stack(s).iter() {
                for f in p.locations.frames(l as usize) {
                    let func = p.frames.func[f] as usize;
                    frames.push(p.str(p.functions.name[func]).to_string());
                    let file = p.str(p.functions.filename[func]);
                    let base = file.rsplit('/').next().unwrap_or(file);
                    let line = p.frames.line[f];
                    lines.push(if base.is_empty() || line <= 0 { String::new() } else { format!("{base}:{line}") });
                }
            }
            let k = *index.entry(frames.clone()).or_insert_with(|| {
                rows.push(StackRow {
                    frames,
                    lines,
                    counts: vec![0; n],
                    only_grows: false,
                    blocked_on: String::new(),
                    created_by: String::new(),
                });
                rows.len() - 1
            });
            rows[k].counts[i] += p.value(s, vi);
            if rows[k].created_by.is_empty() {
                let l = &p.samples.labels;
                if let Some(j) = p.samples.label_range(s).find(|&j| p.str(l.key[j]) == "created by") {
                    rows[k].created_by = p.str(l.str[j]).to_string();
                }
            }
        }
    }
    for r in &mut rows {
        r.blocked_on = blocked_on(&r.frames);
        r.only_grows =
            r.counts.windows(2).all(|w| w[1] >= w[0]) && r.counts[n - 1] > r.counts[0] && !r.blocked_on.is_empty();
    }
    crate::order::sort_by(&mut rows, |a, b| {
        b.only_grows.cmp(&a.only_grows).then((b.counts[n - 1] - b.counts[0]).cmp(&(a.counts[n - 1] - a.counts[0])))
    });
    rows
}

/// Charges each sample's value to its innermost own-code frame (or its leaf
/// when it has none).
fn own_values(pr: &Prepared, own_code: &[bool], column: usize) -> Vec<i64> {
    let mut out = vec![0i64; own_code.len()];
    let mut buf = Vec::new();
    for x in pr.stacks.weighted(&pr.profile, column) {
        buf.clear();
        buf.extend(x.stack);
        if let Some(t) = charged(&buf, own_code) {
            out[t] = out[t].wrapping_add(x.value);
        }
    }
    out
}

/// (score, growth, consistency) of one value sequence.
fn rank(v: &[i64], max_total: f64) -> (f64, i64, f64) {
    let growth = v[v.len() - 1] - v[0];
    let (mut up, mut down, mut ups) = (0f64, 0f64, 0usize);
    for w in v.windows(2) {
        let d = (w[1] - w[0]) as f64;
        if d > 0.0 {
            up += d;
            ups += 1;
        } else {
            down -= d;
        }
    }
    let moved = up + down;
    let consistency = if moved > 0.0 { (up - down) / moved } else { 0.0 };
    if growth <= 0 || consistency <= 0.0 {
        return (0.0, growth, consistency);
    }
    let steps = (v.len() - 1) as f64;
    let size = (growth as f64 / max_total).powf(0.25);
    (consistency * consistency * (ups as f64 / steps) * size, growth, consistency)
}

/// Least-squares slope of `y` over `x`.
fn slope(x: &[f64], y: &[i64]) -> f64 {
    let n = x.len() as f64;
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().map(|&v| v as f64).sum::<f64>() / n;
    let (mut num, mut den) = (0.0, 0.0);
    for (&a, &b) in x.iter().zip(y) {
        num += (a - mx) * (b as f64 - my);
        den += (a - mx) * (a - mx);
    }
    if den == 0.0 {
        0.0
    } else {
        num / den
    }
}

/// A findings section: the heading, then each finding with its evidence
/// ("" when there is none).
pub fn findings_text(heading: &str, findings: &[super::types::Finding]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    if !findings.is_empty() {
        let _ = writeln!(out, "{heading}");
        for f in findings {
            let maybe = if f.certain { "" } else { " (uncertain)" };
            let _ = writeln!(out, "  {}{}: {}", f.pattern.title(), maybe, f.sentence);
            for e in &f.evidence {
                let _ = writeln!(out, "      - {e}");
            }
        }
    }
    out
}

/// The text of `pprof-lens series`: totals per snapshot, then suspects
/// with their values per snapshot.
pub fn series_text(s: &Series, limit: usize) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let fmt = |v: i64| crate::units::label(v, &s.unit);
    let _ = writeln!(out, "Type: {}", s.sample_type);
    for note in &s.notes {
        let _ = writeln!(out, "Note: {note}");
    }
    if s.span.is_empty() {
        let _ = writeln!(out, "Snapshots:");
    } else {
        let _ = writeln!(out, "Snapshots (over {}):", s.span);
    }
    for (i, f) in s.files.iter().enumerate() {
        let t = if s.times[i] != 0 { crate::units::format_time(s.times[i]) } else { "time unknown".into() };
        let _ = writeln!(out, "  {:>2}  {:<24} {:>12}  {}  {}", i + 1, f, fmt(s.totals[i]), t, s.offsets[i]);
    }
    let _ = writeln!(
        out,
        "Leak suspects (growth first → last, slope, consistency, share of allocations kept; values per snapshot):"
    );
    let _ = writeln!(out, "{:>4} {:>12} {:>18} {:>6} {:>6}  name", "rank", "growth", "slope", "cons", "kept");
    for (i, r) in s.suspects(limit).enumerate() {
        let _ = writeln!(
            out,
            "{:>4} {:>12} {:>18} {:>6.2} {:>6}  {}\n{:>50}[{}]",
            i + 1,
            fmt(r.growth),
            s.slope_text(r),
            r.consistency,
            r.kept_text(),
            r.name,
            "",
            s.values_text(r)
        );
    }
    out.push_str(&findings_text("Findings:", &s.findings));
    if !s.stacks.is_empty() {
        let _ = writeln!(out, "Goroutine stacks whose count only grows (leaking), then the rest:");
        for r in s.stacks.iter().take(limit) {
            let top = r.function();
            let _ = writeln!(
                out,
                "{:>8}  {}  in {}  [{}]",
                if r.only_grows { "LEAKING" } else { "" },
                if r.blocked_on.is_empty() { "-" } else { &r.blocked_on },
                top,
                r.counts.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(" ")
            );
        }
    }
    out
}

/// `pprof-lens series --format=json`: the snapshots, the suspects with
/// their values (raw numbers in the sample type's unit) and the findings,
/// for scripts and CI.
pub fn series_json(s: &Series, limit: usize) -> String {
    use crate::report::json_str;
    let strs = |v: &[String]| format!("[{}]", v.iter().map(|x| json_str(x)).collect::<Vec<_>>().join(","));
    let nums = |v: &[i64]| format!("[{}]", v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(","));
    let snapshots: Vec<String> = (0..s.files.len())
        .map(|i| {
            format!("{{\"file\":{},\"time_nanos\":{},\"total\":{}}}", json_str(&s.files[i]), s.times[i], s.totals[i])
        })
        .collect();
    let suspects: Vec<String> = s
        .suspects(limit)
        .map(|r| {
            format!(
                "{{\"name\":{},\"growth\":{},\"slope\":{:.3},\"slope_per\":{},\"consistency\":{:.4},\"kept\":{:.4},\"score\":{:.6},\"values\":{}}}",
                json_str(&r.name),
                r.growth,
                r.slope,
                json_str(s.per),
                r.consistency,
                r.retention,
                r.score,
                nums(&r.own)
            )
        })
        .collect();
    format!(
        "{{\"sample_type\":{},\"unit\":{},\"notes\":{},\"snapshots\":[{}],\"suspects\":[{}],\"findings\":{}}}\n",
        json_str(&s.sample_type),
        json_str(&s.unit),
        strs(&s.notes),
        snapshots.join(","),
        suspects.join(","),
        findings_json(&s.findings)
    )
}

/// Findings as a JSON list: name, pattern id, title, certain, sentence, evidence.
pub fn findings_json(findings: &[super::types::Finding]) -> String {
    use crate::report::json_str;
    let strs = |v: &[String]| format!("[{}]", v.iter().map(|x| json_str(x)).collect::<Vec<_>>().join(","));
    let findings: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "{{\"name\":{},\"pattern\":{},\"title\":{},\"certain\":{},\"sentence\":{},\"evidence\":{}}}",
                json_str(&f.name),
                json_str(f.pattern.id()),
                json_str(f.pattern.title()),
                f.certain,
                json_str(&f.sentence),
                strs(&f.evidence)
            )
        })
        .collect();
    format!("[{}]", findings.join(","))
}

/// `pprof-lens series` of heap and goroutine snapshots read together: each
/// series as it prints alone, without its findings, then the joined findings.
pub fn joined_text(j: &super::join::Joined, limit: usize) -> String {
    let mut out = String::new();
    for s in [&j.heap, &j.goroutine].into_iter().flatten() {
        let mut s = s.clone();
        s.findings.clear();
        out.push_str(&series_text(&s, limit));
    }
    out.push_str(&findings_text("Findings (heap and goroutine snapshots read together):", &j.findings));
    out
}

/// The JSON of a joined series: the top-level `findings` list (joined), and
/// each series under `heap` and `goroutine`.
pub fn joined_json(j: &super::join::Joined, limit: usize) -> String {
    let part =
        |s: &Option<Series>| s.as_ref().map_or("null".to_string(), |s| series_json(s, limit).trim_end().to_string());
    format!(
        "{{\"findings\":{},\"heap\":{},\"goroutine\":{}}}\n",
        findings_json(&j.findings),
        part(&j.heap),
        part(&j.goroutine)
    )
}
