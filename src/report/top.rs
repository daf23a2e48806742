//! The top table (`go tool pprof -top`): pprof's pruning, sorting, unit
//! choice and header lines.

use crate::aggregate::graph::{self, Nodes};
use crate::aggregate::Prepared;
use crate::units::{self, format_time};
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
    /// The place of its name in the rows' names sorted (equal names, equal
    /// places): sorts by name compare these numbers instead.
    pub name_rank: u32,
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
    let (mut t, cut) = rows_from(pr, g);
    let labels = inline_labels(pr, &t, &cut);
    for r in &mut t.rows {
        r.inline_label = labels[r.node as usize];
    }
    t
}

/// What [`inline_labels`] needs of the pruning [`rows_from`] did.
pub struct LabelCut {
    /// The nodes kept by the node fraction (every node when `None`).
    kept: Option<Vec<bool>>,
    /// |weight| below which an edge is not shown.
    edge_cutoff: i64,
    /// Per node: its cum.
    cum: Vec<i64>,
}

/// The rows of [`top_from`] without their inline labels (all ""), and
/// what [`inline_labels`] needs to add them: the rows come from one value
/// pass, the labels from a pass over the edges, which costs far more (the
/// page shows the rows first).
pub fn rows_from(pr: &Prepared, g: graph::Graph) -> (Top, LabelCut) {
    let q = &pr.query;
    let nodes = &pr.nodes;
    // pprof builds the graph, drops nodes below the cutoff and rebuilds, then
    // keeps the top `nodecount` and rebuilds again. A rebuild treats dropped
    // nodes as absent, which never changes a kept node's values: cum counts
    // the samples through the node either way, and flat still goes to the
    // leaf only when the leaf itself is kept. So one value pass suffices;
    // only the edges (for the inline labels) need a pass over the final set.
    let f = fraction_cut(&g, nodes.len(), q.nodefraction, q.edgefraction);
    let (edge_cutoff, dropped_nodes) = (f.edge_cutoff, f.dropped_nodes);
    let (mut kept, mut present) = (f.kept, f.present);
    let orig_count = present.len();
    let names: Vec<String> = {
        // Printable names of every node that can appear.
        let mut v = vec![String::new(); nodes.len()];
        for &n in &present {
            v[n as usize] = nodes.printable_name(n as usize);
        }
        v
    };
    let rank = name_ranks(&present, &names);
    sort_nodes(&mut present, &g, &rank, nodes, q.cum);
    let nodecount = q.nodecount.unwrap_or(TOP_DEFAULT_NODECOUNT);
    if nodecount > 0 && nodecount < present.len() {
        present.truncate(nodecount);
        kept = Some(mask_of(&present, nodes.len()));
    }
    let rows: Vec<TopRow> = present
        .iter()
        .map(|&n| {
            let i = n as usize;
            TopRow {
                node: n,
                name: names[i].clone(),
                inline_label: "",
                flat: g.flat[i],
                cum: g.cum[i],
                name_rank: rank[i],
            }
        })
        .collect();
    let output_unit = select_output_unit(&rows, pr.total, &q.unit, &pr.sample_type().unit);
    let top = Top { rows, output_unit, total: pr.total, dropped_nodes, orig_count };
    (top, LabelCut { kept, edge_cutoff, cum: g.cum })
}

/// pprof's inline label of each node (by node id) shown in `top`:
/// "(inline)" when every shown edge into it is inlined, "(partial-inline)"
/// when some are, else "".
pub fn inline_labels(pr: &Prepared, top: &Top, cut: &LabelCut) -> Vec<&'static str> {
    let p = &pr.profile;
    let vi = pr.value_index;
    let nodes = &pr.nodes;
    let present: Vec<u32> = top.rows.iter().map(|r| r.node).collect();
    // Only nodes held at an inlined position somewhere can get an inline
    // label; every in-edge of the others is a plain call.
    let mut targets = nodes.inlined_somewhere();
    let shown = mask_of(&present, nodes.len());
    for (t, s) in targets.iter_mut().zip(&shown) {
        *t &= *s;
    }
    // An edge into a node carries at most what passes through the node (its
    // cum) when no sample value is negative: a node whose cum is below the
    // edge cutoff has no in-edge that counts, and its label is plain.
    let edge_cutoff = cut.edge_cutoff;
    let nonnegative = (0..p.samples.len()).all(|s| p.value(s, vi) >= 0);
    if edge_cutoff > 0 && nonnegative {
        for (t, c) in targets.iter_mut().zip(&cut.cum) {
            *t &= *c >= edge_cutoff;
        }
    }
    let mut labels = vec![""; nodes.len()];
    if !targets.iter().any(|&t| t) {
        return labels;
    }
    let fg = graph::edges_into(p, &pr.stacks, nodes.len(), vi, cut.kept.as_deref(), Some(&targets));
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
    for (i, l) in labels.iter_mut().enumerate() {
        *l = match (has_inline[i], has_call[i]) {
            (true, true) => "(partial-inline)",
            (true, false) => "(inline)",
            _ => "",
        };
    }
    labels
}

