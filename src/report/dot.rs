//! The call graph (`go tool pprof -dot`): pprof's trimming for visual
//! reports (node fraction, the entropy order, a node count that counts tag
//! boxes, edge fraction, redundant residual edges) and its DOT text, byte
//! for byte. The page lays out the same text with Graphviz.

use super::top::{format_value, fraction_cut, legend, mask_of, select_unit, Shown};
use crate::aggregate::callgraph::{call_graph, sample_tags, Build, CallEdge, CallGraph, NodeTags, SampleTags, Tag};
use crate::aggregate::graph;
use crate::aggregate::graph::name_components;
use crate::aggregate::Prepared;
use crate::order::sort_ids;
use crate::units;
use std::fmt::Write;
use std::sync::OnceLock;

/// pprof's default node count for graphs.
pub const DEFAULT_NODECOUNT: usize = 80;
/// Tag boxes per node (and numeric buckets per label set).
const MAX_NODELETS: usize = 4;

/// A node of the trimmed graph.
#[derive(Clone, Debug)]
pub struct DotNode {
    /// Node id in [`Prepared::nodes`].
    pub node: u32,
    /// Flat value.
    pub flat: i64,
    /// Cumulative value.
    pub cum: i64,
    /// Its tags, trimmed.
    pub tags: NodeTags,
}

/// An edge of the trimmed graph, between positions in [`Dot::nodes`]
/// (`None` for a node pprof left out of the graph, printed as `N0`).
#[derive(Clone, Debug)]
pub struct DotEdge {
    /// Caller position.
    pub src: Option<usize>,
    /// Callee position.
    pub dst: Option<usize>,
    /// The edge itself (node ids and weight).
    pub edge: CallEdge,
}

/// The trimmed call graph and its legend.
#[derive(Clone, Debug)]
pub struct Dot {
    /// Nodes in pprof's order (N1 is the first).
    pub nodes: Vec<DotNode>,
    /// Edges in the order they are printed.
    pub edges: Vec<DotEdge>,
    /// The legend's lines.
    pub legend: Vec<String>,
    /// The graph's title (the binary's name), "" when none.
    pub title: String,
    /// The unit values are printed in.
    pub output_unit: String,
    /// Nodes before the node count was applied.
    pub orig_count: usize,
}

/// A graph being trimmed: pprof's graph, the present nodes in their order,
/// and which edges are still there.
struct Work {
    g: CallGraph,
    nodes: Vec<u32>,
    alive: Vec<bool>,
    ins: Vec<Vec<usize>>,
    outs: Vec<Vec<usize>>,
}

impl Work {
    /// The graph over the nodes `kept` (all when `None`), with the tags of
    /// the nodes in `tags_for`.
    fn new(pr: &Prepared, kept: Option<&[bool]>, tags_for: Option<(&[bool], &Option<SampleTags>)>) -> Work {
        let nn = pr.nodes.len();
        let g = call_graph(&pr.profile, &pr.stacks, nn, pr.value_index, Build { kept, edges: true, tags_for });
        let nodes = g.present();
        let mut ins = vec![Vec::new(); nn];
        let mut outs = vec![Vec::new(); nn];
        for (i, e) in g.edges.iter().enumerate() {
            ins[e.dst as usize].push(i);
            outs[e.src as usize].push(i);
        }
        let alive = vec![true; g.edges.len()];
        Work { g, nodes, alive, ins, outs }
    }

