//! A profile's current view: the request (sample type, granularity,
//! refinements, comparison options), the prepared call tree with its flame
//! graph, the header, the top table (with a comparison's per-side columns
//! and new/gone marks), search and the refined export.

use super::{Comparison, Session};
use crate::aggregate::graph::{self, Graph};
use crate::aggregate::{self, Prepared};
use crate::error::{Error, ErrorKind, Result};
use crate::query::{BaseMode, Filters, Granularity, Query};
use crate::report::diff::Mark;
use crate::report::{self, flame};
use crate::units;
use std::cell::OnceCell;
use std::cmp::Reverse;

/// What the page asks to see of a profile.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ViewRequest {
    /// The sample type; `None` for pprof's default.
    pub sample_index: Option<u32>,
    /// pprof's granularity flag name; `None` for functions.
    pub granularity: Option<String>,
    /// `-noinlines`.
    pub noinlines: bool,
    /// The refinements, with pprof's syntax: the query's own struct.
    pub filters: Filters,
    /// One goroutine group: its sample's index, then (ignored) what the page
    /// says of it ("3 (50 goroutines in main.worker)"); "" for none.
    pub group: String,
    /// Comparisons only: percentages of the net change (`-base`) instead of
    /// the base's total (`-diff_base`).
    pub net_percentages: bool,
    /// Comparisons only: scale the new side to the base's total.
    pub normalize: bool,
    /// The table trimmed as `go tool pprof -top` trims it by default
    /// (`-nodefraction=0.005`: nodes whose cum is at most 0.5% of the total
    /// are dropped, and the table says how many); every row otherwise.
    pub trim: bool,
}

/// The top table's rows in an order: see [`Session::top_order`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TopOrder {
    /// Positions into the rows in pprof's order (flat, descending).
    pub rows: Vec<u32>,
    /// sum% in this order, each followed by a newline.
    pub sum_pct: String,
}

/// What a view is: enough to draw its flame graph.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewInfo {
    /// pprof's total.
    pub total: i64,
    /// The sample type shown.
    pub sample_type: String,
    /// Graph nodes and distinct flame stacks.
    pub nodes: u32,
    /// Distinct stacks in the flame graph.
    pub stacks: u32,
    /// A comparison's view.
    pub compare: bool,
    /// Notes (a zero base, say).
    pub notes: Vec<String>,
    /// The active refinements as pprof lists them ("focus=…").
    pub filters: Vec<String>,
}

/// What a view's header says ([`Session::view_header`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ViewHeader {
    /// pprof's header lines (File, Type, Time, Duration…).
    pub header: Vec<String>,
    /// The total as pprof prints it.
    pub total_text: String,
    /// The unit values are shown in.
    pub unit: String,
    /// Comparisons: the base's and the new side's totals.
    pub base_total_text: String,
    /// The new side's total.
    pub new_total_text: String,
    /// pprof's "Showing nodes accounting for X, P% of Y total" when
    /// refinements leave less than everything; else "".
    pub showing: String,
}

/// The current view of one profile.
pub(super) struct Current {
    pub(super) prepared: Prepared,
    pub(super) names: Vec<String>,
    pub(super) flame: flame::Flame,
    /// The top table without its inline labels, computed on first request
    /// (after the flame graph is drawn), and what the labels need.
    top: OnceCell<(report::Top, report::LabelCut)>,
    /// The table's inline labels by node id, computed when asked for (after
    /// the table is shown: they take a pass over the edges).
    labels: OnceCell<Vec<&'static str>>,
    /// The view's node values (flat, cum), from the pass that chose the
    /// unit; the table takes them (once) instead of another pass.
    values: std::cell::Cell<Option<Graph>>,
    /// pprof's unit for the view's values, chosen from that pass.
    unit: OnceCell<String>,
    /// Comparisons: the base's and the new side's totals.
    pub(super) totals: (i64, i64),
    /// A comparison's view.
    pub(super) compare: bool,
    /// Comparisons: which samples are the base's (empty otherwise).
    pub(super) is_base: Vec<bool>,
    /// Comparisons: per-node (base, new) values, computed with the table.
    split: OnceCell<(Graph, Graph)>,
    /// Comparisons: the base's and the new side's own flame graphs.
    pub(super) sides: OnceCell<[flame::Flame; 2]>,
    /// Comparisons whose base total is zero: no percentages.
    pub(super) no_percentages: bool,
    /// The pivot flame graphs of one function, when asked for.
    pub(super) pivot: Option<super::explore::Pivot>,
    /// The view at lines granularity (the Source panel), made on first use.
    pub(super) lines: OnceCell<super::source::LinesView>,
}

