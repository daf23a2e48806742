//! Comparing two profiles function by function: base and new values (flat
//! and cum), their delta and the delta as a share of the base total, with
//! functions found on one side only marked; whether each change is more
//! than sampling noise ([`super::stats`], on the counts the profile says it
//! sampled); and the regression gate of `pprof-lens diff --fail-above=PCT`.

use super::stats::{self, Test};
use crate::aggregate::{self, combine, graph, Prepared};
use crate::error::{Error, ErrorKind, Result};
use crate::model::merge::compatible;
use crate::model::Profile;
use crate::query::{BaseMode, Query};
use crate::units;
use std::collections::HashMap;

/// One function on both sides.
#[derive(Clone, Debug, PartialEq)]
pub struct DiffRow {
    /// pprof's printable name.
    pub name: String,
    /// Flat value in the base.
    pub base_flat: i64,
    /// Cum value in the base.
    pub base_cum: i64,
    /// Flat value in the new profile (normalised when asked).
    pub new_flat: i64,
    /// Cum value in the new profile.
    pub new_cum: i64,
    /// "new" (only in the new profile), "gone" (only in the base) or "".
    pub mark: &'static str,
    /// The change of its flat share tested against sampling noise (`None`:
    /// no model, or too few samples to test).
    pub flat_test: Option<Test>,
    /// The same for cum.
    pub cum_test: Option<Test>,
    /// Sampled counts (base flat, base cum, new flat, new cum), for the tests.
    pub(super) counts: [f64; 4],
}

impl DiffRow {
    /// New minus base, cum.
    pub fn delta_cum(&self) -> i64 {
        self.new_cum.wrapping_sub(self.base_cum)
    }
    /// New minus base, flat.
    pub fn delta_flat(&self) -> i64 {
        self.new_flat.wrapping_sub(self.base_flat)
    }
}

/// A comparison.
#[derive(Clone, Debug)]
pub struct Diff {
    /// Rows, biggest |delta cum| first.
    pub rows: Vec<DiffRow>,
    /// Base total (sum of |values|).
    pub base_total: i64,
    /// New total.
    pub new_total: i64,
    /// The sample type compared.
    pub sample_type: String,
    /// Its unit.
    pub unit: String,
    /// The unit values are shown in (as the page's table shows them).
    pub output_unit: String,
    /// How the changes were tested, in words; "" when they could not be
    /// (then raw differences are all there is).
    pub model: String,
    /// Why there is no model ("" when there is one).
    pub no_model: String,
    /// Profiles on each side (base, new): replicates are averaged.
    pub replicates: (usize, usize),
}

/// Checks that named profiles can be compared or merged: the same sample
/// types (by name; units of one kind, such as bytes and kilobytes, are
/// converted). The error names the first pair that differs and both lists.
pub fn check_comparable(named: &[(&str, &Profile)]) -> Result<()> {
    let Some(&(first, p0)) = named.first() else { return Ok(()) };
    let list = |p: &Profile| p.sample_types.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", ");
    for &(name, p) in &named[1..] {
        let same = p.sample_types.len() == p0.sample_types.len()
            && p.sample_types.iter().zip(&p0.sample_types).all(|(a, b)| {
                a.ty.trim_end_matches('s') == b.ty.trim_end_matches('s') && units::compatible_units(&a.unit, &b.unit)
            });
        if !same {
            let show = |s: String| if s.is_empty() { "no sample types".to_string() } else { s };
            return Err(Error::new(
                ErrorKind::Incompatible,
                format!(
                    "cannot compare {first} with {name}: they are different kinds of profile ({} vs {})",
                    show(list(p0)),
                    show(list(p))
                ),
            ));
        }
    }
    Ok(())
}

/// Where a function is in a comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// On both sides.
    Both,
    /// Only in the new profile.
    New,
    /// Only in the base.
    Gone,
}

