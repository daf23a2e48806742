//! `go tool pprof -list`: the source lines of matching functions with flat
//! and cum per line, five lines of context around them, one routine per
//! function and file. The view must be at lines granularity (as pprof's
//! `list` forces it). Sources come from a [`Sources`]: the CLI reads the
//! disk, the page the folder the user picked, with the same path rules
//! ([`crate::paths`]).

use super::top::format_value;
use crate::aggregate::graph;
use crate::aggregate::Prepared;
use crate::error::{Error, ErrorKind, Result};
use crate::units;
use std::collections::HashMap;
use std::fmt::Write;

/// Where a listing reads source files from.
pub trait Sources {
    /// The lines of the file a profile names `path` (already trimmed as the
    /// graph's node files are), or the sentence saying why there are none.
    fn lines(&mut self, path: &str) -> std::result::Result<&[String], String>;
}

/// Lines of context before the first and after the last line with a value.
const MARGIN: i64 = 5;

/// One routine: a function's lines in one file.
#[derive(Clone, Debug, PartialEq)]
pub struct Routine {
    /// The function's name.
    pub name: String,
    /// The file, as the profile names it (trimmed).
    pub file: String,
    /// Flat and cum of the function in this file.
    pub flat: i64,
    /// Cum of the function in this file.
    pub cum: i64,
    /// First and last line to show (before reading the file).
    pub start: i64,
    /// Last line to show.
    pub end: i64,
    /// (flat, cum) per line that has a value.
    pub lines: HashMap<i64, (i64, i64)>,
    /// The graph nodes (lines) of the routine.
    pub nodes: Vec<usize>,
}

/// The routines of functions whose name matches `rx`, sorted by name then
/// file, as pprof's `printSource` groups them; `None` entries are
/// functions without any file ("No source information").
pub fn routines(pr: &Prepared, rx: &regex::Regex) -> Result<Vec<(String, Vec<Routine>)>> {
    let g = graph::build(&pr.profile, &pr.stacks, pr.nodes.len(), pr.value_index, None, false);
    routines_with(pr, &g, rx)
}

/// [`routines`] from the view's node values, already computed (the page
/// keeps them while the user goes from function to function).
pub fn routines_with(pr: &Prepared, g: &graph::Graph, rx: &regex::Regex) -> Result<Vec<(String, Vec<Routine>)>> {
    let nodes = &pr.nodes;
    let mut by_name: Vec<(String, Vec<usize>)> = Vec::new();
    let mut index: HashMap<u32, usize> = HashMap::new();
    for n in 0..nodes.len() {
        if g.flat[n] == 0 && g.cum[n] == 0 {
            continue;
        }
        let key = nodes.keys[n].name;
        let name = nodes.str(key);
        if !rx.is_match(name) {
            continue;
        }
        let k = *index.entry(key).or_insert_with(|| {
            by_name.push((name.to_string(), Vec::new()));
            by_name.len() - 1
        });
        by_name[k].1.push(n);
    }
    if by_name.is_empty() {
        return Err(Error::new(ErrorKind::BadQuery, format!("no matches found for regexp: {}", rx.as_str())));
    }
    crate::order::sort_by(&mut by_name, |a, b| a.0.cmp(&b.0));
    Ok(by_name
        .into_iter()
        .map(|(name, ns)| {
            let mut files: Vec<(String, Vec<usize>)> = Vec::new();
            for n in ns {
                let file = nodes.str(nodes.keys[n].file);
                if file.is_empty() {
                    continue;
                }
                match files.iter_mut().find(|f| f.0 == file) {
                    Some(f) => f.1.push(n),
                    None => files.push((file.to_string(), vec![n])),
                }
            }
            crate::order::sort_by(&mut files, |a, b| a.0.cmp(&b.0));
            let routines = files.into_iter().map(|(file, ns)| routine(&name, file, &ns, pr, g)).collect();
            (name, routines)
        })
        .collect())
}

/// pprof's `getSourceFromFile` range rule and per-line sums.
fn routine(name: &str, file: String, ns: &[usize], pr: &Prepared, g: &graph::Graph) -> Routine {
    let line = |n: usize| pr.nodes.keys[n].line;
    let start_line = |n: usize| pr.nodes.keys[n].start_line;
    let first = ns[0];
    let mut start = if start_line(first) != 0 { start_line(first) } else { line(first) - MARGIN };
    let mut end = line(first) + MARGIN;
    let mut lines: HashMap<i64, (i64, i64)> = HashMap::new();
    let (mut flat, mut cum) = (0i64, 0i64);
    for &n in ns {
        let l = line(n);
        let node_start = if start_line(n) != 0 { start_line(n) } else { l - MARGIN };
        // pprof's own order of checks (an `else if`), kept for identical ranges.
        if node_start < start {
            start = node_start;
        } else if l + MARGIN > end {
            end = l + MARGIN;
        }
        let e = lines.entry(l).or_insert((0, 0));
        e.0 = e.0.wrapping_add(g.flat[n]);
        e.1 = e.1.wrapping_add(g.cum[n]);
        flat = flat.wrapping_add(g.flat[n]);
        cum = cum.wrapping_add(g.cum[n]);
    }
    Routine { name: name.to_string(), file, flat, cum, start: start.max(1), end, lines, nodes: ns.to_vec() }
}

/// The text of `go tool pprof -list=RE`.
pub fn list_text(pr: &Prepared, rx: &regex::Regex, sources: &mut dyn Sources) -> Result<String> {
    let unit = pr.query.unit.as_str();
    let fv = |v: i64| format_value(pr, v, unit);
    let mut out = format!("Total: {}\n", fv(pr.total));
    for (name, routines) in routines(pr, rx)? {
        if routines.is_empty() {
            let _ = writeln!(out, "No source information for {name}");
            continue;
        }
        for r in routines {
            let _ = writeln!(out, "ROUTINE ======================== {} in {}", r.name, r.file);
            let pct = units::percentage(r.cum, pr.total);
            let _ = writeln!(out, "{:>10} {:>10} (flat, cum) {pct} of Total", fv(r.flat), fv(r.cum));
            let text = match sources.lines(&r.file) {
                Ok(t) => t,
                Err(e) => {
                    let _ = writeln!(out, " Error: {e}");
                    continue;
                }
            };
            let dot = |v: i64| if v == 0 { ".".to_string() } else { fv(v) };
            for l in r.start..=r.end {
                let Some(src) = usize::try_from(l - 1).ok().and_then(|i| text.get(i)) else { break };
                let (f, c) = r.lines.get(&l).copied().unwrap_or((0, 0));
                let _ = writeln!(out, "{:>10} {:>10} {:>6}:{}", dot(f), dot(c), l, src);
            }
        }
    }
    Ok(out)
}