impl Current {
    /// A value in the view's unit.
    pub(super) fn value_text(&self, v: i64) -> String {
        report::format_value(&self.prepared, v, self.unit())
    }

    /// pprof's unit for the view (its `minimum` needs every node's values:
    /// the value pass, kept for the table).
    pub(super) fn unit(&self) -> &str {
        self.unit.get_or_init(|| self.with_values(|g| report::output_unit_of(&self.prepared, g)))
    }

    /// `f` of the view's node values (a comparison's net values).
    fn with_values<T>(&self, f: impl FnOnce(&Graph) -> T) -> T {
        if self.compare {
            let (b, n) = self.split();
            return f(&graph::net_of(b, n));
        }
        let g = self.values.take().unwrap_or_else(|| self.value_pass());
        let out = f(&g);
        self.values.set(Some(g));
        out
    }

    /// The view's flat and cum per node: one pass over its stacks.
    fn value_pass(&self) -> Graph {
        let p = &self.prepared;
        graph::build(&p.profile, &p.stacks, p.nodes.len(), p.value_index, None, false)
    }

    /// `v` as a share of `total`, or "n/a" where a comparison's zero base
    /// leaves no total to share.
    pub(super) fn pct(&self, v: i64, total: i64) -> String {
        let mut s = String::new();
        self.push_pct(&mut s, v, total);
        s
    }

    /// Appends [`Current::pct`] to `out`.
    fn push_pct(&self, out: &mut String, v: i64, total: i64) {
        if self.no_percentages {
            out.push_str("n/a");
        } else {
            units::push_percentage(out, v, total);
        }
    }

    /// The table's rows (without inline labels) and what the labels need.
    fn table(&self) -> &(report::Top, report::LabelCut) {
        self.top.get_or_init(|| {
            let g = if self.compare {
                // The net values from the two sides, without another pass.
                let (b, n) = self.split();
                graph::net_of(b, n)
            } else {
                // The pass that chose the unit (made now if it was not).
                let _ = self.unit();
                self.values.take().unwrap_or_else(|| self.value_pass())
            };
            report::rows_from(&self.prepared, g)
        })
    }

    /// A comparison's per-node (base, new) values.
    pub(super) fn split(&self) -> &(Graph, Graph) {
        self.split.get_or_init(|| {
            let pr = &self.prepared;
            graph::split_values(&pr.profile, &pr.stacks, pr.nodes.len(), pr.value_index, &self.is_base)
        })
    }
}

/// How the top table is sorted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TopSort {
    /// By |flat| (pprof's order).
    Flat,
    /// By |cum|.
    Cum,
    /// By name.
    Name,
}

impl TopSort {
    /// From the page's column name ("flat", "cum", "name").
    pub fn parse(s: &str) -> Result<TopSort> {
        match s {
            "flat" | "" => Ok(TopSort::Flat),
            "cum" => Ok(TopSort::Cum),
            "name" => Ok(TopSort::Name),
            _ => Err(Error::new(ErrorKind::BadQuery, format!("cannot sort the table by \"{s}\""))),
        }
    }
}

/// The top table: one entry per row in each column.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TopTable {
    /// Graph node of each row.
    pub node: Vec<u32>,
    /// Raw flat and cum values.
    pub flat: Vec<f64>,
    /// Raw cum values.
    pub cum: Vec<f64>,
    /// Names, inline labels and pprof's texts.
    pub name: Vec<String>,
    /// pprof's " (inline)" label, or "".
    pub inline: Vec<String>,
    /// flat as pprof prints it.
    pub flat_text: Vec<String>,
    /// flat%.
    pub flat_pct: Vec<String>,
    /// sum%.
    pub sum_pct: Vec<String>,
    /// cum as pprof prints it.
    pub cum_text: Vec<String>,
    /// cum%.
    pub cum_pct: Vec<String>,
    /// Comparisons only (else empty): each side's values and the marks.
    pub base_flat: Vec<String>,
    /// The new side's flat.
    pub new_flat: Vec<String>,
    /// The base's cum.
    pub base_cum: Vec<String>,
    /// The new side's cum.
    pub new_cum: Vec<String>,
    /// "new", "gone" or "".
    pub mark: Vec<String>,
    /// What trimming dropped, as pprof says it ("Dropped 75 nodes (cum <=
    /// 29.80ms)"), or "" when nothing was.
    pub dropped: String,
    /// The inline labels are not computed yet (all ""): ask
    /// [`Session::inline_labels`].
    pub labels_pending: bool,
}