impl Mark {
    /// Of a node with these (flat, cum) values on the base and new sides.
    pub fn of(base: (i64, i64), new: (i64, i64)) -> Mark {
        match (base != (0, 0), new != (0, 0)) {
            (false, true) => Mark::New,
            (true, false) => Mark::Gone,
            _ => Mark::Both,
        }
    }
    /// As the table and the text show it ("new", "gone" or "").
    pub fn text(self) -> &'static str {
        match self {
            Mark::Both => "",
            Mark::New => "new",
            Mark::Gone => "gone",
        }
    }
}

/// Compares `base` and `new` for the query's sample type with the one
/// comparison engine the page uses too: the base negated and labelled
/// ([`combine::compare_refs`], pprof's `-diff_base`), the query's filters
/// applied to both sides at once, and each side's values per node read back
/// from the labels. With `q.normalize`, the new side is scaled to the
/// base's total first, sample by sample, as pprof scales it.
pub fn diff(base: Profile, new: Profile, q: &Query) -> Result<Diff> {
    compatible(&base, &new)
        .map_err(|e| Error::new(ErrorKind::Incompatible, format!("the profiles cannot be compared: {}", e.message)))?;
    let vi = base.sample_index(&q.sample_index)?;
    let base_sum: i64 = (0..base.samples.len()).fold(0i64, |a, s| a.wrapping_add(base.value(s, vi).wrapping_abs()));
    if base_sum == 0 && q.normalize {
        return Err(Error::new(ErrorKind::BadQuery, "the base profile's total is zero: it cannot be normalised to"));
    }
    let combined = combine::compare_refs(&[&new], &[&base], q.normalize)?;
    drop((base, new));
    let query = Query { base_mode: BaseMode::Diff, normalize: false, ..q.clone() };
    let pr = Prepared::from_profile(combined, query)?;
    let is_base = match aggregate::base_samples(&pr.profile) {
        b if b.is_empty() => vec![false; pr.profile.samples.len()],
        b => b,
    };
    let (mut base_total, mut new_total) = (0i64, 0i64);
    for (s, &isb) in is_base.iter().enumerate() {
        let v = pr.profile.value(s, pr.value_index).wrapping_abs();
        if isb {
            base_total = base_total.wrapping_add(v);
        } else {
            new_total = new_total.wrapping_add(v);
        }
    }
    let (b, n) = graph::split_values(&pr.profile, &pr.stacks, pr.nodes.len(), pr.value_index, &is_base);
    let counting = Counting::of(&pr.profile, pr.value_index);
    // Each node's sampled count on each side, and each side's total.
    let sampled = counting.as_ref().map(|c| c.per_node(&pr, &is_base));
    // Nodes that print alike are one function to the reader: one row.
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut rows: Vec<DiffRow> = Vec::new();
    for i in 0..pr.nodes.len() {
        if (b.flat[i], b.cum[i], n.flat[i], n.cum[i]) == (0, 0, 0, 0) {
            continue;
        }
        let name = pr.nodes.printable_name(i);
        let k = *by_name.entry(name.clone()).or_insert_with(|| {
            rows.push(DiffRow {
                name,
                base_flat: 0,
                base_cum: 0,
                new_flat: 0,
                new_cum: 0,
                mark: "",
                flat_test: None,
                cum_test: None,
                counts: [0.0; 4],
            });
            rows.len() - 1
        });
        let r = &mut rows[k];
        r.base_flat += b.flat[i];
        r.base_cum += b.cum[i];
        r.new_flat += n.flat[i];
        r.new_cum += n.cum[i];
        if let Some((c, _)) = &sampled {
            for (j, v) in c[i].iter().enumerate() {
                r.counts[j] += v;
            }
        }
    }
    for r in &mut rows {
        r.mark = Mark::of((r.base_flat, r.base_cum), (r.new_flat, r.new_cum)).text();
    }
    let (model, no_model) = match (&counting, &sampled) {
        (Some(c), Some((_, totals))) if totals[0] >= 1.0 && totals[1] >= 1.0 => {
            test_rows(&mut rows, *totals, c.exact, c.absolute.then_some(base_total));
            (c.words.clone(), String::new())
        }
        (Some(_), _) => (String::new(), "the base or the new profile holds no samples".to_string()),
        (None, _) => (String::new(), no_model_reason(&pr.profile, pr.value_index)),
    };
    crate::order::sort_by(&mut rows, |a, b| {
        b.delta_cum().unsigned_abs().cmp(&a.delta_cum().unsigned_abs()).then_with(|| a.name.cmp(&b.name))
    });
    // The compared view's net values are new − base: no second pass for the unit.
    let output_unit = crate::report::output_unit_of(&pr, &graph::net_of(&b, &n));
    let st = pr.sample_type();
    Ok(Diff {
        rows,
        base_total,
        new_total,
        sample_type: st.ty.clone(),
        unit: st.unit.clone(),
        output_unit,
        model,
        no_model,
        replicates: (1, 1),
    })
}

