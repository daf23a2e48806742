//! Stage 3: a [`Query`] applied to profiles. [`Prepared`] holds the combined
//! profile (sources merged, base subtracted), the value column, pprof's total
//! (taken before filtering, as pprof does), the filtered [`filter::View`] and
//! the [`graph::Nodes`] of the chosen granularity; [`graph::build`] turns
//! them into flat/cum values.

pub mod callgraph;
pub mod combine;
pub mod filter;
pub mod graph;

use crate::error::Result;
use crate::model::Profile;
use crate::query::Query;

/// A profile with a query applied, ready for reports.
#[derive(Debug)]
pub struct Prepared {
    /// The combined profile.
    pub profile: Profile,
    /// The query.
    pub query: Query,
    /// Index of the value column shown.
    pub value_index: usize,
    /// pprof's report total: sum of |value| over all samples, or over the
    /// base's samples for `-diff_base`.
    pub total: i64,
    /// The frames and samples the filters keep.
    pub view: filter::View,
    /// Nodes at the query's granularity.
    pub nodes: graph::Nodes,
    /// The kept samples as node stacks, root first.
    pub stacks: graph::Stacks,
}

impl Prepared {
    /// Combines `sources` (and `bases`) and applies `query`.
    pub fn new(sources: Vec<Profile>, bases: Vec<Profile>, query: Query) -> Result<Prepared> {
        let profile = combine::combine(sources, bases, query.base_mode, query.normalize)?;
        Self::from_profile(profile, query)
    }

    /// As [`Prepared::new`], with stacks that hold their node ids (see
    /// [`graph::Stacks`]): four bytes more per frame, for graph passes
    /// several times faster. The command line, which reads a profile once
    /// and exits, takes this; the page, which holds its profiles, does not.
    pub fn new_owned(sources: Vec<Profile>, bases: Vec<Profile>, query: Query) -> Result<Prepared> {
        let profile = combine::combine(sources, bases, query.base_mode, query.normalize)?;
        Self::build(profile, query, true)
    }

    /// Applies `query` to an already combined profile.
    pub fn from_profile(profile: Profile, query: Query) -> Result<Prepared> {
        Self::build(profile, query, false)
    }

    /// As [`Prepared::from_profile`], stacks read through the profile's
    /// locations from `through_from` frames on (see [`graph::stacks_from`]).
    pub fn from_profile_through(profile: Profile, query: Query, through_from: usize) -> Result<Prepared> {
        Self::build_with(profile, query, |p, v, n| graph::stacks_from(p, v, n, through_from))
    }

    fn build(profile: Profile, query: Query, owned: bool) -> Result<Prepared> {
        if owned {
            Self::build_with(profile, query, graph::owned_stacks)
        } else {
            Self::build_with(profile, query, graph::stacks)
        }
    }

    fn build_with(
        profile: Profile,
        query: Query,
        stacks: impl FnOnce(&Profile, &filter::View, &graph::Nodes) -> graph::Stacks,
    ) -> Result<Prepared> {
        let value_index = profile.sample_index(&query.sample_index)?;
        let total = compute_total(&profile, value_index);
        let view = filter::apply(&profile, &query)?;
        let nodes = graph::nodes(&profile, &view, query.granularity, query.noinlines, &query.paths);
        let stacks = stacks(&profile, &view, &nodes);
        Ok(Prepared { profile, query, value_index, total, view, nodes, stacks })
    }

    /// The sample type shown.
    pub fn sample_type(&self) -> &crate::model::ValueType {
        &self.profile.sample_types[self.value_index]
    }
}

/// Which samples carry pprof's `-diff_base` label (the base's samples of a
/// compared profile); empty when none does.
pub fn base_samples(p: &Profile) -> Vec<bool> {
    let key = p.strings.iter().position(|s| s == combine::BASE_LABEL).map(|i| i as u32);
    let yes = p.strings.iter().position(|s| s == "true").map(|i| i as u32);
    let (Some(k), Some(t)) = (key, yes) else { return Vec::new() };
    let l = &p.samples.labels;
    let mask: Vec<bool> =
        (0..p.samples.len()).map(|s| p.samples.label_range(s).any(|i| l.key[i] == k && l.str[i] == t)).collect();
    if mask.iter().any(|&b| b) {
        mask
    } else {
        Vec::new()
    }
}

/// pprof's `computeTotal`.
pub fn compute_total(p: &Profile, vi: usize) -> i64 {
    let is_base = base_samples(p);
    let (mut total, mut diff_total) = (0i64, 0i64);
    for s in 0..p.samples.len() {
        let v = p.value(s, vi).wrapping_abs();
        total = total.wrapping_add(v);
        if is_base.get(s) == Some(&true) {
            diff_total = diff_total.wrapping_add(v);
        }
    }
    if diff_total > 0 {
        diff_total
    } else {
        total
    }
}

/// The total `go tool pprof -base` reports for a profile compared with
/// `-diff_base` labels: samples identical but for the label are netted
/// (as pprof's merge of the negated base does) and |net| summed.
pub fn subtract_total(p: &Profile, vi: usize) -> i64 {
    let is_base = base_samples(p);
    let key = p.strings.iter().position(|s| s == combine::BASE_LABEL).map(|i| i as u32);
    let l = &p.samples.labels;
    // (locations, labels but the base's) → net value.
    type Key<'a> = (crate::packed::Run<'a>, Vec<(u32, u32, i64, u32)>);
    let mut net: crate::fxmap::FxMap<Key, i64> = Default::default();
    for s in 0..p.samples.len() {
        let v = p.value(s, vi);
        if is_base.is_empty() || v == 0 {
            continue;
        }
        let labels: Vec<(u32, u32, i64, u32)> = p
            .samples
            .label_range(s)
            .filter(|&i| Some(l.key[i]) != key)
            .map(|i| (l.key[i], l.str[i], l.num[i], l.unit[i]))
            .collect();
        let e = net.entry((p.samples.stack(s), labels)).or_insert(0);
        *e = e.wrapping_add(v);
    }
    if is_base.is_empty() {
        return compute_total(p, vi);
    }
    net.values().fold(0i64, |a, v| a.wrapping_add(v.wrapping_abs()))
}
