//! Comparing two profiles function by function: base and new values (flat
//! and cum), their delta and the delta as a share of the base total, with
//! functions found on one side only marked; and the regression gate of
//! `pprof-lens diff --fail-above=PCT`.

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
    // Nodes that print alike are one function to the reader: one row.
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut rows: Vec<DiffRow> = Vec::new();
    for i in 0..pr.nodes.len() {
        if (b.flat[i], b.cum[i], n.flat[i], n.cum[i]) == (0, 0, 0, 0) {
            continue;
        }
        let name = pr.nodes.printable_name(i);
        let k = *by_name.entry(name.clone()).or_insert_with(|| {
            rows.push(DiffRow { name, base_flat: 0, base_cum: 0, new_flat: 0, new_cum: 0, mark: "" });
            rows.len() - 1
        });
        let r = &mut rows[k];
        r.base_flat += b.flat[i];
        r.base_cum += b.cum[i];
        r.new_flat += n.flat[i];
        r.new_cum += n.cum[i];
    }
    for r in &mut rows {
        r.mark = Mark::of((r.base_flat, r.base_cum), (r.new_flat, r.new_cum)).text();
    }
    crate::order::sort_by(&mut rows, |a, b| {
        b.delta_cum().unsigned_abs().cmp(&a.delta_cum().unsigned_abs()).then_with(|| a.name.cmp(&b.name))
    });
    // The compared view's net values are new − base: no second pass for the unit.
    let output_unit = crate::report::output_unit_of(&pr, &graph::net_of(&b, &n));
    let st = pr.sample_type();
    Ok(Diff { rows, base_total, new_total, sample_type: st.ty.clone(), unit: st.unit.clone(), output_unit })
}

/// The functions whose cum grew by more than `pct` percent of the base total.
pub fn regressions(d: &Diff, pct: f64) -> Vec<&DiffRow> {
    let limit = d.base_total as f64 * pct / 100.0;
    d.rows.iter().filter(|r| r.delta_cum() as f64 > limit).collect()
}

/// The text of `pprof-lens diff`.
pub fn diff_text(d: &Diff, limit: usize, fail_above: Option<f64>) -> String {
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
    let _ = writeln!(
        out,
        "{:>12} {:>12} {:>12} {:>9} {:>12} {:>12} {:>12}  name",
        "base cum", "new cum", "delta cum", "of base", "base flat", "new flat", "delta flat"
    );
    for r in d.rows.iter().filter(|r| r.delta_cum() != 0 || r.delta_flat() != 0).take(limit) {
        let mark = if r.mark.is_empty() { String::new() } else { format!(" ({})", r.mark) };
        let _ = writeln!(
            out,
            "{:>12} {:>12} {:>12} {:>9} {:>12} {:>12} {:>12}  {}{}",
            fmt(r.base_cum),
            fmt(r.new_cum),
            signed(r.delta_cum()),
            pct(r.delta_cum()),
            fmt(r.base_flat),
            fmt(r.new_flat),
            signed(r.delta_flat()),
            r.name,
            mark
        );
    }
    if let Some(p) = fail_above {
        let bad = regressions(d, p);
        if bad.is_empty() {
            let _ = writeln!(out, "Gate: no function's cum grew by more than {p}% of the base total");
        } else {
            let _ = writeln!(out, "Gate: FAILED, {} functions grew by more than {p}% of the base total:", bad.len());
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
            format!(
                "{{\"name\":{},\"base_flat\":{},\"new_flat\":{},\"base_cum\":{},\"new_cum\":{},\"delta_cum\":{},\"mark\":{}}}",
                json_str(&r.name),
                r.base_flat,
                r.new_flat,
                r.base_cum,
                r.new_cum,
                r.delta_cum(),
                json_str(r.mark)
            )
        })
        .collect();
    format!(
        "{{\"sample_type\":{},\"unit\":{},\"base_total\":{},\"new_total\":{},\"rows\":[{}]}}\n",
        json_str(&d.sample_type),
        json_str(&d.unit),
        d.base_total,
        d.new_total,
        rows.join(",")
    )
}
