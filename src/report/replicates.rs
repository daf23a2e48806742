//! Comparing several profiles per side (repeated runs of one build, or
//! snapshots): the values shown are per-profile means, and each function's
//! change is tested against how much the runs of one side vary, not only
//! against sampling. One over-dispersion model is fitted per comparison
//! over every function's replicates ([`stats::Dispersion`]): with three
//! runs a side, a function's own spread is too uncertain to test it alone.

use super::diff::{self, Counted, Counting, Diff, MIN_COUNT};
use super::stats::{self, Dispersion, Test};
use crate::aggregate::Prepared;
use crate::error::{Error, ErrorKind, Result};
use crate::model::merge::merge;
use crate::model::Profile;
use crate::query::{BaseMode, Query};
use std::collections::HashMap;

/// Each function's sampled (flat, cum) in one profile, and its sampled total.
type Sampled = (HashMap<String, [f64; 2]>, f64);

/// Compares the profiles of `bases` with those of `news`. One of each is
/// [`diff::diff`]. With lists, values are per-profile means (`normalize`
/// scales the new side's sum to the base side's sum, so both are shown as
/// means of the base's count of profiles); a verdict needs two profiles a
/// side at least, else the comparison says "too few" and shows raw means.
pub fn diff_replicated(bases: Vec<Profile>, news: Vec<Profile>, q: &Query) -> Result<Diff> {
    let (rb, rn) = (bases.len(), news.len());
    if rb == 0 || rn == 0 {
        return Err(Error::new(ErrorKind::BadQuery, "diff: each side needs one profile at least"));
    }
    if (rb, rn) == (1, 1) {
        let (b, n) = (bases.into_iter().next(), news.into_iter().next());
        return diff::diff(b.unwrap(), n.unwrap(), q);
    }
    let names: Vec<(String, [i64; 2])>;
    let mut d = {
        let mut d = diff::diff(merge(bases.clone())?, merge(news.clone())?, q)?;
        let (kb, kn) = (rb as f64, if q.normalize { rb } else { rn } as f64);
        let mean = |v: i64, k: f64| (v as f64 / k).round() as i64;
        for r in &mut d.rows {
            (r.base_flat, r.base_cum) = (mean(r.base_flat, kb), mean(r.base_cum, kb));
            (r.new_flat, r.new_cum) = (mean(r.new_flat, kn), mean(r.new_cum, kn));
        }
        (d.base_total, d.new_total) = (mean(d.base_total, kb), mean(d.new_total, kn));
        d.replicates = (rb, rn);
        names = d.rows.iter().map(|r| (r.name.clone(), [r.delta_flat(), r.delta_cum()])).collect();
        d
    };
    let (rb_refs, rn_refs): (Vec<&Profile>, Vec<&Profile>) = (bases.iter().collect(), news.iter().collect());
    let t = test_replicates(&names, d.base_total, &rb_refs, &rn_refs, q)?;
    for (r, [flat, cum]) in d.rows.iter_mut().zip(t.tests) {
        (r.flat_test, r.cum_test) = (flat, cum);
    }
    match t.model {
        Ok(m) => (d.model, d.no_model) = (m, String::new()),
        Err(why) => (d.model, d.no_model) = (String::new(), why),
    }
    Ok(d)
}

/// The replicates' verdicts on named functions.
pub struct Replicated {
    /// Each function's [flat, cum] tests.
    pub tests: Vec<[Option<Test>; 2]>,
    /// The model in words, or why there is none.
    pub model: std::result::Result<String, String>,
}

