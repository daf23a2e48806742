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
    // Each profile's counts first: the merge below takes the profiles.
    let sides = {
        let (b, n): (Vec<&Profile>, Vec<&Profile>) = (bases.iter().collect(), news.iter().collect());
        sampled_sides(&b, &n, q)?
    };
    let names: Vec<(String, [i64; 2])>;
    let mut d = {
        let mut d = diff::diff(merge(bases)?, merge(news)?, q)?;
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
    let t = tested(&names, d.base_total, sides);
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
    Ok(tested(names, base_total, sampled_sides(bases, news, q)?))
}

/// Each side's profiles' sampled counts by function and whether they are
/// shares (`Err`: why they cannot be tested).
type Sides = std::result::Result<(Vec<Sampled>, Vec<Sampled>, bool), String>;

/// The counts [`test_sampled`] reads, of every profile of each side.
fn sampled_sides(bases: &[&Profile], news: &[&Profile], q: &Query) -> Result<Sides> {
    let (rb, rn) = (bases.len(), news.len());
    if rb < 2 || rn < 2 {
        return Ok(Err(format!(
            "too few profiles for a verdict ({rb} vs {rn}): with lists, the runs' spread sets the noise, and that needs two profiles a side at least; raw differences of the means only"
        )));
    }
    let q = Query { normalize: false, base_mode: BaseMode::None, ..q.clone() };
    let sampled = |ps: &[&Profile]| ps.iter().map(|p| sampled_by_name(p, &q)).collect::<Result<Option<Vec<_>>>>();
    let (Some(sb), Some(sn)) = (sampled(bases)?, sampled(news)?) else {
        return Ok(Err("a profile of the lists says nothing of how it was sampled: raw differences only".into()));
    };
    let absolute = Counting::of(bases[0], bases[0].sample_index(&q.sample_index)?).is_some_and(|c| c.absolute);
    Ok(Ok((sb, sn, !absolute)))
}

/// The verdicts on `names` from the sides' counts, or none and why.
fn tested(names: &[(String, [i64; 2])], base_total: i64, sides: Sides) -> Replicated {
    match sides {
        Ok((sb, sn, shares)) => test_sampled(names, base_total, &sb, &sn, shares),
        Err(why) => Replicated { tests: vec![[None, None]; names.len()], model: Err(why) },
    }
}