/// What a search matched.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchResult {
    /// Per graph node: does its name match.
    pub mask: Vec<bool>,
    /// What the matched frames account for (each sample once), as text.
    pub value: String,
    /// …as a share of the total.
    pub pct: String,
    /// How many nodes matched.
    pub count: u32,
}

/// A regex from the page, with the error naming the field.
pub(super) fn regex(pattern: &str, field: &'static str) -> Result<regex::Regex> {
    regex::Regex::new(pattern).map_err(|e| {
        let text = aggregate::filter::one_line(&e.to_string());
        Error::new(ErrorKind::BadQuery, format!("invalid regex: {text}")).in_field(field)
    })
}

impl Session {
    /// Applies a view request (sample type, granularity, refinements,
    /// comparison options) and builds the call tree and its flame graph. A
    /// refused request leaves the current view as it was.
    pub fn view(&mut self, id: u32, req: &ViewRequest) -> Result<ViewInfo> {
        let l = self.get(id)?;
        let granularity = match &req.granularity {
            Some(g) => Granularity::parse(g).map_err(|e| e.in_field("granularity"))?,
            None => Granularity::Functions,
        };
        let mut q = Query {
            sample_index: req.sample_index.map(|i| i.to_string()).unwrap_or_default(),
            granularity,
            noinlines: req.noinlines,
            filters: req.filters.clone(),
            ..Query::default()
        };
        if !req.group.is_empty() {
            let digits: String = req.group.chars().take_while(char::is_ascii_digit).collect();
            let samples = l.profile().samples.len();
            match digits.parse::<usize>() {
                Ok(g) if g < samples => q.group = Some(g),
                _ => {
                    let msg = format!("group: \"{}\" is not one of this profile's {samples} groups", req.group);
                    return Err(Error::new(ErrorKind::BadQuery, msg).in_field("group"));
                }
            }
        }
        q.nodefraction = if req.trim { Query::default().nodefraction } else { 0.0 };
        // Check everything that can fail before taking the profile out of its
        // slot, so a bad regex leaves the profile (and its view) as it was.
        aggregate::filter::validate(&q)?;
        l.profile().sample_index(&q.sample_index).map_err(|e| e.in_field("sample_index"))?;
        for (field, f) in [("tagfocus", &q.filters.tagfocus), ("tagignore", &q.filters.tagignore)] {
            if let Some(k) = report::explore::unknown_label_key(l.profile(), f) {
                let msg = format!("{field}: no sample has a label \"{k}\"");
                return Err(Error::new(ErrorKind::BadQuery, msg).in_field(field));
            }
        }
        let is_compare = l.compare.is_some();
        let mut remade = None;
        if let Some(c) = &l.compare {
            q.base_mode = BaseMode::Diff;
            if c.normalize != req.normalize {
                let c2 = Comparison { normalize: req.normalize, ..c.clone() };
                let p = self.combine(&c2).map_err(|e| e.in_field("normalize"))?;
                remade = Some((p, c2));
            }
        }
        let l = self.get_mut(id)?;
        let profile = match (remade, l.profile.take(), l.current.take()) {
            (Some((p, c2)), _, _) => {
                l.compare = Some(c2);
                p
            }
            (None, Some(p), _) => p,
            (None, None, Some(c)) => c.prepared.profile,
            (None, None, None) => unreachable!("an open profile always has its data"),
        };
        let mut prepared = Prepared::from_profile_through(profile, q, self.through_from)?;
        let is_base = match aggregate::base_samples(&prepared.profile) {
            // A comparison whose base has no samples: every sample is new.
            b if b.is_empty() && is_compare => vec![false; prepared.profile.samples.len()],
            b if is_compare => b,
            _ => Vec::new(),
        };
        let (mut base_total, mut new_total) = (0i64, 0i64);
        let mut notes = Vec::new();
        if is_compare {
            for s in 0..prepared.profile.samples.len() {
                let v = prepared.profile.value(s, prepared.value_index);
                if is_base.get(s) == Some(&true) {
                    base_total = base_total.wrapping_sub(v);
                } else {
                    new_total = new_total.wrapping_add(v);
                }
            }
            if base_total == 0 {
                notes.push(format!(
                    "The base's total of {} is zero, so changes cannot be shares of it: values are absolute.",
                    prepared.sample_type().ty
                ));
            }
            if req.net_percentages {
                prepared.total = aggregate::subtract_total(&prepared.profile, prepared.value_index);
            }
        }
        let no_percentages = is_compare && base_total == 0 && !req.net_percentages;
        let names: Vec<String> = (0..prepared.nodes.len()).map(|n| prepared.nodes.printable_name(n)).collect();
        let weights = if is_compare { flame::Weights::Diff(&is_base) } else { flame::Weights::Plain };
        let fl = flame::Flame::with_weights(&prepared, &names, weights);
        // The value pass (for the unit, the header and the table) waits for
        // `view_header`: the flame graph is drawn first.
        let info = ViewInfo {
            total: prepared.total,
            sample_type: prepared.sample_type().ty.clone(),
            nodes: names.len() as u32,
            stacks: fl.len() as u32,
            compare: is_compare,
            notes,
            filters: prepared.query.active_filters(),
        };
        self.get_mut(id)?.current = Some(Current {
            prepared,
            names,
            flame: fl,
            top: OnceCell::new(),
            labels: OnceCell::new(),
            values: std::cell::Cell::new(None),
            unit: OnceCell::new(),
            totals: (base_total, new_total),
            compare: is_compare,
            is_base,
            split: OnceCell::new(),
            sides: OnceCell::new(),
            no_percentages,
            pivot: None,
            lines: OnceCell::new(),
        });
        Ok(info)
    }