/// Tests the functions `names` (each with its (flat, cum) change in the
/// values shown; `base_total` the base's total value) over the replicated
/// profiles of each side, under the query's sample type and filters.
pub fn test_replicates(
    names: &[(String, [i64; 2])],
    base_total: i64,
    bases: &[&Profile],
    news: &[&Profile],
    q: &Query,
) -> Result<Replicated> {
    let (rb, rn) = (bases.len(), news.len());
    let untested = |why: String| Replicated { tests: vec![[None, None]; names.len()], model: Err(why) };
    if rb < 2 || rn < 2 {
        return Ok(untested(format!(
            "too few profiles for a verdict ({rb} vs {rn}): with lists, the runs' spread sets the noise, and that needs two profiles a side at least; raw differences of the means only"
        )));
    }
    let q = Query { normalize: false, base_mode: BaseMode::None, ..q.clone() };
    let sampled = |ps: &[&Profile]| ps.iter().map(|p| sampled_by_name(p, &q)).collect::<Result<Option<Vec<_>>>>();
    let (Some(sb), Some(sn)) = (sampled(bases)?, sampled(news)?) else {
        return Ok(untested("a profile of the lists says nothing of how it was sampled: raw differences only".into()));
    };
    let absolute = Counting::of(bases[0], bases[0].sample_index(&q.sample_index)?).is_some_and(|c| c.absolute);
    let shares = !absolute;
    // A function's counts in each profile of a side: (count, profile total).
    let side = |s: &[Sampled], name: &str, cum: bool| -> Vec<(f64, f64)> {
        s.iter().map(|(m, n)| (m.get(name).map_or(0.0, |v| v[cum as usize]), *n)).collect()
    };
    let sum = |s: &[Sampled], name: &str, cum: bool| side(s, name, cum).iter().map(|x| x.0).sum::<f64>();
    let mut groups = Vec::new();
    let mut items = Vec::with_capacity(names.len());
    for (name, delta) in names {
        let counts = [sum(&sb, name, false), sum(&sb, name, true), sum(&sn, name, false), sum(&sn, name, true)];
        if counts[0] + counts[2] >= MIN_COUNT {
            groups.push(side(&sb, name, false));
            groups.push(side(&sn, name, false));
        }
        items.push(Counted { counts, delta: *delta });
    }
    let disp = Dispersion::fit(&groups, shares);
    let total: f64 = sb.iter().chain(&sn).map(|x| x.1).sum();
    let tests = diff::test_family(&items, total, false, absolute.then_some(base_total), |i, cum, _, _| {
        stats::replicated(&side(&sb, &names[i].0, cum), &side(&sn, &names[i].0, cum), shares, &disp)
    });
    let model = format!(
        "{rb} vs {rn} profiles; the runs' spread sets the noise: one model fitted over every function's replicates (variance {:.2} × sampling's, plus {:.1}% of {} between runs), then Student's t per function (its degrees of freedom by Satterthwaite, from the fit's uncertainty), false discovery rate {}% (Benjamini–Hochberg, weighted by what each function holds) over every function with {MIN_COUNT} samples or more, flat and cum",
        disp.phi,
        disp.c.sqrt() * 100.0,
        if shares { "a function's share" } else { "a site's count" },
        stats::ALPHA * 100.0,
    );
    Ok(Replicated { tests, model: Ok(model) })
}

/// One profile's sampled count per function (flat, cum) under the query's
/// filters, and its sampled total; `None` when it says nothing of how it
/// was sampled.
fn sampled_by_name(p: &Profile, q: &Query) -> Result<Option<Sampled>> {
    let pr = Prepared::from_profile(p.clone(), q.clone())?;
    let Some(c) = Counting::of(&pr.profile, pr.value_index) else { return Ok(None) };
    let (per, totals) = c.per_node(&pr, &vec![true; pr.profile.samples.len()]);
    let mut out: HashMap<String, [f64; 2]> = HashMap::new();
    for (i, v) in per.iter().enumerate() {
        if v[0] != 0.0 || v[1] != 0.0 {
            let e = out.entry(pr.nodes.printable_name(i)).or_default();
            e[0] += v[0];
            e[1] += v[1];
        }
    }
    Ok(Some((out, totals[0])))
}