    fn live<'a>(&'a self, list: &'a [usize]) -> impl Iterator<Item = &'a CallEdge> + 'a {
        list.iter().filter(|&&e| self.alive[e]).map(|&e| &self.g.edges[e])
    }

    fn tags(&self, n: u32) -> Option<&NodeTags> {
        self.g.tags.get(n as usize)
    }

    /// pprof's `TrimLowFrequencyTags`.
    fn trim_tags(&mut self, cutoff: i64) {
        let keep = |t: &Tag| t.flat.wrapping_abs() >= cutoff || t.cum.wrapping_abs() >= cutoff;
        for &n in &self.nodes {
            if let Some(t) = self.g.tags.get_mut(n as usize) {
                t.labels.retain(keep);
                for (_, v) in t.numeric.iter_mut() {
                    v.retain(keep);
                }
            }
        }
    }

    /// pprof's `TrimLowFrequencyEdges`: edges into the graph's nodes lighter
    /// than `cutoff` go; returns how many.
    fn trim_edges(&mut self, cutoff: i64) -> usize {
        let mut dropped = 0;
        for &n in &self.nodes {
            for &e in &self.ins[n as usize] {
                if self.alive[e] && self.g.edges[e].weight.wrapping_abs() < cutoff {
                    self.alive[e] = false;
                    dropped += 1;
                }
            }
        }
        dropped
    }

    /// pprof's `SortNodes` for visual reports: the entropy order.
    fn sort(&mut self, names: &Names) {
        let mut score = vec![0i64; self.g.flat.len()];
        for &n in &self.nodes {
            score[n as usize] = self.entropy_score(n);
        }
        let flat = &self.g.flat;
        sort_ids(&mut self.nodes, &|a, b| {
            let (fa, fb) = (flat[a as usize].wrapping_abs(), flat[b as usize].wrapping_abs());
            score[b as usize]
                .wrapping_abs()
                .cmp(&score[a as usize].wrapping_abs())
                .then_with(|| names.printable(a).cmp(names.printable(b)))
                .then_with(|| fb.cmp(&fa))
                .then_with(|| names.sprint(a).cmp(&names.sprint(b)))
        });
    }

    /// pprof's `entropyScore`: nodes whose calls fan in or out score higher
    /// than pass-through nodes.
    fn entropy_score(&self, n: u32) -> i64 {
        let mut score = 0f64;
        let ins: Vec<i64> = self.live(&self.ins[n as usize]).map(|e| e.weight).collect();
        let outs: Vec<i64> = self.live(&self.outs[n as usize]).map(|e| e.weight).collect();
        let flat = self.g.flat[n as usize];
        score += if ins.is_empty() { 1.0 } else { edge_entropy(&ins, 0) };
        score += if outs.is_empty() { 1.0 } else { edge_entropy(&outs, flat) };
        go_int64(score * self.g.cum[n as usize] as f64).wrapping_add(flat)
    }

    /// pprof's `selectTopNodes` for visual reports: tag boxes count as nodes.
    fn select_top(&self, max: usize) -> usize {
        let mut max = max;
        let mut count = 0;
        for (i, &n) in self.nodes.iter().enumerate() {
            let tags = self.tags(n).map_or(0, |t| {
                t.labels.iter().filter(|t| t.flat != 0).count()
                    + t.numeric.iter().map(|(_, v)| v.iter().filter(|t| t.flat != 0).count()).sum::<usize>()
            });
            count += tags.min(MAX_NODELETS) + 1;
            if count >= max {
                max = i + 1;
                break;
            }
        }
        max.min(self.nodes.len())
    }

    /// pprof's `RemoveRedundantEdges`: residual edges whose callee stays
    /// reachable from the caller another way go, lightest first.
    fn remove_redundant_edges(&mut self, names: &Names) {
        for i in (0..self.nodes.len()).rev() {
            let n = self.nodes[i] as usize;
            let mut ins: Vec<u32> = self.ins[n].iter().filter(|&&e| self.alive[e]).map(|&e| e as u32).collect();
            sort_edges(&mut ins, &self.g.edges, names);
            for e in ins.iter().rev().map(|&e| e as usize) {
                if !self.g.edges[e].residual {
                    break;
                }
                if self.is_redundant(e) {
                    self.alive[e] = false;
                }
            }
        }
    }

    fn is_redundant(&self, e: usize) -> bool {
        let (src, dst) = (self.g.edges[e].src, self.g.edges[e].dst);
        let mut seen = std::collections::HashSet::from([dst]);
        let mut queue = std::collections::VecDeque::from([dst]);
        while let Some(n) = queue.pop_front() {
            for &ie in &self.ins[n as usize] {
                if ie == e || !self.alive[ie] {
                    continue;
                }
                let s = self.g.edges[ie].src;
                if seen.contains(&s) {
                    continue;
                }
                if s == src {
                    return true;
                }
                seen.insert(s);
                queue.push_back(s);
            }
        }
        false
    }
}

