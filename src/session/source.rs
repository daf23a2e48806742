//! The Source panel: a function's lines with flat and cum per line, as
//! `go tool pprof -list` computes them (lines granularity, the view's
//! sample type and refinements), and in a comparison each line's base, new
//! and change. The page reads the source files itself, from the folders the
//! user picked; this says which lines and which values.

use super::Session;
use crate::aggregate::graph;
use crate::aggregate::Prepared;
use crate::error::{Error, ErrorKind, Result};
use crate::query::Granularity;
use crate::report::list;

/// A view at lines granularity and its values, kept while the Source panel
/// goes from function to function.
pub(super) struct LinesView {
    prepared: Prepared,
    values: graph::Graph,
    /// A comparison's (base, new) values.
    split: Option<(graph::Graph, graph::Graph)>,
    /// A comparison's verdict on each line node's cum change ("grew",
    /// "shrank", "~" or "" untested), as the table's.
    verdicts: Vec<&'static str>,
}

/// One line with a value.
#[derive(Clone, Debug, PartialEq)]
pub struct LineFacts {
    /// The line number.
    pub line: i64,
    /// Flat and cum, as text ("." for zero, as pprof prints them).
    pub flat: String,
    /// Cum as text.
    pub cum: String,
    /// |cum| for the heat bar.
    pub weight: f64,
    /// In a comparison: base and new cum, as text, and the relative change
    /// of cum (−1..1, ±1 for lines on one side only), for the diff colours.
    pub base: String,
    /// The new side's cum.
    pub new: String,
    /// The change of cum relative to the larger side.
    pub change: f64,
    /// Functions inlined at this line (its call sites the compiler inlined).
    pub inlined: Vec<String>,
    /// In a comparison: "grew" or "shrank" when the line's change is
    /// significant, "~" when it is noise, "" when untested.
    pub noise: String,
}

/// A function's lines in one file.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceRoutine {
    /// The function.
    pub name: String,
    /// The file as the profile names it (after -trim_path rules).
    pub file: String,
    /// Flat and cum of the function in this file, and cum's share of the total.
    pub flat: String,
    /// Cum as text.
    pub cum: String,
    /// Cum as a share of the total.
    pub pct: String,
    /// First and last line to show, as pprof chooses them.
    pub start: i64,
    /// Last line to show.
    pub end: i64,
    /// The lines with a value, in line order.
    pub lines: Vec<LineFacts>,
}

impl Session {
    /// The source listing of graph node `node`'s function in the current
    /// view: one routine per file, as `pprof-lens list '^name$'` with the
    /// view's sample type and refinements.
    pub fn source(&self, id: u32, node: u32) -> Result<Vec<SourceRoutine>> {
        let c = self.current(id)?;
        let nodes = &c.prepared.nodes;
        let key = nodes
            .keys
            .get(node as usize)
            .ok_or_else(|| Error::new(ErrorKind::BadQuery, "no such function in this view"))?;
        let name = nodes.str(key.name);
        if name.is_empty() {
            return Err(Error::new(
                ErrorKind::BadQuery,
                "this view groups by file, not by function: choose the functions granularity to see a function's source",
            ));
        }
        let rx = regex::Regex::new(&format!("^{}$", regex::escape(name))).expect("an escaped name is a regex");
        self.source_of(id, &rx, Some(name))
    }

    /// The source listings of every function matching `pattern`, as
    /// `pprof-lens list REGEX` (`go tool pprof -list=REGEX`) lists them.
    pub fn source_matching(&self, id: u32, pattern: &str) -> Result<Vec<SourceRoutine>> {
        let rx = super::view::regex(pattern, "list")?;
        let out = self.source_of(id, &rx, None)?;
        if out.is_empty() {
            return Err(Error::new(ErrorKind::BadQuery, format!("no function of this view matches {pattern}")));
        }
        Ok(out)
    }

