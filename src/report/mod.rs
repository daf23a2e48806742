//! Stage 4: what a view shows. The top table with pprof's pruning, sorting,
//! unit choice and header lines; traces; text output byte-compatible with
//! `go tool pprof -top` / `-traces`.

pub mod diff;
pub mod explore;
pub mod flame;
pub mod series;
pub mod units;

use crate::aggregate::graph::{self, Nodes};
use crate::aggregate::Prepared;
use std::fmt::Write;

/// One row of the top table.
#[derive(Clone, Debug, PartialEq)]
pub struct TopRow {
    /// Node index in [`Prepared::nodes`].
    pub node: u32,
    /// pprof's printable name.
    pub name: String,
    /// "(inline)", "(partial-inline)" or "".
    pub inline_label: &'static str,
    /// Flat value.
    pub flat: i64,
    /// Cumulative value.
    pub cum: i64,
}

/// The top table and what pprof prints above it.
#[derive(Clone, Debug)]
pub struct Top {
    /// Rows in display order.
    pub rows: Vec<TopRow>,
    /// The unit values are printed in (after "minimum" resolution).
    pub output_unit: String,
    /// Report total.
    pub total: i64,
    /// Nodes dropped by `nodefraction`.
    pub dropped_nodes: usize,
    /// Nodes before `nodecount` selection.
    pub orig_count: usize,
}

/// pprof's default node count for the top report when none is given.
const TOP_DEFAULT_NODECOUNT: usize = 0;

/// Computes the top table as `go tool pprof -top` does (`newTrimmedGraph`).
pub fn top(pr: &Prepared) -> Top {
    let g = graph::build(&pr.profile, &pr.stacks, pr.nodes.len(), pr.value_index, None, false);
    top_from(pr, g)
}

/// [`top`] from the view's node values, already computed.
pub fn top_from(pr: &Prepared, g: graph::Graph) -> Top {
    let q = &pr.query;
    let p = &pr.profile;
    let vi = pr.value_index;
    let nodes = &pr.nodes;
    // pprof builds the graph, drops nodes below the cutoff and rebuilds, then
    // keeps the top `nodecount` and rebuilds again. A rebuild treats dropped
    // nodes as absent, which never changes a kept node's values: cum counts
    // the samples through the node either way, and flat still goes to the
    // leaf only when the leaf itself is kept. So one value pass suffices;
    // only the edges (for the inline labels) need a pass over the final set.
    let present0 = g.present();
    let total_value: i64 = present0.iter().map(|&n| g.flat[n as usize]).fold(0i64, |a, b| a.wrapping_add(b));
    let node_cutoff = ((total_value as f64 * q.nodefraction) as i64).wrapping_abs();
    let edge_cutoff = ((total_value as f64 * q.edgefraction) as i64).wrapping_abs();
    let mut kept: Option<Vec<bool>> = None;
    let mut dropped_nodes = 0;
    let mut present = present0;
    if node_cutoff > 0 {
        let keep: Vec<u32> =
            present.iter().copied().filter(|&n| g.cum[n as usize].wrapping_abs() >= node_cutoff).collect();
        if keep.len() != present.len() {
            dropped_nodes = present.len() - keep.len();
            kept = Some(mask_of(&keep, nodes.len()));
            present = keep;
        }
    }
    let orig_count = present.len();
    let names: Vec<String> = {
        // Printable names of every node that can appear.
        let mut v = vec![String::new(); nodes.len()];
        for &n in &present {
            v[n as usize] = nodes.printable_name(n as usize);
        }
        v
    };
    sort_nodes(&mut present, &g, &names, nodes, q.cum);
    let nodecount = q.nodecount.unwrap_or(TOP_DEFAULT_NODECOUNT);
    if nodecount > 0 && nodecount < present.len() {
        present.truncate(nodecount);
        kept = Some(mask_of(&present, nodes.len()));
    }
    // Final graph with edges, for the inline labels.
    // Only nodes held at an inlined position somewhere can get an inline
    // label; every in-edge of the others is a plain call.
    let mut targets = nodes.inlined_somewhere();
    let shown = mask_of(&present, nodes.len());
    for (t, s) in targets.iter_mut().zip(&shown) {
        *t &= *s;
    }
    let fg = graph::edges_into(p, &pr.stacks, nodes.len(), vi, kept.as_deref(), Some(&targets));
    let mut has_inline = vec![false; nodes.len()];
    let mut has_call = vec![false; nodes.len()];
    for e in &fg.edges {
        if e.weight.wrapping_abs() < edge_cutoff {
            continue;
        }
        if e.inline {
            has_inline[e.dst as usize] = true;
        } else {
            has_call[e.dst as usize] = true;
        }
    }
    let rows: Vec<TopRow> = present
        .iter()
        .map(|&n| {
            let i = n as usize;
            TopRow {
                node: n,
                name: names[i].clone(),
                inline_label: match (has_inline[i], has_call[i]) {
                    (true, true) => "(partial-inline)",
                    (true, false) => "(inline)",
                    _ => "",
                },
                flat: g.flat[i],
                cum: g.cum[i],
            }
        })
        .collect();
    let output_unit = select_output_unit(&rows, pr.total, &q.unit, &pr.sample_type().unit);
    Top { rows, output_unit, total: pr.total, dropped_nodes, orig_count }
}