/// pprof's first pruning step: the graph's nodes that the node fraction
/// keeps, the node and edge cutoffs (fractions of the flat total), and how
/// many nodes the cut drops.
pub(crate) struct FractionCut {
    /// The nodes kept, in id order.
    pub present: Vec<u32>,
    /// Them as a mask over every node id, when the cut dropped any.
    pub kept: Option<Vec<bool>>,
    /// Nodes dropped.
    pub dropped_nodes: usize,
    /// |cum| below which a node goes.
    pub node_cutoff: i64,
    /// |weight| below which an edge goes.
    pub edge_cutoff: i64,
}

/// [`FractionCut`] of the node values `g` over `n` node ids.
pub(crate) fn fraction_cut(g: &graph::Graph, n: usize, nodefraction: f64, edgefraction: f64) -> FractionCut {
    let mut present = g.present();
    let total_value: i64 = present.iter().map(|&n| g.flat[n as usize]).fold(0i64, |a, b| a.wrapping_add(b));
    let node_cutoff = ((total_value as f64 * nodefraction) as i64).wrapping_abs();
    let edge_cutoff = ((total_value as f64 * edgefraction) as i64).wrapping_abs();
    let (mut kept, mut dropped_nodes) = (None, 0);
    if node_cutoff > 0 {
        let keep: Vec<u32> =
            present.iter().copied().filter(|&n| g.cum[n as usize].wrapping_abs() >= node_cutoff).collect();
        if keep.len() != present.len() {
            dropped_nodes = present.len() - keep.len();
            kept = Some(mask_of(&keep, n));
            present = keep;
        }
    }
    FractionCut { present, kept, dropped_nodes, node_cutoff, edge_cutoff }
}

/// The nodes `keep` as a mask over `n` node ids.
pub(crate) fn mask_of(keep: &[u32], n: usize) -> Vec<bool> {
    let mut m = vec![false; n];
    for &k in keep {
        m[k as usize] = true;
    }
    m
}

/// Per node id, the place of its name among those of `present` sorted by
/// name; equal names share one.
fn name_ranks(present: &[u32], names: &[String]) -> Vec<u32> {
    let mut by_name = present.to_vec();
    crate::order::sort_by_name(&mut by_name, names);
    let mut rank = vec![0u32; names.len()];
    let mut r = 0u32;
    for (k, &n) in by_name.iter().enumerate() {
        if k > 0 && names[n as usize] != names[by_name[k - 1] as usize] {
            r += 1;
        }
        rank[n as usize] = r;
    }
    rank
}

/// `present` in pprof's order: by flat (or cum), name, cum (or flat).
fn sort_nodes(present: &mut [u32], g: &graph::Graph, name_rank: &[u32], nodes: &Nodes, cum: bool) {
    crate::order::sort_by(present, |&a, &b| {
        let (a, b) = (a as usize, b as usize);
        let (fa, fb) = (g.flat[a].wrapping_abs(), g.flat[b].wrapping_abs());
        let (ca, cb) = (g.cum[a].wrapping_abs(), g.cum[b].wrapping_abs());
        let (na, nb) = (name_rank[a], name_rank[b]);
        let ord = if cum {
            cb.cmp(&ca).then(na.cmp(&nb)).then_with(|| fb.cmp(&fa))
        } else {
            fb.cmp(&fa).then(na.cmp(&nb)).then_with(|| cb.cmp(&ca))
        };
        ord.then_with(|| nodes.go_sprint(a).cmp(&nodes.go_sprint(b)))
    });
}

