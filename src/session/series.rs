//! Leak hunting across open snapshots, and goroutine groups: the facts the
//! Series view and the goroutine table show, worded as `pprof-lens series`
//! and `pprof-lens goroutines` word them (one model, one set of texts).

use super::Session;
use crate::error::Result;
use crate::model::Profile;
use crate::query::Query;
use crate::report;
use crate::report::leak::series;
use std::collections::BTreeMap;

/// A series of snapshots ranked for leaks, ready to show.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesFacts {
    /// Snapshot names in time order.
    pub files: Vec<String>,
    /// Their times (ns; 0 when unknown).
    pub times: Vec<f64>,
    /// Their totals, raw and as text.
    pub totals: Vec<f64>,
    /// Totals as text.
    pub totals_text: Vec<String>,
    /// Notes about the series.
    pub notes: Vec<String>,
    /// Each snapshot's offset from the first ("+1 h 10 min"; "" when unknown).
    pub offsets: Vec<String>,
    /// The span from first to last ("" when unknown).
    pub span: String,
    /// The sample type ranked.
    pub sample_type: String,
    /// Per suspect: name, growth, slope, consistency, kept, values as text.
    pub name: Vec<String>,
    /// Growth first → last.
    pub growth: Vec<String>,
    /// Slope per hour or per snapshot.
    pub slope: Vec<String>,
    /// How steadily it rises (0..1, two decimals).
    pub consistency: Vec<String>,
    /// The share of its allocations it keeps.
    pub kept: Vec<String>,
    /// Its values per snapshot, space-separated.
    pub values_text: Vec<String>,
    /// Its values, one row of snapshots per suspect.
    pub values: Vec<f64>,
    /// Where each input profile went in time order.
    pub order: Vec<u32>,
    /// Goroutine stacks: "leaking" or "", what they wait on, their
    /// function, and their counts per snapshot (space-separated).
    pub stack_leaking: Vec<String>,
    /// What each stack waits on.
    pub stack_blocked: Vec<String>,
    /// Each stack's own-code function.
    pub stack_function: Vec<String>,
    /// Each stack's counts.
    pub stack_counts: Vec<String>,
    /// What kind of leak the top suspects look like (and the churn that is
    /// not one), as the CLI prints them.
    pub findings: Vec<crate::report::leak::Finding>,
    /// The source files of the findings' lines, as the profiles record
    /// them: what to read to ground the findings.
    pub source_files: Vec<String>,
    /// Per finding, a goroutine leak's group in the latest goroutine
    /// profile among the series' ones: (profile id, sample).
    pub finding_groups: Vec<Option<(u32, u32)>>,
}

/// One goroutine group as the page's table shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct GoroutineRow {
    /// Goroutines in it.
    pub count: String,
    /// Their state ("" when the profile has none).
    pub state: String,
    /// What they wait on.
    pub blocked_on: String,
    /// The longest wait ("12 min" or "").
    pub wait: String,
    /// Their innermost own-code function.
    pub function: String,
    /// Who started them.
    pub created_by: String,
    /// Their pprof labels, and a note when another group has the same stack.
    pub labels: String,
    /// The group's sample (a view's `group` refinement keeps only it).
    pub sample: u32,
    /// The runtime's leak detector flagged them.
    pub leaked: bool,
}