    /// The current view's header: what takes its value pass (pprof's unit,
    /// the totals in it, what a refined view shows). The table then uses
    /// the same pass.
    pub fn view_header(&self, id: u32) -> Result<ViewHeader> {
        let c = self.current(id)?;
        let pr = &c.prepared;
        let unit = c.unit().to_string();
        let showing = if pr.query.active_filters().is_empty() {
            String::new()
        } else {
            let shown = c.with_values(|g| g.flat.iter().fold(0i64, |a, &v| a.wrapping_add(v)));
            let pct = c.pct(shown, pr.total);
            format!("Showing nodes accounting for {}, {pct} of {} total", c.value_text(shown), c.value_text(pr.total))
        };
        let side = |v: i64| if c.compare { c.value_text(v) } else { String::new() };
        Ok(ViewHeader {
            header: report::profile_labels(pr, &unit),
            total_text: c.value_text(pr.total),
            base_total_text: side(c.totals.0),
            new_total_text: side(c.totals.1),
            showing,
            unit,
        })
    }

    /// The top table of the current view, sorted by `sort` (descending, or
    /// ascending when `desc` is false), with every row (nothing pruned).
    pub fn top(&self, id: u32, sort: TopSort, desc: bool) -> Result<TopTable> {
        let c = self.current(id)?;
        let (t, _) = c.table();
        let labels = c.labels.get();
        let order = self.top_order(id, sort, desc)?;
        let sum_pct = order.sum_pct.lines().map(str::to_string).collect();
        let mut out = TopTable { sum_pct, ..TopTable::default() };
        let rows: Vec<&report::TopRow> = order.rows.iter().map(|&i| &t.rows[i as usize]).collect();
        for r in &rows {
            out.node.push(r.node);
            out.flat.push(r.flat as f64);
            out.cum.push(r.cum as f64);
            out.name.push(r.name.clone());
            out.inline.push(labels.map_or("", |l| l[r.node as usize]).to_string());
            out.flat_text.push(c.value_text(r.flat));
            out.flat_pct.push(c.pct(r.flat, t.total));
            out.cum_text.push(c.value_text(r.cum));
            out.cum_pct.push(c.pct(r.cum, t.total));
        }
        out.labels_pending = labels.is_none();
        out.dropped =
            report::top::report_labels(&c.prepared, t).into_iter().filter(|l| l.starts_with("Dropped ")).collect();
        if c.compare {
            let (b, n) = c.split();
            for r in &rows {
                let i = r.node as usize;
                out.base_flat.push(c.value_text(b.flat[i]));
                out.new_flat.push(c.value_text(n.flat[i]));
                out.base_cum.push(c.value_text(b.cum[i]));
                out.new_cum.push(c.value_text(n.cum[i]));
                out.mark.push(Mark::of((b.flat[i], b.cum[i]), (n.flat[i], n.cum[i])).text().to_string());
            }
        }
        Ok(out)
    }