/// Go's float64 → int64 conversion on amd64: NaN and out-of-range values
/// become the smallest int64.
fn go_int64(f: f64) -> i64 {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    if f.is_nan() || !(-LIMIT..LIMIT).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// pprof's `edgeEntropyScore`.
fn edge_entropy(weights: &[i64], own: i64) -> f64 {
    let mut total = own;
    for &w in weights {
        if w > 0 {
            total = total.wrapping_add(w);
        }
    }
    let mut score = 0f64;
    if total != 0 {
        for &w in weights {
            let frac = w.wrapping_abs() as f64 / total as f64;
            score += -frac * frac.log2();
        }
        if own > 0 {
            let frac = own as f64 / total as f64;
            score += -frac * frac.log2();
        }
    }
    score
}

/// pprof's edge order: heavier first, then by the callers' and callees' names.
fn sort_edges(list: &mut [u32], edges: &[CallEdge], names: &Names) {
    sort_ids(list, &|a, b| {
        let (x, y) = (&edges[a as usize], &edges[b as usize]);
        if x.weight != y.weight {
            return y.weight.wrapping_abs().cmp(&x.weight.wrapping_abs());
        }
        names
            .printable(x.src)
            .cmp(names.printable(y.src))
            .then_with(|| names.printable(x.dst).cmp(names.printable(y.dst)))
    });
}

/// Printable names of the nodes a graph holds (and its edges' ends),
/// computed once each; Go's `Sprint` of a node's info only for ties.
struct Names<'a> {
    pr: &'a Prepared,
    printable: Vec<String>,
    done: Vec<bool>,
}

impl<'a> Names<'a> {
    fn new(pr: &'a Prepared) -> Names<'a> {
        let n = pr.nodes.len();
        Names { pr, printable: vec![String::new(); n], done: vec![false; n] }
    }
    /// Names every node of `w` and every end of its edges.
    fn cover(&mut self, w: &Work) {
        let ends = w.g.edges.iter().flat_map(|e| [e.src, e.dst]);
        for n in w.nodes.iter().copied().chain(ends) {
            if !self.done[n as usize] {
                self.done[n as usize] = true;
                self.printable[n as usize] = self.pr.nodes.printable_name(n as usize);
            }
        }
    }
    fn printable(&self, n: u32) -> &str {
        &self.printable[n as usize]
    }
    fn sprint(&self, n: u32) -> String {
        self.pr.nodes.go_sprint(n as usize)
    }
}

/// How much of the graph is kept: pprof's `-nodecount` (0 for no limit),
/// `-nodefraction` and `-edgefraction`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trim {
    /// Most nodes shown (tag boxes count); 0 for all.
    pub nodecount: usize,
    /// Nodes whose |cum| is below this fraction of the total go.
    pub nodefraction: f64,
    /// Edges lighter than this fraction of the total go.
    pub edgefraction: f64,
}

impl Trim {
    /// The query's flags, with pprof's default node count for graphs.
    pub fn of(q: &crate::Query) -> Trim {
        Trim {
            nodecount: q.nodecount.unwrap_or(DEFAULT_NODECOUNT),
            nodefraction: q.nodefraction,
            edgefraction: q.edgefraction,
        }
    }
}