/// How a profile was sampled, as far as it says: what can be counted.
pub(super) struct Counting {
    /// A column of counted samples (CPU's samples/count, contentions…).
    count: Option<usize>,
    /// Heap profiles: the objects and bytes columns of the shown type, and
    /// the sampling rate R (Go samples an allocation of S bytes with
    /// probability 1 − exp(−S/R)).
    heap: Option<(usize, usize, f64)>,
    /// Every event was recorded (a heap rate of 1): no sampling noise.
    exact: bool,
    /// Counts of one process at two times (heap snapshots): compared as
    /// they are, not as shares of their totals.
    pub(super) absolute: bool,
    /// The model in words.
    words: String,
}

impl Counting {
    pub(super) fn of(p: &Profile, vi: usize) -> Option<Counting> {
        let types = &p.sample_types;
        let ty = &types[vi].ty;
        // Heap: objects beside bytes of the same kind (inuse_ or alloc_).
        let kind = ty.split('_').next().unwrap_or("");
        let objects = types.iter().position(|t| t.ty == format!("{kind}_objects"));
        let space = types.iter().position(|t| t.ty == format!("{kind}_space"));
        if let (Some(o), Some(b)) = (objects, space) {
            let rate = p.period as f64;
            if rate <= 1.0 {
                return Some(Counting {
                    count: None,
                    heap: Some((o, b, 1.0)),
                    exact: true,
                    absolute: true,
                    words:
                        "every allocation recorded (sampling rate 1): there is no sampling noise, every change is real"
                            .into(),
                });
            }
            return Some(Counting {
                count: None,
                heap: Some((o, b, rate)),
                exact: false,
                absolute: true,
                words: format!(
                    "heap sampling (an allocation of S bytes is sampled with probability 1 − exp(−S/{rate})): the objects sampled at each site compared as Poisson counts (an exact test, or its normal approximation), changes in points of the base total, false discovery rate {}% (Benjamini–Hochberg) over every function",
                    stats::ALPHA * 100.0
                ),
            });
        }
        let count = types.iter().position(|t| t.unit == "count")?;
        Some(Counting {
            count: Some(count),
            heap: None,
            exact: false,
            absolute: false,
            words: format!(
                "counted samples ({}/count): Fisher's exact test or its normal approximation on the counts, false discovery rate {}% (Benjamini–Hochberg) over every function",
                types[count].ty,
                stats::ALPHA * 100.0
            ),
        })
    }