    /// The table's rows in another order, without their texts again (they
    /// do not depend on it): positions into the rows of
    /// `top(id, TopSort::Flat, true)`, and sum% (which does), for a page
    /// that already has those rows.
    pub fn top_order(&self, id: u32, sort: TopSort, desc: bool) -> Result<TopOrder> {
        let c = self.current(id)?;
        let (t, _) = c.table();
        let r = &t.rows;
        let row = |i: &u32| &r[*i as usize];
        // Keys of numbers only (the name's rank for the name), the position
        // last: an unstable sort then gives the stable order.
        let mut rows: Vec<u32> = match sort {
            TopSort::Cum => {
                let mut keyed: Vec<(Reverse<i64>, u32, u32)> =
                    r.iter().zip(0..).map(|(x, i)| (Reverse(x.cum.wrapping_abs()), x.name_rank, i)).collect();
                keyed.sort_unstable();
                keyed.into_iter().map(|k| k.2).collect()
            }
            // Descending means Z first for names, as for numbers the biggest first.
            TopSort::Name => {
                let mut rows: Vec<u32> = (0..r.len() as u32).collect();
                rows.sort_unstable_by_key(|i| (Reverse(row(i).name_rank), *i));
                rows
            }
            TopSort::Flat => (0..r.len() as u32).collect(),
        };
        if !desc {
            rows.reverse();
        }
        // Rows of zero flat repeat the sum% before them: formatted once.
        let mut sum_pct = String::with_capacity(rows.len() * 8);
        let (mut sum, mut last, mut text) = (0i64, None, String::new());
        for i in &rows {
            sum = sum.wrapping_add(row(i).flat);
            if last != Some(sum) {
                text.clear();
                c.push_pct(&mut text, sum, t.total);
                last = Some(sum);
            }
            sum_pct.push_str(&text);
            sum_pct.push('\n');
        }
        Ok(TopOrder { rows, sum_pct })
    }

    /// pprof's inline label of every node of the current view's table, by
    /// node id ("(inline)", "(partial-inline)" or ""): [`Session::top`]
    /// leaves them out until they were asked for here.
    pub fn inline_labels(&self, id: u32) -> Result<&[&'static str]> {
        let c = self.current(id)?;
        let (t, cut) = c.table();
        Ok(c.labels.get_or_init(|| report::inline_labels(&c.prepared, t, cut)))
    }

    /// Names of the current view's graph nodes (index = node id).
    pub fn node_names(&self, id: u32) -> Result<&[String]> {
        Ok(&self.current(id)?.names)
    }

    /// Graph nodes whose name matches `pattern` (a regex) and their share
    /// of the total, each sample counted once (in a comparison, the net change).
    pub fn search(&self, id: u32, pattern: &str) -> Result<SearchResult> {
        let c = self.current(id)?;
        let rx = regex(pattern, "search")?;
        let mask: Vec<bool> = c.names.iter().map(|n| rx.is_match(n)).collect();
        let value = c.flame.matched_total(&c.prepared, &mask);
        Ok(SearchResult {
            count: mask.iter().filter(|&&b| b).count() as u32,
            mask,
            value: c.value_text(value),
            pct: c.pct(value, c.prepared.total),
        })
    }

    /// Callers and callees of functions matching `pattern`, as the text of
    /// `go tool pprof -peek`.
    pub fn peek(&self, id: u32, pattern: &str) -> Result<String> {
        let c = self.current(id)?;
        report::peek_text(&c.prepared, &regex(pattern, "peek")?)
    }

    /// The current view's kept samples (filters applied) as a raw
    /// `profile.proto` that `go tool pprof` reads (`format` "pb"), or as
    /// folded stacks for FlameGraph and inferno ("folded").
    pub fn export_profile(&self, id: u32, format: &str) -> Result<Vec<u8>> {
        let pr = &self.current(id)?.prepared;
        match format {
            "pb" | "" => Ok(crate::encode::encode_view(pr)),
            "folded" => Ok(report::folded::folded_text(pr)?.into_bytes()),
            _ => Err(Error::new(ErrorKind::BadQuery, format!("cannot export as \"{format}\" (pb or folded)"))),
        }
    }
}