/// The output unit of a report showing every node (no pruning): pprof's
/// `selectOutputUnit` over all nodes, from one value pass (no edges).
pub fn unpruned_output_unit(pr: &Prepared) -> String {
    let g = graph::build(&pr.profile, &pr.stacks, pr.nodes.len(), pr.value_index, None, false);
    output_unit_of(pr, &g)
}

/// [`unpruned_output_unit`] from the view's node values, already computed.
pub fn output_unit_of(pr: &Prepared, g: &graph::Graph) -> String {
    let vals: Vec<(i64, i64)> = g.present().iter().map(|&n| (g.flat[n as usize], g.cum[n as usize])).collect();
    select_unit(&vals, pr.total, &pr.query.unit, &pr.sample_type().unit)
}

/// pprof's `selectOutputUnit`.
fn select_output_unit(rows: &[TopRow], total: i64, unit: &str, sample_unit: &str) -> String {
    let vals: Vec<(i64, i64)> = rows.iter().map(|r| (r.flat, r.cum)).collect();
    select_unit(&vals, total, unit, sample_unit)
}

pub(crate) fn select_unit(rows: &[(i64, i64)], total: i64, unit: &str, sample_unit: &str) -> String {
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

/// pprof's `reportLabels` for a table: the profile's facts, active filters,
/// what the shown nodes account for, and what pruning dropped.
pub(crate) fn report_labels(pr: &Prepared, t: &Top) -> Vec<String> {
    let flat_sum: i64 = t.rows.iter().map(|r| r.flat).fold(0, |a, b| a.wrapping_add(b));
    let shown = Shown {
        flat_sum,
        nodes: t.rows.len(),
        orig_count: t.orig_count,
        dropped_nodes: t.dropped_nodes,
        dropped_edges: 0,
        nodefraction: pr.query.nodefraction,
        edgefraction: pr.query.edgefraction,
    };
    legend(pr, &t.output_unit, &shown)
}

/// What a pruned report shows, for its legend.
pub(crate) struct Shown {
    /// Sum of the shown nodes' flat values.
    pub flat_sum: i64,
    /// Nodes shown.
    pub nodes: usize,
    /// Nodes before the node count was applied.
    pub orig_count: usize,
    /// Nodes dropped by the node fraction.
    pub dropped_nodes: usize,
    /// Edges dropped by the edge fraction.
    pub dropped_edges: usize,
    /// The node fraction applied.
    pub nodefraction: f64,
    /// The edge fraction applied.
    pub edgefraction: f64,
}

/// pprof's `reportLabels`: the profile's facts, active filters, what the
/// shown nodes account for, and what pruning dropped.
pub(crate) fn legend(pr: &Prepared, unit: &str, s: &Shown) -> Vec<String> {
    let fv = |v: i64| format_value(pr, v, unit);
    let mut labels = profile_labels(pr, unit);
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
    labels.push(format!(
        "Showing nodes accounting for {}, {} of {} total",
        fv(s.flat_sum),
        units::percentage(s.flat_sum, pr.total).trim(),
        fv(pr.total)
    ));
    if pr.total != 0 {
        let dropped = |n: usize, what: &str, by: &str, fraction: f64| {
            let cut = ((pr.total as f64 * fraction) as i64).wrapping_abs();
            let plural = if n > 1 { "s" } else { "" };
            format!("Dropped {n} {what}{plural} ({by} <= {})", fv(cut))
        };
        if s.dropped_nodes > 0 {
            labels.push(dropped(s.dropped_nodes, "node", "cum", s.nodefraction));
        }
        if s.dropped_edges > 0 {
            labels.push(dropped(s.dropped_edges, "edge", "freq", s.edgefraction));
        }
        if s.nodes > 0 && s.nodes < s.orig_count {
            labels.push(format!("Showing top {} nodes out of {}", s.nodes, s.orig_count));
        }
    }
    labels
}

/// flat, flat%, sum%, cum, cum% of a row as pprof prints them.
pub(crate) fn row_values(pr: &Prepared, t: &Top, r: &TopRow, sum: i64) -> String {
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