    /// Each node's sampled (base flat, base cum, new flat, new cum) and the
    /// sides' sampled totals (base, new).
    pub(super) fn per_node(&self, pr: &Prepared, is_base: &[bool]) -> (Vec<[f64; 4]>, [f64; 2]) {
        let p = &pr.profile;
        let nn = pr.nodes.len();
        let sampled = |(b, n): (&graph::Graph, &graph::Graph), i: usize| {
            [b.flat[i] as f64, b.cum[i] as f64, n.flat[i] as f64, n.cum[i] as f64].map(|v| v.abs())
        };
        let mut out = vec![[0.0; 4]; nn];
        let mut totals = [0.0f64; 2];
        match (self.count, self.heap) {
            (Some(c), _) => {
                let (b, n) = graph::split_values(p, &pr.stacks, nn, c, is_base);
                for (i, o) in out.iter_mut().enumerate() {
                    *o = sampled((&b, &n), i);
                }
                for s in 0..p.samples.len() {
                    totals[!is_base[s] as usize] += p.value(s, c).unsigned_abs() as f64;
                }
            }
            (None, Some((oc, bc, rate))) => {
                let (bo, no) = graph::split_values(p, &pr.stacks, nn, oc, is_base);
                let (bb, nb) = graph::split_values(p, &pr.stacks, nn, bc, is_base);
                // objects × (1 − exp(−average size / R)): the objects sampled.
                let drawn = |objects: i64, bytes: i64| {
                    let (o, b) = (objects.unsigned_abs() as f64, bytes.unsigned_abs() as f64);
                    if o == 0.0 {
                        0.0
                    } else {
                        o * (1.0 - (-(b / o) / rate).exp())
                    }
                };
                for (i, x) in out.iter_mut().enumerate() {
                    *x = [
                        drawn(bo.flat[i], bb.flat[i]),
                        drawn(bo.cum[i], bb.cum[i]),
                        drawn(no.flat[i], nb.flat[i]),
                        drawn(no.cum[i], nb.cum[i]),
                    ];
                }
                for s in 0..p.samples.len() {
                    totals[!is_base[s] as usize] += drawn(p.value(s, oc), p.value(s, bc));
                }
            }
            (None, None) => {}
        }
        (out, totals)
    }
}

/// Why changes cannot be told from noise for this profile's type.
pub(super) fn no_model_reason(p: &Profile, vi: usize) -> String {
    format!(
        "the profile does not say how {} was sampled (no count of samples beside it): raw differences only",
        p.sample_types[vi].ty
    )
}

/// Fewer sampled counts than this (both sides together) are not tested.
pub(super) const MIN_COUNT: f64 = 5.0;

/// Tests every row's flat and cum change (see [`test_family`]) on its
/// sampled counts, one profile a side.
fn test_rows(rows: &mut [DiffRow], totals: [f64; 2], exact: bool, absolute: Option<i64>) {
    let items: Vec<Counted> =
        rows.iter().map(|r| Counted { counts: r.counts, delta: [r.delta_flat(), r.delta_cum()] }).collect();
    let tests = test_family(&items, totals[0] + totals[1], exact, absolute, sampling_test(totals, absolute.is_some()));
    for (r, [flat, cum]) in rows.iter_mut().zip(tests) {
        (r.flat_test, r.cum_test) = (flat, cum);
    }
}

/// Each node's [flat, cum] tests, and the model in words or why there is none.
pub type Verdicts = (Vec<[Option<Test>; 2]>, std::result::Result<String, String>);

/// The tests of one view of a comparison, one profile a side, node by node
/// (the page's): `delta` is each node's (flat, cum) change and
/// `base_total` the base's total value. Returns each node's [flat, cum]
/// tests and the model in words, or why there is none.
pub fn test_view(pr: &Prepared, is_base: &[bool], delta: &[[i64; 2]], base_total: i64) -> Verdicts {
    let Some(c) = Counting::of(&pr.profile, pr.value_index) else {
        return (vec![[None, None]; delta.len()], Err(no_model_reason(&pr.profile, pr.value_index)));
    };
    let (per, totals) = c.per_node(pr, is_base);
    if totals[0] < 1.0 || totals[1] < 1.0 {
        return (vec![[None, None]; delta.len()], Err("the base or the new profile holds no samples".into()));
    }
    let items: Vec<Counted> = per.iter().zip(delta).map(|(&counts, &delta)| Counted { counts, delta }).collect();
    let absolute = c.absolute.then_some(base_total);
    let tests = test_family(&items, totals[0] + totals[1], c.exact, absolute, sampling_test(totals, c.absolute));
    (tests, Ok(c.words))
}

