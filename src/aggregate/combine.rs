//! Combining the profiles a query names into one, as pprof's driver does:
//! sources merged, bases merged, the base labelled (`-diff_base`), the
//! sources normalised (`-normalize`), the base negated, both merged, then
//! `drop_frames` applied.

use crate::error::{Error, ErrorKind, Result};
use crate::model::merge::{self, compatible, scale, set_label};
use crate::model::{self, Profile};
use crate::query::BaseMode;
use crate::units;

/// The label pprof puts on samples of a `-diff_base` profile.
pub const BASE_LABEL: &str = "pprof::base";

/// Merges `sources` and, if given, subtracts the merged `bases`.
pub fn combine(sources: Vec<Profile>, bases: Vec<Profile>, mode: BaseMode, normalize: bool) -> Result<Profile> {
    if sources.is_empty() {
        return Err(Error::new(ErrorKind::BadQuery, "no profiles given"));
    }
    let mut p = model::merge(scale_units(sources)?)?;
    if mode != BaseMode::None && !bases.is_empty() {
        let mut b = model::merge(scale_units(bases)?)?;
        if mode == BaseMode::Diff {
            set_label(&mut b, BASE_LABEL, "true");
        }
        if normalize {
            normalize_to(&mut p, &b)?;
        }
        let neg = vec![-1.0; b.sample_types.len()];
        scale(&mut b, &neg);
        // Both sides are merged (their samples unique); with the base
        // labelled, no sample of one side can equal one of the other's
        // unless the new side already carried the label.
        let disjoint = mode == BaseMode::Diff && !p.strings.iter().any(|s| s == BASE_LABEL);
        let both = scale_units(vec![p, b])?;
        p = if disjoint { merge::merge_disjoint(both)? } else { model::merge(both)? };
    }
    remove_uninteresting(&mut p)?;
    Ok(p)
}

/// [`combine`] in `-diff_base` mode of borrowed profiles (the page keeps
/// the profiles it compares). When each side is one already-merged profile
/// with the same sample types, the sides are merged straight from where
/// they are, the base negated and labelled on the way, with no copy; else
/// the profiles are copied and combined as usual.
pub fn compare_refs(sources: &[&Profile], bases: &[&Profile], normalize: bool) -> Result<Profile> {
    if let ([p], [b]) = (sources, bases) {
        let fast = p.sample_types == b.sample_types
            && p.drop_frames.is_empty()
            && !p.strings.iter().any(|s| s == BASE_LABEL)
            && merge::is_merged(p)
            && merge::is_merged(b);
        if fast {
            let nt = p.sample_types.len();
            let sum = |q: &Profile| {
                let mut v = vec![0i64; nt];
                for row in q.samples.values.chunks(nt) {
                    for (a, &x) in v.iter_mut().zip(row) {
                        *a = a.wrapping_add(x);
                    }
                }
                v
            };
            let new_side = merge::Adjust {
                ratios: normalize.then(|| {
                    let (bv, sv) = (sum(b), sum(p));
                    (0..nt).map(|i| if sv[i] == 0 { 0.0 } else { bv[i] as f64 / sv[i] as f64 }).collect()
                }),
                label: None,
            };
            let base_side = merge::Adjust {
                ratios: Some(vec![-1.0; nt]),
                label: Some((BASE_LABEL.to_string(), "true".to_string())),
            };
            return merge::merge_disjoint_refs(&[(p, &new_side), (b, &base_side)]);
        }
    }
    let own = |ps: &[&Profile]| ps.iter().map(|&p| p.clone()).collect::<Vec<_>>();
    combine(own(sources), own(bases), BaseMode::Diff, normalize)
}

/// pprof's `Normalize`: scales `p` so each sample type sums to the base's sum.
fn normalize_to(p: &mut Profile, base: &Profile) -> Result<()> {
    compatible(p, base)?;
    let nt = p.sample_types.len();
    let sum = |q: &Profile| {
        let mut v = vec![0i64; nt];
        for row in q.samples.values.chunks(nt) {
            for (a, &b) in v.iter_mut().zip(row) {
                *a = a.wrapping_add(b);
            }
        }
        v
    };
    let (bv, sv) = (sum(base), sum(p));
    let ratios: Vec<f64> = (0..nt).map(|i| if sv[i] == 0 { 0.0 } else { bv[i] as f64 / sv[i] as f64 }).collect();
    scale(p, &ratios);
    Ok(())
}