/// Heap and goroutine snapshots of one process read together: when the
/// series is of one kind and two or more profiles of the other were
/// skipped, their series joins the findings (the memory of leaking
/// goroutines named as theirs), and a note says so. A series of the other
/// kind that cannot be made changes nothing.
fn join_other_kind(s: &mut series::Series, others: Vec<(String, Profile)>, q: &Query) {
    let goroutine = report::goroutines::is_goroutine_profile;
    let is_heap = series::is_heap;
    let this_goroutine = report::goroutines::is_goroutine_type(&s.sample_type);
    let other: Vec<(String, Profile)> =
        others.into_iter().filter(|(_, p)| if this_goroutine { is_heap(p) } else { goroutine(p) }).collect();
    let (n, q) = (other.len(), Query { sample_index: String::new(), ..q.clone() });
    if n < 2 {
        return;
    }
    let read: Vec<String> = other.iter().map(|(name, _)| format!("skipped {name}: ")).collect();
    let Ok(o) = series::series_in_order(other, &q, false) else { return };
    // They were read after all: one note for them instead of one each.
    s.notes.retain(|note| !read.iter().any(|r| note.starts_with(r.as_str())));
    let (heap, gor) = if this_goroutine { (&o, &*s) } else { (&*s, &o) };
    let findings = report::leak::join(heap, gor);
    s.findings = findings;
    s.notes.push(format!(
        "read with the {n} {} snapshots: leaking goroutines explain the memory they hold",
        if this_goroutine { "heap" } else { "goroutine" }
    ));
}

impl Session {
    /// Ranks leak suspects across the profiles `ids` (snapshots of one
    /// program), as `pprof-lens series` does; at most `limit` suspects and
    /// stacks. `keep_order` keeps the given order instead of time order.
    /// `sources` holds the text of source files by the path the profiles
    /// record (the page reads them from its source folders): heap findings
    /// are then grounded in them (quoted, confirmed or dropped).
    pub fn series(
        &self,
        ids: &[u32],
        sample_index: Option<u32>,
        limit: usize,
        keep_order: bool,
        sources: &BTreeMap<String, String>,
    ) -> Result<SeriesFacts> {
        // Profiles of another kind than most of the chosen ones are skipped
        // (and said so), not a reason to refuse the series.
        let kind =
            |id: u32| -> Result<Vec<crate::model::ValueType>> { Ok(self.get(id)?.profile().sample_types.clone()) };
        let kinds: Vec<Vec<crate::model::ValueType>> = ids.iter().map(|&id| kind(id)).collect::<Result<_>>()?;
        let count = |k: &Vec<crate::model::ValueType>| kinds.iter().filter(|x| *x == k).count();
        let main =
            kinds.iter().max_by_key(|k| (count(k), std::cmp::Reverse(kinds.iter().position(|x| x == *k)))).cloned();
        let mut skipped = Vec::new();
        // The skipped profiles of the other kind a series is read with (heap
        // with goroutine profiles, and the reverse).
        let mut others: Vec<(String, Profile)> = Vec::new();
        let mut snaps = Vec::with_capacity(ids.len());
        let mut names: Vec<String> = Vec::with_capacity(ids.len());
        for (i, &id) in ids.iter().enumerate() {
            let l = self.get(id)?;
            if Some(&kinds[i]) != main.as_ref() {
                let t: Vec<String> = kinds[i].iter().map(|t| t.to_string()).collect();
                skipped.push(format!("skipped {}: another kind of profile ({})", l.name, t.join(" ")));
                others.push((l.name.clone(), l.profile().clone()));
                // Keeps names aligned with `ids` (the order maps back through them).
                names.push(String::from("\0"));
                continue;
            }
            // Names must be unique to follow the order back: suffix duplicates.
            let name = if names.contains(&l.name) { format!("{} ({})", l.name, i + 1) } else { l.name.clone() };
            names.push(name.clone());
            snaps.push((name, l.profile().clone()));
        }
        let q = Query { sample_index: sample_index.map(|i| i.to_string()).unwrap_or_default(), ..Query::default() };
        // Text dumps (debug=2) beside two or more goroutine profiles say who
        // created each goroutine: read for that, not as snapshots.
        let (dumps, snaps) = series::split_dumps(snaps);
        let mut s = series::series_in_order(snaps, &q, keep_order)?;
        if !dumps.is_empty() {
            series::add_created_by(&mut s, &dumps);
        }
        s.notes.extend(skipped);
        if !sources.is_empty() {
            report::leak::ground::ground(&mut s, &|path: &str| sources.get(path).cloned());
        }
        let source_files: Vec<String> = s
            .findings
            .iter()
            .filter_map(|f| s.hot_lines.get(&f.name).map(|h| h.file.clone()))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        join_other_kind(&mut s, others, &q);
        let rows: Vec<&series::SeriesRow> = s.suspects(limit).collect();
        let stacks = &s.stacks[..s.stacks.len().min(limit)];
        let col = |f: &dyn Fn(&series::SeriesRow) -> String| rows.iter().map(|r| f(r)).collect();
        let scol = |f: &dyn Fn(&series::StackRow) -> String| stacks.iter().map(f).collect();
        Ok(SeriesFacts {
            order: s.files.iter().map(|f| names.iter().position(|n| n == f).unwrap_or(0) as u32).collect(),
            files: s.files.clone(),
            times: s.times.iter().map(|&t| t as f64).collect(),
            totals: s.totals.iter().map(|&t| t as f64).collect(),
            totals_text: s.totals.iter().map(|&t| s.value_text(t)).collect(),
            offsets: s.offsets.clone(),
            span: s.span.clone(),
            notes: s.notes.clone(),
            sample_type: s.sample_type.clone(),
            name: col(&|r| r.name.clone()),
            growth: col(&|r| s.value_text(r.growth)),
            slope: col(&|r| s.slope_text(r)),
            consistency: col(&|r| format!("{:.2}", r.consistency)),
            kept: col(&|r| r.kept_text()),
            values_text: col(&|r| s.values_text(r)),
            values: rows.iter().flat_map(|r| r.own.iter().map(|&v| v as f64)).collect(),
            stack_leaking: scol(&|r| if r.only_grows { "leaking".into() } else { String::new() }),
            stack_blocked: scol(&|r| r.blocked_on.clone()),
            stack_function: scol(&|r| r.function()),
            stack_counts: scol(&|r| r.counts.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(" ")),
            finding_groups: s.findings.iter().map(|f| self.leak_group(ids, &f.stack)).collect(),
            findings: s.findings.clone(),
            source_files,
        })
    }