    /// The listings of the functions `rx` matches; `name` when it is one
    /// function (its inlined call sites are marked).
    fn source_of(&self, id: u32, rx: &regex::Regex, name: Option<&str>) -> Result<Vec<SourceRoutine>> {
        let c = self.current(id)?;
        let pr = &c.prepared;
        // The same view at lines granularity with its values, made once per
        // view: switching functions then costs one pass over its nodes.
        let LinesView { prepared: lines, values, split, verdicts } = match c.lines.get() {
            Some(l) => l,
            None => {
                let mut q = pr.query.clone();
                q.granularity = Granularity::Lines;
                let l = Prepared::from_profile(pr.profile.clone(), q)?;
                let values = graph::build(&l.profile, &l.stacks, l.nodes.len(), l.value_index, None, false);
                let split = c
                    .compare
                    .then(|| graph::split_values(&l.profile, &l.stacks, l.nodes.len(), l.value_index, &c.is_base));
                // The lines' verdicts, as the table's (none when they cannot be had).
                let verdicts = split
                    .as_ref()
                    .and_then(|(b, n)| self.verdicts(id, &l, &c.is_base, (b, n), c.totals.0).ok())
                    .map(|(t, _)| t.into_iter().map(|[_, cum]| crate::report::diff::verdict(cum)).collect())
                    .unwrap_or_default();
                c.lines.get_or_init(|| LinesView { prepared: l, values, split, verdicts })
            }
        };
        let fv = |v: i64| crate::report::format_value(lines, v, &lines.query.unit);
        let dot = |v: i64| if v == 0 { ".".to_string() } else { fv(v) };
        let inlined = name.map(|n| inlined_call_sites(lines, n)).unwrap_or_default();
        let routines = list::routines_with(lines, values, rx)?.into_iter().flat_map(|(_, r)| r);
        Ok(routines
            .map(|r| {
                let mut ls: Vec<LineFacts> = r
                    .lines
                    .iter()
                    .map(|(&line, &(flat, cum))| {
                        let (mut b, mut n) = (0i64, 0i64);
                        let mut noise = "";
                        if let Some((bg, ng)) = &split {
                            for &k in r.nodes.iter().filter(|&&k| lines.nodes.keys[k].line == line) {
                                b = b.wrapping_add(bg.cum[k]);
                                n = n.wrapping_add(ng.cum[k]);
                                // A significant node makes the line's verdict; else noise if tested.
                                match (noise, verdicts.get(k).copied().unwrap_or("")) {
                                    ("grew" | "shrank", _) | (_, "") => {}
                                    (_, v) => noise = v,
                                }
                            }
                        }
                        let big = b.unsigned_abs().max(n.unsigned_abs()) as f64;
                        LineFacts {
                            line,
                            flat: dot(flat),
                            cum: dot(cum),
                            weight: cum.unsigned_abs() as f64,
                            base: if split.is_some() { dot(b) } else { String::new() },
                            new: if split.is_some() { dot(n) } else { String::new() },
                            change: if big > 0.0 { (n - b) as f64 / big } else { 0.0 },
                            inlined: inlined.get(&(r.file.clone(), line)).cloned().unwrap_or_default(),
                            noise: noise.to_string(),
                        }
                    })
                    .collect();
                ls.sort_by_key(|l| l.line);
                SourceRoutine {
                    pct: crate::units::percentage(r.cum, lines.total).trim().to_string(),
                    flat: fv(r.flat),
                    cum: fv(r.cum),
                    name: r.name,
                    file: r.file,
                    start: r.start,
                    end: r.end,
                    lines: ls,
                }
            })
            .collect())
    }
}

/// The functions inlined at each line (file as the view names files, line)
/// of function `name`: a location's frame of `name` whose inner neighbour
/// is another function is a call site the compiler inlined.
fn inlined_call_sites(pr: &Prepared, name: &str) -> std::collections::HashMap<(String, i64), Vec<String>> {
    let p = &pr.profile;
    let mut out: std::collections::HashMap<(String, i64), Vec<String>> = Default::default();
    let fname = |f: usize| p.str(p.functions.name[p.frames.func[f] as usize]);
    for l in 0..p.locations.len() {
        let frames: Vec<usize> = p.locations.frames(l).collect();
        for w in frames.windows(2) {
            let (inner, outer) = (w[0], w[1]);
            if fname(outer) != name || fname(inner) == name {
                continue;
            }
            let file = p.str(p.functions.filename[p.frames.func[outer] as usize]);
            let file = crate::paths::clean_path(&pr.query.paths.trim(file));
            let callees = out.entry((file, p.frames.line[outer])).or_default();
            if !callees.iter().any(|c| c == fname(inner)) {
                callees.push(fname(inner).to_string());
            }
        }
    }
    out
}