/// One profile a side: a function's test on its sampled counts, of the
/// sides' sampled `totals`: as Poisson counts (`absolute`, heap snapshots)
/// or as shares of the totals.
fn sampling_test(totals: [f64; 2], absolute: bool) -> impl Fn(usize, bool, f64, f64) -> Test {
    let (n1, n2) = (totals[0].round() as u64, totals[1].round() as u64);
    move |_, _, k1, k2| {
        let (a, b) = (k1.round() as u64, k2.round() as u64);
        if absolute {
            stats::two_counts(a, b, n1)
        } else {
            stats::two_proportions(a, n1, b, n2)
        }
    }
}

/// One function as the tests read it: its sampled counts (base flat, base
/// cum, new flat, new cum) and its value's change (flat, cum).
#[derive(Clone, Copy, Debug, Default)]
pub struct Counted {
    /// Sampled counts: base flat, base cum, new flat, new cum.
    pub counts: [f64; 4],
    /// New minus base in the values shown: flat, cum.
    pub delta: [i64; 2],
}

/// Tests each item's flat and cum change (the family: every function with
/// at least [`MIN_COUNT`] samples, flat and cum, whatever is shown) with
/// `test(item, cum, base count, new count)`, then decides significance over
/// the family; `total` is both sides' sampled counts together. With
/// `exact` sampling every change is real. Heap snapshots (`absolute`: the
/// base's total value) compare counts as they are, and their intervals are
/// scaled from sampled objects to the values shown (points of the base
/// total, as the "of base" column); other profiles compare shares of their
/// totals (points of the total). Returns each item's [flat, cum] tests.
pub fn test_family(
    items: &[Counted],
    total: f64,
    exact: bool,
    absolute: Option<i64>,
    test: impl Fn(usize, bool, f64, f64) -> Test,
) -> Vec<[Option<Test>; 2]> {
    let mut out = vec![[None, None]; items.len()];
    let mut family: Vec<(usize, usize)> = Vec::new();
    let (mut p, mut w) = (Vec::new(), Vec::new());
    for (i, r) in items.iter().enumerate() {
        // A function whose flat is its cum on both sides (a leaf) is one
        // question, not two: it is tested once (the cum), and the flat
        // shares the verdict.
        let same = r.counts[0] == r.counts[1] && r.counts[2] == r.counts[3];
        for (cum, (k1, k2)) in [(0, (r.counts[0], r.counts[2])), (1, (r.counts[1], r.counts[3]))] {
            if k1 + k2 < MIN_COUNT || (same && cum == 0) {
                continue;
            }
            let mut t = test(i, cum == 1, k1, k2);
            if let Some(base) = absolute.filter(|&b| b != 0) {
                // From points of sampled objects to points of the value.
                let dv = r.delta[cum] as f64 * 100.0 / base as f64;
                if t.delta != 0.0 && dv * t.delta > 0.0 {
                    let f = dv / t.delta;
                    t = Test { delta: dv, low: t.low * f, high: t.high * f, ..t };
                } else if dv != 0.0 {
                    // Fewer objects but more bytes (a map's bucket arrays
                    // replaced by one larger): the counts do not measure
                    // this change; it is left untested.
                    continue;
                }
            }
            if exact {
                t = Test { p: if k1 == k2 { 1.0 } else { 0.0 }, low: t.delta, high: t.delta, ..t };
            }
            family.push((i, cum));
            p.push(t.p);
            w.push(weight(k1 + k2, total, absolute.is_none()));
            out[i][cum] = Some(t);
        }
    }
    for ((i, cum), sig) in family.into_iter().zip(stats::benjamini_hochberg_weighted(&p, &w)) {
        if let Some(t) = out[i][cum].as_mut() {
            t.significant = sig;
        }
    }
    for (r, o) in items.iter().zip(out.iter_mut()) {
        if r.counts[0] == r.counts[1] && r.counts[2] == r.counts[3] {
            o[0] = o[1];
        }
    }
    out
}

