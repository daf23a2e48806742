//! Heap and goroutine snapshots of one process read together: a goroutine
//! leak explains the memory its goroutines hold, so the heap finding for
//! that memory points to the goroutine finding instead of naming a second
//! cause, and the runtime's goroutine records rising in the heap snapshots
//! become evidence of the leak.

use super::series::{add_created_by, series_in_order, split_dumps};
use super::types::{Finding, Pattern, Series};
use crate::error::{Error, ErrorKind, Result};
use crate::model::Profile;
use crate::query::Query;

/// A series of one kind, or a heap series and a goroutine series of the
/// same process with their findings joined.
#[derive(Clone, Debug)]
pub struct Joined {
    /// The heap series (heap snapshots), if any.
    pub heap: Option<Series>,
    /// The goroutine series (goroutine profiles), if any.
    pub goroutine: Option<Series>,
    /// The findings of both, joined: heap memory held by leaking goroutines
    /// named as theirs.
    pub findings: Vec<Finding>,
}

/// A source file's text from the path a profile records (`None`: not found).
pub type ReadSource<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Splits the snapshots into heap and goroutine profiles and ranks each
/// kind that has two or more; with both, joins their findings. Snapshots of
/// one kind alone are one series, as [`super::series`] makes it. With
/// `read`, heap findings are grounded in the source ([`super::ground`]).
pub fn series_of_kinds(snaps: Vec<(String, Profile)>, q: &Query, read: Option<ReadSource>) -> Result<Joined> {
    let goroutine = crate::report::goroutines::is_goroutine_profile;
    let (gor, heap): (Vec<_>, Vec<_>) = snaps.into_iter().partition(|(_, p)| goroutine(p));
    // Text dumps beside goroutine profiles say who created each goroutine:
    // read for that, not as snapshots.
    let (dumps, gor) = split_dumps(gor);
    let created_by = |s: &mut Series| {
        if !dumps.is_empty() {
            add_created_by(s, &dumps);
        }
    };
    if gor.is_empty() || heap.is_empty() {
        let goroutines = !gor.is_empty();
        let mut s = series_in_order(if goroutines { gor } else { heap }, q, false)?;
        if goroutines {
            created_by(&mut s);
        }
        if let Some(read) = read {
            super::ground::ground(&mut s, read);
        }
        let findings = s.findings.clone();
        let (heap, goroutine) = if goroutine_series(&s) { (None, Some(s)) } else { (Some(s), None) };
        return Ok(Joined { heap, goroutine, findings });
    }
    if gor.len() < 2 || heap.len() < 2 {
        return Err(Error::new(
            ErrorKind::BadQuery,
            format!(
                "heap and goroutine snapshots read together need two or more of each; got {} heap and {} goroutine",
                heap.len(),
                gor.len()
            ),
        ));
    }
    let mut h = series_in_order(heap, q, false)?;
    if let Some(read) = read {
        super::ground::ground(&mut h, read);
    }
    let mut g = series_in_order(gor, q, false)?;
    created_by(&mut g);
    let findings = join(&h, &g);
    Ok(Joined { heap: Some(h), goroutine: Some(g), findings })
}

fn goroutine_series(s: &Series) -> bool {
    crate::report::goroutines::is_goroutine_type(&s.sample_type)
}

/// The goroutine findings first, then the heap's: a heap finding whose
/// memory is held only by goroutines that leak (its stacks start at a
/// leaking stack's entry) becomes memory of that leak, certain, and points
/// to it; the rest stay as they are.
pub fn join(heap: &Series, gor: &Series) -> Vec<Finding> {
    // Each leaking stack's entry (the function started with go) and its finding.
    let leaks: Vec<(String, String, &Finding)> = gor
        .stacks
        .iter()
        .filter(|r| r.only_grows)
        .filter_map(|r| {
            let f = r.function();
            let finding = gor.findings.iter().find(|x| x.pattern == Pattern::GoroutineLeak && x.name == f)?;
            Some((r.frames.last().cloned().unwrap_or_default(), r.starter(), finding))
        })
        .collect();
    let malg = heap.rows.iter().find(|r| r.name == "runtime.malg").filter(|r| r.growth > 0);
    let mut out: Vec<Finding> = gor
        .findings
        .iter()
        .map(|f| {
            let mut f = f.clone();
            if let Some(m) = malg {
                f.evidence.push(format!(
                    "the runtime's goroutine records (runtime.malg) rise in the heap snapshots: {}",
                    m.own.iter().map(|&v| heap.value_text(v)).collect::<Vec<_>>().join(" ")
                ));
            }
            f
        })
        .collect();
    for f in &heap.findings {
        // Held by the leaking goroutines: every stack starts at their entry;
        // or, for what the data only suggested, allocated by the function
        // that starts them (the channel and the variables they keep).
        let held_by = leaks.iter().find_map(|(entry, starter, leak)| {
            if f.pattern == Pattern::Churn {
                return None;
            }
            if !f.roots.is_empty() && f.roots.iter().all(|r| r == entry) {
                return Some((
                    format!(
                        "every stack of this memory starts at {entry}, the goroutines of the leak in {}",
                        leak.name
                    ),
                    *leak,
                ));
            }
            (!f.certain && f.name == *starter).then(|| {
                (
                    format!(
                        "{} starts the leaking goroutines ({entry}): what it allocates for them stays while they wait",
                        f.name
                    ),
                    *leak,
                )
            })
        });
        match held_by {
            Some((why, leak)) => {
                let mut ev = vec![why];
                // What was measured, not what the other pattern read into it.
                ev.extend(f.evidence.iter().filter(|e| e.starts_with("in use:") || e.starts_with("objects:")).cloned());
                out.push(Finding {
                    name: f.name.clone(),
                    pattern: Pattern::GoroutineMemory,
                    sentence: format!(
                        "{} holds memory for the leaking goroutines of {}: it is freed when they end (see the goroutine leak of {}).",
                        f.name, leak.name, leak.name
                    ),
                    evidence: ev,
                    certain: true,
                    roots: f.roots.clone(),
                    stack: Vec::new(),
                });
            }
            None => out.push(f.clone()),
        }
    }
    out
}
