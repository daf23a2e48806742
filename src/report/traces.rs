//! `go tool pprof -traces`: every kept sample's stack with its labels.

use super::top::{format_value, profile_labels};
use crate::aggregate::graph;
use crate::aggregate::Prepared;
use crate::units;
use std::fmt::Write;

/// The text of `go tool pprof -traces`.
pub fn traces_text(pr: &Prepared) -> String {
    const SEP: &str = "-----------+-------------------------------------------------------";
    let p = &pr.profile;
    let unit = pr.query.unit.as_str();
    let mut out = profile_labels(pr, unit).join("\n");
    out.push('\n');
    let label_units = p.num_label_units();
    let nodes = &pr.nodes;
    for (k, &s) in pr.stacks.samples.iter().enumerate() {
        let s = s as usize;
        // Leaf first, each location's frames innermost first: the reverse of the root-first stack.
        let mut stack: Vec<(u32, bool)> =
            pr.stacks.stack(p, k).iter().map(|raw| (raw & !graph::INLINED, raw & graph::INLINED != 0)).collect();
        stack.reverse();
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
        let v = p.value(s, pr.value_index);
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