/// pprof's `ScaleProfiles`: when profiles use different units of one kind
/// (bytes and kilobytes), convert all to the smallest.
fn scale_units(mut ps: Vec<Profile>) -> Result<Vec<Profile>> {
    if ps.len() <= 1 {
        return Ok(ps);
    }
    let nt = ps[0].sample_types.len();
    for p in &ps[1..] {
        if p.sample_types.len() != nt {
            return Err(Error::new(
                ErrorKind::Incompatible,
                format!("inconsistent sample type count: {} != {}", nt, p.sample_types.len()),
            ));
        }
    }
    for i in 0..nt {
        let mut min = ps[0].sample_types[i].clone();
        for p in &ps[1..] {
            let t = &p.sample_types[i];
            if min.ty.trim_end_matches('s') != t.ty.trim_end_matches('s')
                || !units::compatible_units(&min.unit, &t.unit)
            {
                return Err(Error::new(
                    ErrorKind::Incompatible,
                    format!("sample types: incompatible types: {} and {}", min, t),
                ));
            }
            if units::scale(1, &t.unit, &min.unit).0 < 1.0 {
                min = t.clone();
            }
        }
        for p in ps.iter_mut() {
            let (r, _) = units::scale(1, &p.sample_types[i].unit, &min.unit);
            if p.sample_types[i].unit != min.unit {
                let mut ratios = vec![1.0; nt];
                ratios[i] = r;
                scale(p, &ratios);
                p.sample_types[i].unit = min.unit.clone();
            }
        }
    }
    Ok(ps)
}

/// pprof's `RemoveUninteresting`: applies the profile's `drop_frames` /
/// `keep_frames` regexes, cutting stacks below dropped frames.
fn remove_uninteresting(p: &mut Profile) -> Result<()> {
    if p.drop_frames.is_empty() {
        return Ok(());
    }
    let compile = |s: &str| {
        regex::Regex::new(&format!("^({s})$")).map_err(|e| {
            Error::new(ErrorKind::Invalid, format!("malformed profile: failed to compile drop_frames regexp {s}: {e}"))
        })
    };
    let drop = compile(&p.drop_frames)?;
    let keep = if p.keep_frames.is_empty() { None } else { Some(compile(&p.keep_frames)?) };
    let nl = p.locations.len();
    let mut prune = vec![false; nl];
    let mut beneath = vec![false; nl];
    let mut new_start = p.locations.frame_start.clone();
    for l in 0..nl {
        let fr = p.locations.frames(l);
        let mut hit = None;
        for i in fr.clone().rev() {
            let f = p.frames.func[i] as usize;
            let name = p.str(p.functions.name[f]);
            if name.is_empty() {
                continue;
            }
            let simple = simplify_func(name);
            if drop.is_match(simple) && !keep.as_ref().is_some_and(|k| k.is_match(simple)) {
                hit = Some(i);
                break;
            }
        }
        if let Some(i) = hit {
            beneath[l] = true;
            if i == fr.end - 1 {
                prune[l] = true;
            } else {
                new_start[l] = (i + 1) as u32;
            }
        }
    }
    // Rebuild frames for locations whose leading (inner) frames were cut.
    if new_start != p.locations.frame_start {
        let mut frames = model::Frames::default();
        let mut starts = vec![0u32];
        for (l, &from) in new_start.iter().enumerate().take(nl) {
            for i in from as usize..p.locations.frame_start[l + 1] as usize {
                frames.func.push(p.frames.func[i]);
                frames.line.push(p.frames.line[i]);
            }
            starts.push(frames.func.len() as u32);
        }
        p.frames = frames;
        p.locations.frame_start = starts;
    }
    let s = &mut p.samples;
    let mut stack = crate::packed::Packed::with_capacity(s.stack.len(), s.stack.bits());
    let mut starts = vec![0u32];
    for i in 0..s.len() {
        let st = s.stack(i);
        let mut from = 0;
        let mut found_user = false;
        for j in (0..st.len()).rev() {
            let id = st.get(j) as usize;
            if !prune[id] && !beneath[id] {
                found_user = true;
                continue;
            }
            if !found_user {
                continue;
            }
            from = if prune[id] { j + 1 } else { j };
            break;
        }
        stack.extend(st.iter_from(from));
        starts.push(stack.len() as u32);
    }
    s.stack = stack;
    s.stack_start = starts;
    Ok(())
}

/// Strips an argument list from a C++-style name, as pprof's `simplifyFunc`.
fn simplify_func(f: &str) -> &str {
    let name = f.strip_prefix('.').unwrap_or(f);
    const RESERVED: [&str; 2] = ["(anonymous namespace)", "operator()"];
    let mut i = 0;
    while i < name.len() {
        let rest = &name[i..];
        if let Some(r) = RESERVED.iter().find(|r| rest.starts_with(*r)) {
            i += r.len();
            continue;
        }
        if rest.starts_with('(') {
            return &name[..i];
        }
        i += rest.chars().next().map_or(1, |c| c.len_utf8());
    }
    name
}

#[cfg(test)]
mod tests {
    use super::simplify_func;

    #[test]
    fn simplify_keeps_reserved_names() {
        assert_eq!(simplify_func("foo(int)"), "foo");
        assert_eq!(simplify_func("(anonymous namespace)::bar(int)"), "(anonymous namespace)::bar");
        assert_eq!(simplify_func("a::operator()(int)"), "a::operator()");
        assert_eq!(simplify_func(".main.f"), "main.f");
    }
}