fn mask_of(keep: &[u32], n: usize) -> Vec<bool> {
    let mut m = vec![false; n];
    for &k in keep {
        m[k as usize] = true;
    }
    m
}

fn sort_nodes(present: &mut [u32], g: &graph::Graph, names: &[String], nodes: &Nodes, cum: bool) {
    present.sort_unstable_by(|&a, &b| {
        let (a, b) = (a as usize, b as usize);
        let (fa, fb) = (g.flat[a].wrapping_abs(), g.flat[b].wrapping_abs());
        let (ca, cb) = (g.cum[a].wrapping_abs(), g.cum[b].wrapping_abs());
        let ord = if cum {
            cb.cmp(&ca).then_with(|| names[a].cmp(&names[b])).then_with(|| fb.cmp(&fa))
        } else {
            fb.cmp(&fa).then_with(|| names[a].cmp(&names[b])).then_with(|| cb.cmp(&ca))
        };
        ord.then_with(|| nodes.go_sprint(a).cmp(&nodes.go_sprint(b)))
    });
}

/// The output unit of a report showing every node (no pruning): pprof's
/// `selectOutputUnit` over all nodes, from one value pass (no edges).
pub fn unpruned_output_unit(pr: &Prepared) -> String {
    let g = graph::build(&pr.profile, &pr.stacks, pr.nodes.len(), pr.value_index, None, false);
    let vals: Vec<(i64, i64)> = g.present().iter().map(|&n| (g.flat[n as usize], g.cum[n as usize])).collect();
    select_unit(&vals, pr.total, &pr.query.unit, &pr.sample_type().unit)
}

/// pprof's `selectOutputUnit`.
fn select_output_unit(rows: &[TopRow], total: i64, unit: &str, sample_unit: &str) -> String {
    let vals: Vec<(i64, i64)> = rows.iter().map(|r| (r.flat, r.cum)).collect();
    select_unit(&vals, total, unit, sample_unit)
}

fn select_unit(rows: &[(i64, i64)], total: i64, unit: &str, sample_unit: &str) -> String {
    if unit != "minimum" || rows.is_empty() {
        return unit.to_string();
    }
    let mut min = 0i64;
    for &(flat, cum) in rows {
        let mut v = flat.wrapping_abs();
        if v == 0 {
            v = cum.wrapping_abs();
        }
        if v > 0 && (min == 0 || v < min) {
            min = v;
        }
    }
    let max = total;
    if min == 0 {
        min = max;
    }
    let (_, min_unit) = units::scale(min, sample_unit, "minimum");
    let (_, max_unit) = units::scale(max, sample_unit, "minimum");
    let mut u = min_unit.clone();
    if min_unit != max_unit && min.wrapping_mul(100) < max {
        u = units::scale(min.wrapping_mul(100), sample_unit, "minimum").1;
    }
    if u.is_empty() {
        sample_unit.to_string()
    } else {
        u
    }
}

/// Formats `v` of the shown sample type in `unit`.
pub fn format_value(pr: &Prepared, v: i64, unit: &str) -> String {
    units::scaled_label(v, &pr.sample_type().unit, unit)
}