/// [`test_replicates`] on each profile's sampled counts by function.
fn test_sampled(
    names: &[(String, [i64; 2])],
    base_total: i64,
    sb: &[Sampled],
    sn: &[Sampled],
    shares: bool,
) -> Replicated {
    let (rb, rn) = (sb.len(), sn.len());
    // A function's counts in each profile of a side: (count, profile total).
    let side = |s: &[Sampled], name: &str, cum: bool| -> Vec<(f64, f64)> {
        s.iter().map(|(m, n)| (m.get(name).map_or(0.0, |v| v[cum as usize]), *n)).collect()
    };
    let sum = |s: &[Sampled], name: &str, cum: bool| side(s, name, cum).iter().map(|x| x.0).sum::<f64>();
    let mut groups = Vec::new();
    let mut items = Vec::with_capacity(names.len());
    for (name, delta) in names {
        let counts = [sum(sb, name, false), sum(sb, name, true), sum(sn, name, false), sum(sn, name, true)];
        if counts[0] + counts[2] >= MIN_COUNT {
            groups.push(side(sb, name, false));
            groups.push(side(sn, name, false));
        }
        items.push(Counted { counts, delta: *delta });
    }
    let disp = Dispersion::fit(&groups, shares);
    let total: f64 = sb.iter().chain(sn).map(|x| x.1).sum();
    let tests = diff::test_family(&items, total, false, (!shares).then_some(base_total), |i, cum, _, _| {
        stats::replicated(&side(sb, &names[i].0, cum), &side(sn, &names[i].0, cum), shares, &disp)
    });
    let model = format!(
        "{rb} vs {rn} profiles; the runs' spread sets the noise: one model fitted over every function's replicates (variance {:.2} × sampling's, plus {:.1}% of {} between runs), then Student's t per function (its degrees of freedom by Satterthwaite, from the fit's uncertainty), false discovery rate {}% (Benjamini–Hochberg, weighted by what each function holds) over every function with {MIN_COUNT} samples or more, flat and cum",
        disp.phi,
        disp.c.sqrt() * 100.0,
        if shares { "a function's share" } else { "a site's count" },
        stats::ALPHA * 100.0,
    );
    Replicated { tests, model: Ok(model) }
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

/// A function whose cost changed from one snapshot of a series on.
#[derive(Clone, Debug)]
pub struct ChangePoint {
    /// pprof's printable name.
    pub name: String,
    /// The first snapshot of the new level (0-based, in series order).
    pub at: usize,
    /// Its file.
    pub file: String,
    /// The change of its cum, before against after (points of the total,
    /// or of the base's total for counts), with its interval and p-value
    /// (adjusted for the splits tried).
    pub test: Test,
    /// The change relative to the level before (0.3: 30% more).
    pub relative: f64,
}

/// Change points across a series of snapshots (CPU or heap; goroutine
/// series are the leak analysis's): for each function, every split with two
/// snapshots a side at least is tested as two sets of replicates
/// ([`test_replicates`]' model), the best split kept with its p-value
/// multiplied by the splits tried (Bonferroni), and the false discovery
/// rate held over the functions (weighted as in a comparison). Snapshots
/// are in time order when all are timed, else as given. Empty with fewer
/// than four snapshots or no sampling model.
pub fn change_points(snaps: &[(String, &Profile)], q: &Query) -> Result<Vec<ChangePoint>> {
    let n = snaps.len();
    if n < 4 {
        return Ok(Vec::new());
    }
    let mut order: Vec<usize> = (0..n).collect();
    if snaps.iter().all(|(_, p)| p.time_nanos != 0) {
        order.sort_by_key(|&i| snaps[i].1.time_nanos);
    }
    let q = Query { normalize: false, base_mode: BaseMode::None, ..q.clone() };
    let first = snaps[order[0]].1;
    let Some(counting) = Counting::of(first, first.sample_index(&q.sample_index)?) else { return Ok(Vec::new()) };
    let shares = !counting.absolute;
    let mut sampled = Vec::with_capacity(n);
    for &i in &order {
        match sampled_by_name(snaps[i].1, &q)? {
            Some(s) => sampled.push(s),
            None => return Ok(Vec::new()),
        }
    }
    let mut names: Vec<String> = sampled.iter().flat_map(|(m, _)| m.keys().cloned()).collect();
    names.sort();
    names.dedup();
    let splits = n - 3;
    // Per function: its best split's cum test.
    let mut best: Vec<Option<(usize, Test)>> = vec![None; names.len()];
    for k in 2..=n - 2 {
        let named: Vec<(String, [i64; 2])> = names.iter().map(|x| (x.clone(), [0, 0])).collect();
        let r = test_sampled(&named, 0, &sampled[..k], &sampled[k..], shares);
        for (b, [_, cum]) in best.iter_mut().zip(r.tests) {
            if let Some(t) = cum {
                if b.as_ref().is_none_or(|(_, old)| t.p < old.p) {
                    *b = Some((k, t));
                }
            }
        }
    }
    let total: f64 = sampled.iter().map(|x| x.1).sum();
    let family: Vec<usize> = (0..names.len()).filter(|&i| best[i].is_some()).collect();
    let p: Vec<f64> = family.iter().map(|&i| (best[i].unwrap().1.p * splits as f64).min(1.0)).collect();
    let w: Vec<f64> = family
        .iter()
        .map(|&i| {
            let k: f64 = sampled.iter().map(|(m, _)| m.get(&names[i]).map_or(0.0, |v| v[1])).sum();
            diff::weight(k, total, shares)
        })
        .collect();
    let mut out = Vec::new();
    for ((&i, sig), p) in family.iter().zip(stats::benjamini_hochberg_weighted(&p, &w)).zip(&p) {
        let Some((k, t)) = best[i] else { continue };
        if !sig {
            continue;
        }
        let level = |s: &[Sampled]| {
            let v: f64 = s
                .iter()
                .map(|(m, tot)| {
                    let c = m.get(&names[i]).map_or(0.0, |v| v[1]);
                    if shares && *tot > 0.0 {
                        c / tot
                    } else {
                        c
                    }
                })
                .sum();
            v / s.len() as f64
        };
        let (before, after) = (level(&sampled[..k]), level(&sampled[k..]));
        let relative = if before > 0.0 { after / before - 1.0 } else { f64::INFINITY };
        out.push(ChangePoint {
            name: names[i].clone(),
            at: k,
            file: snaps[order[k]].0.clone(),
            test: Test { p: *p, significant: true, ..t },
            relative,
        });
    }
    crate::order::sort_by(&mut out, |a, b| {
        b.test.delta.abs().total_cmp(&a.test.delta.abs()).then_with(|| a.name.cmp(&b.name))
    });
    Ok(out)
}

/// Change points in words, one a line: "main.priceItems costs 37% more
/// from snapshot 4 (slow1.pb.gz) on: +3.92 points of the total [+2.10,
/// +5.74], p = 1.2e-05".
pub fn change_points_text(points: &[ChangePoint]) -> String {
    let mut out = String::from(
        "Change points (each function's best split, two snapshots a side at least, tested as replicates; false discovery rate 5%):\n",
    );
    if points.is_empty() {
        out.push_str("  none: no function's cost changed more than the snapshots' spread explains\n");
    }
    for c in points {
        let how = if c.relative.is_infinite() {
            "appears".to_string()
        } else if c.relative >= 0.0 {
            format!("costs {:.0}% more", c.relative * 100.0)
        } else {
            format!("costs {:.0}% less", -c.relative * 100.0)
        };
        out.push_str(&format!(
            "  {} {how} from snapshot {} ({}) on: {:+.2} points [{:+.2}, {:+.2}], p = {:.1e}\n",
            c.name,
            c.at + 1,
            c.file,
            c.test.delta,
            c.test.low,
            c.test.high,
            c.test.p
        ));
    }
    out
}

/// The change points as a JSON list, for `series --format=json`.
pub fn change_points_json(points: &[ChangePoint]) -> String {
    use super::json_str;
    let rows: Vec<String> = points
        .iter()
        .map(|c| {
            format!(
                "{{\"name\":{},\"from_snapshot\":{},\"file\":{},\"delta\":{:.4},\"interval\":[{:.4},{:.4}],\"p_value\":{:.6e},\"relative\":{}}}",
                json_str(&c.name),
                c.at + 1,
                json_str(&c.file),
                c.test.delta,
                c.test.low,
                c.test.high,
                c.test.p,
                if c.relative.is_finite() { format!("{:.4}", c.relative) } else { "null".into() }
            )
        })
        .collect();
    format!("[{}]", rows.join(","))
}