/// The call graph pprof's `-dot` report draws (`newTrimmedGraph` in visual
/// mode), with its legend, trimmed as the query's flags say.
pub fn dot(pr: &Prepared) -> Dot {
    dot_trimmed(pr, Trim::of(&pr.query))
}

/// [`dot`] with explicit trimming (the page's graph, whose view shows
/// every node elsewhere).
pub fn dot_trimmed(pr: &Prepared, trim: Trim) -> Dot {
    let q = &pr.query;
    let mut names = Names::new(pr);
    let nn = pr.nodes.len();
    // Which nodes stay: one value pass (pprof builds the whole graph for it).
    let g0 = graph::build(&pr.profile, &pr.stacks, nn, pr.value_index, None, false);
    let cut = fraction_cut(&g0, nn, trim.nodefraction, trim.edgefraction);
    let (node_cutoff, edge_cutoff, dropped_nodes, kept) =
        (cut.node_cutoff, cut.edge_cutoff, cut.dropped_nodes, cut.kept);
    let nodecount = trim.nodecount;
    // The graph of the kept nodes, their tags only where they count: all of
    // them without a node count, else the candidates for it (each shown
    // node counts at least one towards it).
    let all: Vec<bool>;
    let tags_for = match (&kept, nodecount) {
        (_, 1..) => None,
        (Some(k), 0) => Some(&k[..]),
        (None, 0) => {
            all = vec![true; nn];
            Some(&all[..])
        }
    };
    let st = sample_tags(&pr.profile);
    let mut w = Work::new(pr, kept.as_deref(), tags_for.map(|t| (t, &st)));
    names.cover(&w);
    let orig_count = w.nodes.len();
    w.sort(&names);
    if nodecount > 0 {
        let candidates = mask_of(&w.nodes[..nodecount.min(w.nodes.len())], nn);
        let tagged = call_graph(
            &pr.profile,
            &pr.stacks,
            nn,
            pr.value_index,
            Build { kept: kept.as_deref(), edges: false, tags_for: Some((&candidates, &st)) },
        );
        if st.is_some() {
            w.g.tags = tagged.tags;
        }
        w.trim_tags(node_cutoff);
        w.trim_edges(edge_cutoff);
        let top = w.select_top(nodecount);
        if top != w.nodes.len() {
            let shown = mask_of(&w.nodes[..top], nn);
            w = Work::new(pr, Some(&shown), Some((&shown, &st)));
            names.cover(&w);
            w.sort(&names);
        }
    }
    w.trim_tags(node_cutoff);
    let dropped_edges = w.trim_edges(edge_cutoff);
    w.remove_redundant_edges(&names);

    let vals: Vec<(i64, i64)> = w.nodes.iter().map(|&n| (w.g.flat[n as usize], w.g.cum[n as usize])).collect();
    let output_unit = select_unit(&vals, pr.total, &q.unit, &pr.sample_type().unit);
    let flat_sum = vals.iter().fold(0i64, |a, v| a.wrapping_add(v.0));
    let shown = Shown {
        flat_sum,
        nodes: w.nodes.len(),
        orig_count,
        dropped_nodes,
        dropped_edges,
        nodefraction: trim.nodefraction,
        edgefraction: trim.edgefraction,
    };
    let mut legend = legend(pr, &output_unit, &shown);
    legend.push("\nSee https://git.io/JfYMW for how to read the graph".to_string());

    // Positions, and the edges out of each node in pprof's print order.
    let mut pos = vec![None; nn];
    for (i, &n) in w.nodes.iter().enumerate() {
        pos[n as usize] = Some(i);
    }
    let mut out: Vec<u32> = w.nodes.iter().flat_map(|&n| w.outs[n as usize].iter().map(|&e| e as u32)).collect();
    out.retain(|&e| w.alive[e as usize]);
    sort_edges(&mut out, &w.g.edges, &names);
    let edges = out
        .into_iter()
        .map(|e| {
            let edge = w.g.edges[e as usize];
            DotEdge { src: pos[edge.src as usize], dst: pos[edge.dst as usize], edge }
        })
        .collect();
    let mut tags = std::mem::take(&mut w.g.tags);
    let nodes = w
        .nodes
        .iter()
        .map(|&n| DotNode {
            node: n,
            flat: w.g.flat[n as usize],
            cum: w.g.cum[n as usize],
            tags: tags.get_mut(n as usize).map(std::mem::take).unwrap_or_default(),
        })
        .collect();
    let title = pr.profile.mappings.first().map(|m| base_name(&m.file).to_string()).unwrap_or_default();
    Dot { nodes, edges, legend, title, output_unit, orig_count }
}