/// pprof's `ProfileLabels`: File, Build ID, comments, Type, Time, Duration.
pub fn profile_labels(pr: &Prepared, unit: &str) -> Vec<String> {
    let p = &pr.profile;
    let mut v = Vec::new();
    if let Some(m) = p.mappings.first() {
        if !m.file.is_empty() {
            v.push(format!("File: {}", m.file.rsplit('/').next().unwrap_or(&m.file)));
        }
        if !m.build_id.is_empty() {
            v.push(format!("Build ID: {}", m.build_id));
        }
    }
    for c in &p.comments {
        if !c.starts_with('#') {
            v.push(c.clone());
        }
    }
    v.push(format!("Type: {}", pr.sample_type().ty));
    if p.time_nanos != 0 {
        v.push(format!("Time: {}", format_time(p.time_nanos)));
    }
    if p.duration_nanos != 0 {
        let duration = units::label(p.duration_nanos, "nanoseconds");
        let (tn, tu) = units::scale(pr.total, &pr.sample_type().unit, "nanoseconds");
        let ratio = if tu == "ns" && tn != 0.0 {
            format!("({})", units::percentage(tn as i64, p.duration_nanos))
        } else {
            String::new()
        };
        v.push(format!("Duration: {}, Total samples = {} {}", duration, format_value(pr, pr.total, unit), ratio));
    }
    v
}

