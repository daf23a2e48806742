//! `go tool pprof -peek`: callers and callees of matching nodes as text.

use super::top::{format_value, report_labels, row_values, top};
use crate::aggregate::graph;
use crate::aggregate::Prepared;
use crate::units;
use std::fmt::Write;

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
        crate::order::sort_by(v, |&a, &b| {
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