/// A test's weight in the family's correction, fixed by both sides' counts
/// together (which say nothing of the change): what the function holds of
/// the profile, so a function holding a quarter of it is tested with more
/// weight than one holding a thousandth. A share is weighed by the smaller
/// of it and the rest (a function in every sample cannot change its share).
pub(super) fn weight(k: f64, total: f64, shares: bool) -> f64 {
    if shares {
        k.min(total - k).max(0.0)
    } else {
        k
    }
}

/// The functions whose cum grew by more than `pct` percent of the base
/// total (raw differences: sampling noise trips it too).
pub fn regressions(d: &Diff, pct: f64) -> Vec<&DiffRow> {
    let limit = d.base_total as f64 * pct / 100.0;
    d.rows.iter().filter(|r| r.delta_cum() as f64 > limit).collect()
}

/// The regression gate: with a sampling model, the functions whose cum grew
/// significantly with the low end of its interval above `pct` points of
/// the total; without one (or `raw`), [`regressions`].
pub fn gate(d: &Diff, pct: f64, raw: bool) -> Vec<&DiffRow> {
    if raw || d.model.is_empty() {
        return regressions(d, pct);
    }
    d.rows.iter().filter(|r| r.cum_test.is_some_and(|t| t.significant && t.delta > 0.0 && t.low > pct)).collect()
}

/// A tested change in words: "grew", "shrank" or "~" (not significant),
/// "" when untested.
pub fn verdict(t: Option<Test>) -> &'static str {
    match t {
        Some(t) if t.significant && t.delta > 0.0 => "grew",
        Some(t) if t.significant && t.delta < 0.0 => "shrank",
        Some(_) => "~",
        None => "",
    }
}

/// A change's interval in points of the total: "[+1.20, +3.40]".
pub fn interval_text(t: Option<Test>) -> String {
    match t {
        Some(t) if t.low.is_finite() && t.high.is_finite() => format!("[{:+.2}, {:+.2}]", t.low, t.high),
        _ => String::new(),
    }
}

/// The text of `pprof-lens diff`: benchstat's way, each change with its
/// interval (points of the total) and `~` where it is not significant.
pub fn diff_text(d: &Diff, limit: usize, fail_above: Option<f64>) -> String {
    diff_text_gated(d, limit, fail_above, false)
}