/// Formats nanoseconds since the epoch as pprof does ("Jan 2, 2006 at 3:04pm (MST)"), in UTC.
pub fn format_time(nanos: i64) -> String {
    let secs = nanos.div_euclid(1_000_000_000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (h, min) = (sod / 3600, (sod % 3600) / 60);
    let h12 = if h % 12 == 0 { 12 } else { h % 12 };
    let ampm = if h < 12 { "am" } else { "pm" };
    format!("{} {}, {} at {}:{:02}{} (UTC)", MONTHS[(m - 1) as usize], d, y, h12, min, ampm)
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// pprof's `reportLabels` for a table: the profile's facts, active filters,
/// what the shown nodes account for, and what pruning dropped.
fn report_labels(pr: &Prepared, t: &Top) -> Vec<String> {
    let fv = |v: i64| format_value(pr, v, &t.output_unit);
    let mut labels = profile_labels(pr, &t.output_unit);
    let filters = pr.query.active_filters();
    if !filters.is_empty() {
        labels.push("Active filters:".to_string());
        for f in filters {
            let f = if f.len() > 80 {
                let mut cut = 80;
                while !f.is_char_boundary(cut) {
                    cut -= 1;
                }
                format!("{}…", &f[..cut])
            } else {
                f
            };
            labels.push(format!("   {f}"));
        }
    }
    let flat_sum: i64 = t.rows.iter().map(|r| r.flat).fold(0, |a, b| a.wrapping_add(b));
    labels.push(format!(
        "Showing nodes accounting for {}, {} of {} total",
        fv(flat_sum),
        units::percentage(flat_sum, t.total).trim(),
        fv(t.total)
    ));
    if t.total != 0 {
        if t.dropped_nodes > 0 {
            let cut = ((t.total as f64 * pr.query.nodefraction) as i64).wrapping_abs();
            let plural = if t.dropped_nodes > 1 { "nodes" } else { "node" };
            labels.push(format!("Dropped {} {} (cum <= {})", t.dropped_nodes, plural, fv(cut)));
        }
        if !t.rows.is_empty() && t.rows.len() < t.orig_count {
            labels.push(format!("Showing top {} nodes out of {}", t.rows.len(), t.orig_count));
        }
    }
    labels
}

/// flat, flat%, sum%, cum, cum% of a row as pprof prints them.
fn row_values(pr: &Prepared, t: &Top, r: &TopRow, sum: i64) -> String {
    let fv = |v: i64| format_value(pr, v, &t.output_unit);
    format!(
        "{:>10} {} {} {:>10} {}",
        fv(r.flat),
        units::percentage(r.flat, t.total),
        units::percentage(sum, t.total),
        fv(r.cum),
        units::percentage(r.cum, t.total)
    )
}

/// The text of `go tool pprof -top`.
pub fn top_text(pr: &Prepared) -> String {
    let t = top(pr);
    let mut out = report_labels(pr, &t).join("\n");
    out.push('\n');
    let _ = writeln!(out, "{:>10} {:>5}% {:>5}% {:>10} {:>5}%", "flat", "flat", "sum", "cum", "cum");
    let mut sum = 0i64;
    for r in &t.rows {
        sum = sum.wrapping_add(r.flat);
        let inl = if r.inline_label.is_empty() { String::new() } else { format!(" {}", r.inline_label) };
        let _ = writeln!(out, "{}  {}{}", row_values(pr, &t, r, sum), r.name, inl);
    }
    out
}

/// A group of goroutines in a goroutine profile: one sample.
#[derive(Clone, Debug, PartialEq)]
pub struct GoroutineGroup {
    /// Goroutines in the group.
    pub count: i64,
    /// State label ("" when the profile has none: Go's own goroutine profiles).
    pub state: String,
    /// What it waits on: the label, else named from the runtime frames.
    pub blocked_on: String,
    /// Longest wait in minutes (dumps only).
    pub wait_minutes: i64,
    /// The innermost frame of the program's own code (else the leaf).
    pub function: String,
    /// Creator label.
    pub created_by: String,
}

/// The samples of a goroutine profile (or converted dump) as groups,
/// largest first.
pub fn goroutine_groups(p: &crate::Profile) -> Vec<GoroutineGroup> {
    let vi = p.default_index();
    let l = &p.samples.labels;
    let mut out: Vec<GoroutineGroup> = (0..p.samples.len())
        .map(|s| {
            let label = |k: &str| {
                p.samples
                    .label_range(s)
                    .find(|&i| p.str(l.key[i]) == k)
                    .map(|i| (p.str(l.str[i]).to_string(), l.num[i]))
            };
            let names: Vec<&str> = p
                .samples
                .stack(s)
                .iter()
                .flat_map(|&loc| {
                    p.locations.frames(loc as usize).map(|f| p.str(p.functions.name[p.frames.func[f] as usize]))
                })
                .collect();
            let function = names
                .iter()
                .find(|n| series::is_own_code(n))
                .or(names.first())
                .map(|n| n.to_string())
                .unwrap_or_default();
            let owned: Vec<String> = names.iter().map(|n| n.to_string()).collect();
            let named = series::blocked_on(&owned);
            let from_stack = (!named.is_empty()).then_some(named);
            GoroutineGroup {
                count: p.value(s, vi),
                state: label("state").map(|x| x.0).unwrap_or_default(),
                blocked_on: label("blocked on").map(|x| x.0).or(from_stack).unwrap_or_default(),
                wait_minutes: label("wait").map(|x| x.1).unwrap_or(0),
                function,
                created_by: label("created by").map(|x| x.0).unwrap_or_default(),
            }
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(b.wait_minutes.cmp(&a.wait_minutes)));
    out
}

/// The text of `go tool pprof -peek=RE`: for each node whose name matches
/// `rx`, its callers and callees with the weight through each edge. As pprof
/// does for peek, nothing is pruned (set nodefraction and edgefraction to 0).
pub fn peek_text(pr: &Prepared, rx: &regex::Regex) -> crate::Result<String> {
    const SEP: &str = "----------------------------------------------------------+-------------";
    const LEGEND: &str = "      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t ";
    let t = top(pr);
    let unit = &t.output_unit;
    let fv = |v: i64| format_value(pr, v, unit);
    let nodes = &pr.nodes;
    let g = graph::edges_into(&pr.profile, &pr.stacks, nodes.len(), pr.value_index, None, None);
    let mut ins: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    let mut outs: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for (i, e) in g.edges.iter().enumerate() {
        ins[e.dst as usize].push(i);
        outs[e.src as usize].push(i);
    }
    let names: Vec<String> = (0..nodes.len()).map(|n| nodes.printable_name(n)).collect();
    let sort_edges = |v: &mut Vec<usize>| {
        v.sort_by(|&a, &b| {
            let (x, y) = (&g.edges[a], &g.edges[b]);
            if x.weight != y.weight {
                return y.weight.unsigned_abs().cmp(&x.weight.unsigned_abs());
            }
            names[x.src as usize]
                .cmp(&names[y.src as usize])
                .then_with(|| names[x.dst as usize].cmp(&names[y.dst as usize]))
        })
    };
    let mut out = String::new();
    let labels = report_labels(pr, &t);
    out.push_str(&labels.join("\n"));
    out.push('\n');
    let _ = writeln!(out, "{SEP}");
    let _ = writeln!(out, "{LEGEND}");
    let mut sum = 0i64;
    let mut matched = 0;
    for r in &t.rows {
        if !rx.is_match(&r.name) {
            continue;
        }
        matched += 1;
        let n = r.node as usize;
        let _ = writeln!(out, "{SEP}");
        // One line per edge: weight, its share of the node's cum, the other end.
        let edge_lines = |out: &mut String, list: &[usize], other: &dyn Fn(&graph::Edge) -> u32| {
            let mut v = list.to_vec();
            sort_edges(&mut v);
            for &e in &v {
                let e = &g.edges[e];
                let inl = if e.inline { " (inline)" } else { "" };
                let pct = units::percentage(e.weight, r.cum);
                let _ = writeln!(out, "{:>50} {} |   {}{}", fv(e.weight), pct, names[other(e) as usize], inl);
            }
        };
        edge_lines(&mut out, &ins[n], &|e| e.src);
        sum = sum.wrapping_add(r.flat);
        let _ = writeln!(out, "{}                | {}", row_values(pr, &t, r, sum), r.name);
        edge_lines(&mut out, &outs[n], &|e| e.dst);
    }
    if !t.rows.is_empty() {
        let _ = writeln!(out, "{SEP}");
    }
    if matched == 0 {
        return Err(crate::Error::new(
            crate::ErrorKind::BadQuery,
            format!("no matches found for regexp: {}", rx.as_str()),
        ));
    }
    Ok(out)
}

/// The text of `go tool pprof -traces`.
pub fn traces_text(pr: &Prepared) -> String {
    const SEP: &str = "-----------+-------------------------------------------------------";
    let p = &pr.profile;
    let unit = pr.query.unit.as_str();
    let mut out = profile_labels(pr, unit).join("\n");
    out.push('\n');
    let label_units = p.num_label_units();
    let nodes = &pr.nodes;
    let nt = p.sample_types.len();
    for (k, &s) in pr.stacks.samples.iter().enumerate() {
        let s = s as usize;
        // Leaf first, each location's frames innermost first: the reverse of the root-first stack.
        let stack: Vec<(u32, bool)> =
            pr.stacks.stack(k).iter().rev().map(|&raw| (raw & !graph::INLINED, raw & graph::INLINED != 0)).collect();
        if stack.is_empty() {
            continue;
        }
        out.push_str(SEP);
        out.push('\n');
        let l = &p.samples.labels;
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        let mut num_groups: Vec<(String, Vec<String>)> = Vec::new();
        for i in p.samples.label_range(s) {
            let key = p.str(l.key[i]).to_string();
            if l.str[i] != 0 {
                push_group(&mut groups, key, p.str(l.str[i]).to_string());
            } else {
                let u = label_units.get(&key).cloned().unwrap_or_default();
                let v = units::label(l.num[i], &u);
                push_group(&mut num_groups, key, v);
            }
        }
        for g in [groups, num_groups] {
            let mut lines: Vec<String> =
                g.into_iter().map(|(k, vs)| format!("{:>10}:  {}\n", k, vs.join(" "))).collect();
            lines.sort();
            for x in lines {
                out.push_str(&x);
            }
        }
        let v = p.samples.values[s * nt + pr.value_index];
        for (i, &(n, inline)) in stack.iter().enumerate() {
            let vs = if i == 0 { format_value(pr, v, unit) } else { String::new() };
            let inl = if inline { " (inline)" } else { "" };
            let _ = writeln!(out, "{:>10}   {}{}", vs, nodes.printable_name(n as usize), inl);
        }
    }
    out.push_str(SEP);
    out.push('\n');
    out
}

fn push_group(groups: &mut Vec<(String, Vec<String>)>, key: String, v: String) {
    match groups.iter_mut().find(|(k, _)| *k == key) {
        Some((_, vs)) => vs.push(v),
        None => groups.push((key, vec![v])),
    }
}

#[cfg(test)]
mod tests {
    use super::format_time;

    #[test]
    fn time_like_pprof() {
        // 2026-11-27 07:32:10 UTC
        assert_eq!(format_time(1_795_764_730_000_000_000), "Nov 27, 2026 at 7:32am (UTC)");
        assert_eq!(format_time(0), "Jan 1, 1970 at 12:00am (UTC)");
    }
}