/// (file, first line, last line, cum per snapshot of each line with a value).
type FileLines = (String, i64, i64, std::collections::BTreeMap<i64, Vec<i64>>);

/// A function's lines in one file across a series of snapshots.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesRoutine {
    /// The function.
    pub name: String,
    /// The file as the profiles name it.
    pub file: String,
    /// First and last line to show (the union of the snapshots' ranges).
    pub start: i64,
    /// Last line to show.
    pub end: i64,
    /// Lines with a value in some snapshot, in line order.
    pub lines: Vec<SeriesLine>,
    /// The line whose cum grew most from the first snapshot to the last.
    pub growing: i64,
}

/// One line's cum in each snapshot.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesLine {
    /// The line number.
    pub line: i64,
    /// Cum per snapshot, as text ("." for zero).
    pub values: Vec<String>,
    /// Last minus first, as text.
    pub growth: String,
    /// Last minus first, raw (for the heat bar).
    pub growth_value: f64,
}

impl Session {
    /// The lines of function `name` in each snapshot `ids` (in the given
    /// order), as `pprof-lens list` computes them for each, with the growth
    /// of every line from the first snapshot to the last.
    pub fn source_series(&self, ids: &[u32], name: &str, sample_index: Option<u32>) -> Result<Vec<SeriesRoutine>> {
        let rx = regex::Regex::new(&format!("^{}$", regex::escape(name))).expect("an escaped name is a regex");
        let n = ids.len();
        // file -> (start, end, line -> cum per snapshot)
        let mut files: Vec<FileLines> = Vec::new();
        let mut unit = (String::new(), String::new());
        for (i, &id) in ids.iter().enumerate() {
            let p = self.get(id)?.profile().clone();
            let q = crate::Query {
                sample_index: sample_index.map(|s| s.to_string()).unwrap_or_default(),
                granularity: Granularity::Lines,
                ..Default::default()
            };
            let pr = Prepared::from_profile(p, q)?;
            unit = (pr.sample_type().unit.clone(), pr.query.unit.clone());
            let Ok(found) = list::routines(&pr, &rx) else { continue };
            for r in found.into_iter().flat_map(|(_, r)| r) {
                let k = match files.iter().position(|f| f.0 == r.file) {
                    Some(k) => k,
                    None => {
                        files.push((r.file.clone(), r.start, r.end, Default::default()));
                        files.len() - 1
                    }
                };
                let f = &mut files[k];
                f.1 = f.1.min(r.start);
                f.2 = f.2.max(r.end);
                for (line, (_, cum)) in r.lines {
                    f.3.entry(line).or_insert_with(|| vec![0; n])[i] = cum;
                }
            }
        }
        if files.is_empty() {
            return Err(Error::new(ErrorKind::BadQuery, format!("{name} has no samples in these snapshots")));
        }
        let fv = |v: i64| if v == 0 { ".".to_string() } else { crate::units::scaled_label(v, &unit.0, &unit.1) };
        Ok(files
            .into_iter()
            .map(|(file, start, end, lines)| {
                let growth = |v: &[i64]| v[n - 1].wrapping_sub(v[0]);
                let growing = lines.iter().max_by_key(|(_, v)| growth(v)).map_or(start, |(&l, _)| l);
                SeriesRoutine {
                    name: name.to_string(),
                    file,
                    start,
                    end,
                    growing,
                    lines: lines
                        .iter()
                        .map(|(&line, v)| SeriesLine {
                            line,
                            values: v.iter().map(|&x| fv(x)).collect(),
                            growth: if growth(v) > 0 { format!("+{}", fv(growth(v))) } else { fv(growth(v)) },
                            growth_value: growth(v) as f64,
                        })
                        .collect(),
                }
            })
            .collect())
    }
}
