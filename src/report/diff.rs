//! Comparing two profiles function by function: base and new values (flat
//! and cum), their delta and the delta as a share of the base total, with
//! functions found on one side only marked; and the regression gate of
//! `pprof-lens diff --fail-above=PCT`.

use crate::aggregate::{graph, Prepared};
use crate::error::{Error, ErrorKind, Result};
use crate::model::merge::compatible;
use crate::model::Profile;
use crate::query::Query;
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
}

/// (flat, cum) by function name, the report total, the sample type and unit.
type Side = (HashMap<String, (i64, i64)>, i64, String, String);

fn values(p: Profile, q: &Query) -> Result<Side> {
    let pr = Prepared::new(vec![p], vec![], q.clone())?;
    let g = graph::build(&pr.profile, &pr.stacks, pr.nodes.len(), pr.value_index, None, false);
    let mut m = HashMap::new();
    for n in g.present() {
        m.insert(pr.nodes.printable_name(n as usize), (g.flat[n as usize], g.cum[n as usize]));
    }
    Ok((m, pr.total, pr.sample_type().ty.clone(), pr.sample_type().unit.clone()))
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

/// Compares `base` and `new` for the query's sample type; with
/// `q.normalize`, the new profile is scaled to the base's total first.
pub fn diff(base: Profile, new: Profile, q: &Query) -> Result<Diff> {
    compatible(&base, &new)
        .map_err(|e| Error::new(ErrorKind::Incompatible, format!("the profiles cannot be compared: {}", e.message)))?;
    let (b, base_total, sample_type, unit) = values(base, q)?;
    let (n, new_total, _, _) = values(new, q)?;
    if base_total == 0 && q.normalize {
        return Err(Error::new(ErrorKind::BadQuery, "the base profile's total is zero: it cannot be normalised to"));
    }
    let scale = if q.normalize && new_total != 0 { base_total as f64 / new_total as f64 } else { 1.0 };
    let sc = |v: i64| if scale == 1.0 { v } else { (v as f64 * scale).round() as i64 };
    let mut names: Vec<&String> = b.keys().chain(n.keys()).collect();
    names.sort();
    names.dedup();
    let mut rows: Vec<DiffRow> = names
        .into_iter()
        .map(|name| {
            let (bf, bc) = b.get(name).copied().unwrap_or((0, 0));
            let (nf, nc) = n.get(name).map(|&(f, c)| (sc(f), sc(c))).unwrap_or((0, 0));
            let mark = match (b.contains_key(name), n.contains_key(name)) {
                (false, true) => "new",
                (true, false) => "gone",
                _ => "",
            };
            DiffRow { name: name.clone(), base_flat: bf, base_cum: bc, new_flat: nf, new_cum: nc, mark }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.delta_cum().unsigned_abs().cmp(&a.delta_cum().unsigned_abs()).then_with(|| a.name.cmp(&b.name))
    });
    Ok(Diff { rows, base_total, new_total: sc(new_total), sample_type, unit })
}

/// The functions whose cum grew by more than `pct` percent of the base total.
pub fn regressions(d: &Diff, pct: f64) -> Vec<&DiffRow> {
    let limit = d.base_total as f64 * pct / 100.0;
    d.rows.iter().filter(|r| r.delta_cum() as f64 > limit).collect()
}

/// The text of `pprof-lens diff`.
pub fn diff_text(d: &Diff, limit: usize, fail_above: Option<f64>) -> String {
    use std::fmt::Write;
    let fmt = |v: i64| units::label(v, &d.unit);
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
