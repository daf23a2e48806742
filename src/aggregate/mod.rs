//! Stage 3: a [`Query`] applied to profiles. [`Prepared`] holds the combined
//! profile (sources merged, base subtracted), the value column, pprof's total
//! (taken before filtering, as pprof does), the filtered [`filter::View`] and
//! the [`graph::Nodes`] of the chosen granularity; [`graph::build`] turns
//! them into flat/cum values.

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

    /// Applies `query` to an already combined profile.
    pub fn from_profile(profile: Profile, query: Query) -> Result<Prepared> {
        let value_index = profile.sample_index(&query.sample_index)?;
        let total = compute_total(&profile, value_index);
        let view = filter::apply(&profile, &query)?;
        let nodes = graph::nodes(&profile, &view, query.granularity, query.noinlines);
        let stacks = graph::stacks(&profile, &view, &nodes);
        Ok(Prepared { profile, query, value_index, total, view, nodes, stacks })
    }

    /// The sample type shown.
    pub fn sample_type(&self) -> &crate::model::ValueType {
        &self.profile.sample_types[self.value_index]
    }
}

/// pprof's `computeTotal`.
pub fn compute_total(p: &Profile, vi: usize) -> i64 {
    let nt = p.sample_types.len();
    let base_key = p.strings.iter().position(|s| s == combine::BASE_LABEL).map(|i| i as u32);
    let true_str = p.strings.iter().position(|s| s == "true").map(|i| i as u32);
    let (mut total, mut diff_total) = (0i64, 0i64);
    for s in 0..p.samples.len() {
        let v = p.samples.values[s * nt + vi].wrapping_abs();
        total = total.wrapping_add(v);
        if let (Some(k), Some(t)) = (base_key, true_str) {
            let l = &p.samples.labels;
            if p.samples.label_range(s).any(|i| l.key[i] == k && l.str[i] == t) {
                diff_total = diff_total.wrapping_add(v);
            }
        }
    }
    if diff_total > 0 {
        diff_total
    } else {
        total
    }
}