/// As [`diff_text`]; `raw` gates on raw differences.
pub fn diff_text_gated(d: &Diff, limit: usize, fail_above: Option<f64>, raw: bool) -> String {
    use std::fmt::Write;
    let fmt = |v: i64| units::scaled_label(v, &d.unit, &d.output_unit);
    let pct = |v: i64| {
        if d.base_total == 0 {
            "n/a".to_string()
        } else {
            let p = v as f64 * 100.0 / d.base_total as f64;
            format!("{}{:.2}%", if p > 0.0 { "+" } else { "" }, p)
        }
    };
    let mut out = String::new();
    let _ = writeln!(out, "Type: {}", d.sample_type);
    let signed = |v: i64| if v > 0 { format!("+{}", fmt(v)) } else { fmt(v) };
    let _ = writeln!(
        out,
        "Total: base {}, new {} (delta {})",
        fmt(d.base_total),
        fmt(d.new_total),
        signed(d.new_total - d.base_total)
    );
    if d.base_total == 0 {
        let _ = writeln!(out, "Note: the base total is zero, so changes are shown as absolute values only");
    }
    if d.model.is_empty() {
        let _ = writeln!(out, "Noise: not measured: {}", d.no_model);
    } else if d.replicates == (1, 1) {
        let _ = writeln!(out, "Noise: one profile per side, so only sampling noise is measured; {}", d.model);
    } else {
        let _ = writeln!(out, "Noise: {}", d.model);
    }
    if d.replicates != (1, 1) {
        let (b, n) = d.replicates;
        let _ = writeln!(out, "Values: per-profile means ({b} base, {n} new profiles)");
    }
    let _ = writeln!(
        out,
        "{:>12} {:>12} {:>12} {:>9} {:>18} {:>6} {:>12} {:>12} {:>12}  name",
        "base cum", "new cum", "delta cum", "of base", "95% (points)", "", "base flat", "new flat", "delta flat"
    );
    for r in d.rows.iter().filter(|r| r.delta_cum() != 0 || r.delta_flat() != 0).take(limit) {
        let mark = if r.mark.is_empty() { String::new() } else { format!(" ({})", r.mark) };
        let _ = writeln!(
            out,
            "{:>12} {:>12} {:>12} {:>9} {:>18} {:>6} {:>12} {:>12} {:>12}  {}{}",
            fmt(r.base_cum),
            fmt(r.new_cum),
            signed(r.delta_cum()),
            pct(r.delta_cum()),
            interval_text(r.cum_test),
            verdict(r.cum_test),
            fmt(r.base_flat),
            fmt(r.new_flat),
            signed(r.delta_flat()),
            r.name,
            mark
        );
    }
    if let Some(p) = fail_above {
        let bad = gate(d, p, raw);
        let how = if raw || d.model.is_empty() {
            format!("by more than {p}% of the base total")
        } else {
            format!("significantly, by more than {p} points of the total at the low end of its interval")
        };
        if bad.is_empty() {
            let _ = writeln!(out, "Gate: no function's cum grew {how}");
        } else {
            let _ = writeln!(out, "Gate: FAILED, {} functions grew {how}:", bad.len());
            for r in bad {
                let _ =
                    writeln!(out, "  {} {} ({})", r.name, format_args!("+{}", fmt(r.delta_cum())), pct(r.delta_cum()));
            }
        }
    }
    out
}

/// `pprof-lens diff --format=json`: the totals and the rows (raw values in
/// the sample type's unit), biggest change first, at most `limit`.
pub fn diff_json(d: &Diff, limit: usize) -> String {
    use super::json_str;
    let rows: Vec<String> = d
        .rows
        .iter()
        .take(limit)
        .map(|r| {
            let test = |t: Option<Test>| match t {
                Some(t) if t.low.is_finite() && t.high.is_finite() => format!(
                    "\"interval\":[{:.4},{:.4}],\"p_value\":{:.6e},\"significant\":{}",
                    t.low, t.high, t.p, t.significant
                ),
                _ => "\"interval\":null,\"p_value\":null,\"significant\":null".to_string(),
            };
            format!(
                "{{\"name\":{},\"base_flat\":{},\"new_flat\":{},\"base_cum\":{},\"new_cum\":{},\"delta\":{},\"delta_cum\":{},\"mark\":{},{},\"flat\":{{{}}}}}",
                json_str(&r.name),
                r.base_flat,
                r.new_flat,
                r.base_cum,
                r.new_cum,
                r.delta_cum(),
                r.delta_cum(),
                json_str(r.mark),
                test(r.cum_test),
                test(r.flat_test)
            )
        })
        .collect();
    format!(
        "{{\"sample_type\":{},\"unit\":{},\"base_total\":{},\"new_total\":{},\"model\":{},\"rows\":[{}]}}\n",
        json_str(&d.sample_type),
        json_str(&d.unit),
        d.base_total,
        d.new_total,
        json_str(if d.model.is_empty() { &d.no_model } else { &d.model }),
        rows.join(",")
    )
}