    /// The group of a leaking goroutine stack (`frames`, innermost first)
    /// in the latest goroutine profile among `ids`: (profile id, sample).
    fn leak_group(&self, ids: &[u32], frames: &[String]) -> Option<(u32, u32)> {
        if frames.is_empty() {
            return None;
        }
        let goroutine = report::goroutines::is_goroutine_profile;
        let latest = ids
            .iter()
            .filter_map(|&id| self.get(id).ok().map(|l| (id, l.profile())))
            .filter(|(_, p)| goroutine(p))
            .enumerate()
            .max_by_key(|(i, (_, p))| (p.time_nanos, *i))
            .map(|(_, x)| x)?;
        let (id, p) = latest;
        let names = |s: usize| {
            p.samples.stack(s).iter().flat_map(|l| {
                p.locations.frames(l as usize).map(|f| p.str(p.functions.name[p.frames.func[f] as usize]))
            })
        };
        (0..p.samples.len()).find(|&s| names(s).eq(frames.iter().map(String::as_str))).map(|s| (id, s as u32))
    }

    /// Groups of a goroutine profile (or dump), largest first.
    pub fn goroutines(&self, id: u32) -> Result<Vec<GoroutineRow>> {
        let p = self.get(id)?.profile();
        Ok(report::goroutine_groups(p)
            .into_iter()
            .map(|g| GoroutineRow {
                sample: g.sample as u32,
                leaked: g.leaked,
                count: g.count.to_string(),
                wait: g.wait_text(),
                state: g.state,
                blocked_on: g.blocked_on,
                function: g.function,
                created_by: g.created_by,
                labels: match g.same_stack {
                    0 => g.labels,
                    n => format!(
                        "{} (same stack as {n} other group{}, told apart by labels)",
                        g.labels,
                        if n > 1 { "s" } else { "" }
                    ),
                },
            })
            .collect())
    }
}