fn base_name(path: &str) -> &str {
    // Go's filepath.Base: trailing slashes dropped, "." for "".
    let t = path.trim_end_matches('/');
    if path.is_empty() {
        return "";
    }
    if t.is_empty() {
        return "/";
    }
    t.rsplit('/').next().unwrap_or(t)
}

/// pprof's `escapeForDot`: backslashes and quotes escaped, newlines made
/// left-justified line breaks.
pub fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\l")
}

fn regex(cell: &'static OnceLock<regex::Regex>, re: &str) -> &'static regex::Regex {
    cell.get_or_init(|| regex::Regex::new(re).expect("a valid built-in regex"))
}

/// pprof's `ShortenFunctionName`: package paths, Java packages and
/// arguments, C++ namespaces dropped.
pub fn shorten_function_name(f: &str) -> String {
    static ANON: OnceLock<regex::Regex> = OnceLock::new();
    static GO_VER: OnceLock<regex::Regex> = OnceLock::new();
    static GO: OnceLock<regex::Regex> = OnceLock::new();
    static JAVA: OnceLock<regex::Regex> = OnceLock::new();
    static CPP: OnceLock<regex::Regex> = OnceLock::new();
    // Go's \w and \d are ASCII.
    let f = regex(&ANON, r"^\(anonymous namespace\)::").replace_all(f, "");
    let f = regex(&GO_VER, r"^(.*?)/v(?:[2-9]|[1-9][0-9]+)([./].*)$").replace_all(&f, "${1}${2}").into_owned();
    let res = [
        regex(&GO, r"^(?:[0-9A-Za-z_\-\.]+/)+(.+)"),
        regex(
            &JAVA,
            r"^(?:[a-z][0-9A-Za-z_]*\.)*([A-Z][0-9A-Za-z_\$]*\.(?:<init>|[a-z][0-9A-Za-z_\$]*(?:\$[0-9]+)?))(?:\(|$)",
        ),
        regex(&CPP, r"^(?:[_a-zA-Z][0-9A-Za-z_]*::)+(_*[A-Z][0-9A-Za-z_]*::~?[_a-zA-Z][0-9A-Za-z_]*(?:<.*>)?)"),
    ];
    for re in res {
        if let Some(c) = re.captures(&f) {
            if c.len() >= 2 {
                return c.iter().skip(1).map(|m| m.map_or("", |m| m.as_str())).collect();
            }
        }
    }
    f
}

/// pprof's `multilinePrintableName`: the short name split at dots and
/// `::`, the file's base name, each part on its own line.
pub fn multiline_name(pr: &Prepared, n: u32) -> String {
    let k = &pr.nodes.keys[n as usize];
    let name = escape(&shorten_function_name(pr.nodes.str(k.name)))
        .replace("::", "\\n")
        .replace("[...]", "[…]")
        .replace('.', "\\n");
    let file = pr.nodes.str(k.file);
    let file = if file.is_empty() { "" } else { base_name(file) };
    name_components(k.address, &name, file, k.line, pr.nodes.str(k.objfile)).join("\\n") + "\\n"
}

/// pprof's `dotColor`: grey at 0, red towards 1, green towards −1; a
/// light variant for backgrounds.
pub fn dot_color(score: f64, background: bool) -> String {
    const SHIFT: f64 = 0.7;
    let (mut saturation, value) = if background { (0.1, 0.93) } else { (1.0, 0.7) };
    // Go's math.Min and Max keep a NaN; Rust's drop it.
    let mut score = if score.is_nan() { score } else { score.clamp(-1.0, 1.0) };
    if score.abs() < 0.2 {
        saturation *= score.abs() / 0.2;
    }
    if score > 0.0 {
        score = score.powf(1.0 - SHIFT);
    }
    if score < 0.0 {
        score = -(-score).powf(1.0 - SHIFT);
    }
    let (r, g) = if score < 0.0 {
        (value * (1.0 + saturation * score), value)
    } else {
        (value, value * (1.0 - saturation * score))
    };
    let b = value * (1.0 - saturation);
    format!("#{:02x}{:02x}{:02x}", (r * 255.0) as u8, (g * 255.0) as u8, (b * 255.0) as u8)
}

/// Go's `sort` of tags (`SortTags`): by |cum| unless flat, then |flat|, then name.
fn sort_tags(v: &mut [Tag], flat: bool) {
    crate::order::sort_by(v, |a, b| {
        if !flat && a.cum != b.cum {
            return b.cum.wrapping_abs().cmp(&a.cum.wrapping_abs());
        }
        if a.flat != b.flat {
            return b.flat.wrapping_abs().cmp(&a.flat.wrapping_abs());
        }
        a.name.cmp(&b.name)
    });
}

/// pprof's `collapsedTags`: more than `count` numeric tags fold into
/// `count` ranges around the heaviest.
fn collapsed_tags(mut ts: Vec<Tag>, count: usize, flat: bool) -> Vec<Tag> {
    sort_tags(&mut ts, flat);
    if ts.len() <= count {
        return ts;
    }
    let mut groups: Vec<Vec<Tag>> = ts[..count].iter().map(|t| vec![t.clone()]).collect();
    for t in &ts[count..] {
        let distance = |u: &Tag| {
            let (v, _) = units::scale(u.value, &u.unit, &t.unit);
            (t.value as f64 - v).abs()
        };
        let (mut g, mut d) = (0, distance(&groups[0][0]));
        for (i, group) in groups.iter().enumerate().skip(1) {
            let nd = distance(&group[0]);
            if nd < d {
                (g, d) = (i, nd);
            }
        }
        groups[g].push(t.clone());
    }
    let mut out: Vec<Tag> = groups.into_iter().map(group_tag).collect();
    sort_tags(&mut out, flat);
    out
}

/// pprof's `tagGroupLabel`: one tag's value, or the range of a group's.
fn group_tag(g: Vec<Tag>) -> Tag {
    if g.len() == 1 {
        let t = &g[0];
        return Tag { name: units::label(t.value, &t.unit), ..t.clone() };
    }
    let (mut min, mut max) = (0, 0);
    let (mut f, mut c) = (g[0].flat, g[0].cum);
    for (i, t) in g.iter().enumerate().skip(1) {
        if (units::scale(t.value, &t.unit, &g[min].unit).0 as i64) < g[min].value {
            min = i;
        }
        if (units::scale(t.value, &t.unit, &g[max].unit).0 as i64) > g[max].value {
            max = i;
        }
        f = f.wrapping_add(t.flat);
        c = c.wrapping_add(t.cum);
    }
    let name = format!("{}..{}", units::label(g[min].value, &g[min].unit), units::label(g[max].value, &g[max].unit));
    Tag { name, unit: g[0].unit.clone(), value: g[0].value, flat: f, cum: c }
}

/// The DOT text of `go tool pprof -dot`.
pub fn dot_text(pr: &Prepared) -> String {
    compose(pr, &dot(pr))
}

/// pprof's `ComposeDot` for a trimmed graph.
pub fn compose(pr: &Prepared, d: &Dot) -> String {
    let fv = |v: i64| format_value(pr, v, &d.output_unit);
    let total = pr.total;
    let mut out = String::new();
    let graphname = if d.title.is_empty() { "unnamed" } else { &d.title };
    let _ = writeln!(out, "digraph \"{graphname}\" {{");
    out.push_str("node [style=filled fillcolor=\"#f8f8f8\"]\n");
    if let Some(first) = d.legend.first() {
        let lines: Vec<String> = d.legend.iter().map(|l| escape(l)).collect();
        let _ = write!(out, "subgraph cluster_L {{ \"{}\" [shape=box fontsize=16", escape(first));
        let _ = write!(out, " label=\"{}\\l\"", lines.join("\\l"));
        if !d.title.is_empty() {
            let _ = write!(out, " tooltip=\"{}\"", d.title);
        }
        out.push_str("] }\n");
    }
    if d.nodes.is_empty() {
        out.push_str("}\n");
        return out;
    }
    let max_flat = d.nodes.iter().map(|n| n.flat.wrapping_abs()).max().unwrap_or(0) as f64;
    let mut has_nodelets = vec![false; d.nodes.len()];
    let mut has_out = vec![false; d.nodes.len()];
    for s in d.edges.iter().filter_map(|e| e.src) {
        has_out[s] = true;
    }
    for (i, n) in d.nodes.iter().enumerate() {
        let id = i + 1;
        let flat_value = fv(n.flat);
        let mut label = multiline_name(pr, n.node);
        if n.flat != 0 {
            let _ = write!(label, "{} ({})", flat_value, units::percentage(n.flat, total).trim());
        } else {
            label.push('0');
        }
        let mut cum_value = flat_value.clone();
        if n.cum != n.flat {
            label.push_str(if n.flat != 0 { "\\n" } else { " " });
            cum_value = fv(n.cum);
            let _ = write!(label, "of {} ({})", cum_value, units::percentage(n.cum, total).trim());
        }
        let mut font = 8;
        let af = n.flat.wrapping_abs() as f64;
        if max_flat != 0.0 && n.flat != 0 && af <= max_flat {
            font += (16.0 * (af / max_flat).sqrt()).ceil() as i64;
        }
        let score = n.cum as f64 / total.wrapping_abs() as f64;
        let _ = writeln!(
            out,
            "N{id} [label=\"{label}\" id=\"node{id}\" fontsize={font} shape=box tooltip=\"{} ({cum_value})\" color=\"{}\" fillcolor=\"{}\"]",
            escape(&pr.nodes.printable_name(n.node as usize)),
            dot_color(score, false),
            dot_color(score, true)
        );
        has_nodelets[i] = nodelets(&mut out, n, id, has_out[i], &fv);
    }
    for e in &d.edges {
        let (from, to) = (e.src.map_or(0, |i| i + 1), e.dst.map_or(0, |i| i + 1));
        let w = fv(e.edge.weight);
        let inline = if e.edge.inline { "\\n (inline)" } else { "" };
        let mut attr = format!("label=\" {w}{inline}\"");
        if total != 0 {
            let weight = 1 + (e.edge.weight.wrapping_mul(100) / total).wrapping_abs().min(100);
            if weight > 1 {
                let _ = write!(attr, " weight={weight}");
            }
            let width = 1 + (e.edge.weight.wrapping_mul(5) / total).wrapping_abs().min(5);
            if width > 1 {
                let _ = write!(attr, " penwidth={width}");
            }
            let _ = write!(attr, " color=\"{}\"", dot_color(e.edge.weight as f64 / total.wrapping_abs() as f64, false));
        }
        let arrow = if e.edge.residual { "..." } else { "->" };
        let tooltip = format!(
            "\"{} {arrow} {} ({w})\"",
            escape(&pr.nodes.printable_name(e.edge.src as usize)),
            escape(&pr.nodes.printable_name(e.edge.dst as usize))
        );
        let _ = write!(attr, " tooltip={tooltip} labeltooltip={tooltip}");
        if e.edge.residual {
            attr.push_str(" style=\"dotted\"");
        }
        if e.src.is_some_and(|s| has_nodelets[s]) {
            attr.push_str(" minlen=2");
        }
        let _ = writeln!(out, "N{from} -> N{to} [{attr}]");
    }
    out.push_str("}\n");
    out
}

/// pprof's `addNodelets`: the boxes of a node's label sets and numeric
/// tags. Internal nodes show flat tags, leaves cum tags.
fn nodelets(out: &mut String, n: &DotNode, id: usize, has_out: bool, fv: &dyn Fn(i64) -> String) -> bool {
    let start = out.len();
    let flat_tags = has_out;
    let mut ts = n.tags.labels.clone();
    sort_tags(&mut ts, flat_tags);
    ts.truncate(MAX_NODELETS);
    let numeric = |name: &str| n.tags.numeric.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    for (i, t) in ts.iter().enumerate() {
        let w = if flat_tags { t.flat } else { t.cum };
        if w == 0 {
            continue;
        }
        write_nodelet(out, &format!("N{id}_{i}"), &format!("N{id}"), &t.name, &fv(w), "");
        if let Some(nts) = numeric(&t.name) {
            numeric_nodelets(out, nts, flat_tags, &format!("N{id}_{i}"), fv);
        }
    }
    if let Some(nts) = numeric("") {
        numeric_nodelets(out, nts, flat_tags, &format!("N{id}"), fv);
    }
    out.len() != start
}

/// One tag box and the edge to it from its node (pprof writes the label as is).
fn write_nodelet(out: &mut String, node: &str, from: &str, label: &str, weight: &str, attr: &str) {
    let _ = writeln!(out, "{node} [label = \"{label}\" id=\"{node}\" fontsize=8 shape=box3d tooltip=\"{weight}\"]");
    let _ = writeln!(
        out,
        "{from} -> {node} [label=\" {weight}\" weight=100 tooltip=\"{weight}\" labeltooltip=\"{weight}\"{attr}]"
    );
}

fn numeric_nodelets(out: &mut String, nts: Vec<Tag>, flat_tags: bool, source: &str, fv: &dyn Fn(i64) -> String) {
    for (j, t) in collapsed_tags(nts, MAX_NODELETS, flat_tags).iter().enumerate() {
        let (w, attr) = if flat_tags || t.flat == t.cum { (t.flat, "") } else { (t.cum, " style=\"dotted\"") };
        if w == 0 {
            continue;
        }
        write_nodelet(out, &format!("N{source}_{j}"), source, &t.name, &fv(w), attr);
    }
}

#[cfg(test)]
mod tests {
    use super::{dot_color, shorten_function_name};

    #[test]
    fn short_names_as_pprof() {
        let cases = [
            ("github.com/foo/bar.Baz", "bar.Baz"),
            ("github.com/foo/bar/v2.Baz", "bar.Baz"),
            ("main.main", "main.main"),
            ("encoding/json.(*decodeState).value", "json.(*decodeState).value"),
            ("com.google.Foo.bar(int)", "Foo.bar"),
            ("java.lang.Thread.<init>", "Thread.<init>"),
            ("foo::bar::Baz::qux", "Baz::qux"),
            ("(anonymous namespace)::Foo::bar", "Foo::bar"),
            ("gopkg.in/yaml.v3.decode", "yaml.v3.decode"),
        ];
        for (i, o) in cases {
            assert_eq!(shorten_function_name(i), o, "{i}");
        }
    }

    #[test]
    fn colours_as_pprof() {
        assert_eq!(dot_color(0.0, false), "#b2b2b2");
        assert_eq!(dot_color(1.0, false), "#b20000");
        assert_eq!(dot_color(1.0, true), "#edd5d5");
        assert_eq!(dot_color(-1.0, false), "#00b200");
    }
}
