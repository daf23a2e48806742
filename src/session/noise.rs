//! A comparison's noise verdicts for the page: each node of the current
//! view tested as `pprof-lens diff` tests it (one profile a side: sampling
//! noise; several: the replicates' spread), by the comparison's own
//! profiles under the view's sample type, granularity and filters.

use super::Session;
use crate::aggregate::graph::Graph;
use crate::aggregate::Prepared;
use crate::error::{Error, ErrorKind, Result};
use crate::report::diff::{self, interval_text, verdict};
use crate::report::replicates;

/// Per node of the current view (by node id): the verdict on its cum and
/// flat change, its cum interval, and the model in words.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Noise {
    /// "grew", "shrank", "~" (not significant) or "" (untested), cum.
    pub cum: Vec<String>,
    /// The same for flat.
    pub flat: Vec<String>,
    /// The cum change's 95% interval in points of the total, or "".
    pub interval: Vec<String>,
    /// How the changes were tested, or why they could not be.
    pub model: String,
    /// False when there is no model (raw differences only).
    pub tested: bool,
}

impl Session {
    /// Tests the current view of comparison `id` against noise.
    pub fn noise(&self, id: u32) -> Result<Noise> {
        if self.get(id)?.compare.is_none() {
            return Err(Error::new(ErrorKind::BadQuery, "noise: not a comparison"));
        }
        let cur = self.current(id)?;
        let (b, n) = cur.split();
        let (tests, model) = self.verdicts(id, &cur.prepared, &cur.is_base, (b, n), cur.totals.0)?;
        let mut out = Noise { tested: model.is_ok(), ..Noise::default() };
        out.model = model.unwrap_or_else(|why| format!("Noise not measured: {why}"));
        for [flat, cum] in tests {
            out.cum.push(verdict(cum).to_string());
            out.flat.push(verdict(flat).to_string());
            out.interval.push(interval_text(cum));
        }
        Ok(out)
    }

    /// Each node's [flat, cum] tests in `pr`, a view of comparison `id`
    /// (its own, or the Source panel's at lines granularity): one profile a
    /// side against sampling noise, several against the replicates' spread;
    /// and the model in words, or why there is none.
    pub(super) fn verdicts(
        &self,
        id: u32,
        pr: &Prepared,
        is_base: &[bool],
        (b, n): (&Graph, &Graph),
        base_total: i64,
    ) -> Result<diff::Verdicts> {
        let Some(c) = &self.get(id)?.compare else {
            return Err(Error::new(ErrorKind::BadQuery, "noise: not a comparison"));
        };
        let delta: Vec<[i64; 2]> =
            (0..pr.nodes.len()).map(|i| [n.flat[i].wrapping_sub(b.flat[i]), n.cum[i].wrapping_sub(b.cum[i])]).collect();
        if c.base.len() == 1 && c.new.len() == 1 {
            return Ok(diff::test_view(pr, is_base, &delta, base_total));
        }
        let names: Vec<(String, [i64; 2])> =
            delta.iter().enumerate().map(|(i, d)| (pr.nodes.printable_name(i), *d)).collect();
        let side = |ids: &[u32]| ids.iter().map(|&k| Ok(self.get(k)?.profile())).collect::<Result<Vec<_>>>();
        let r = replicates::test_replicates(&names, base_total, &side(&c.base)?, &side(&c.new)?, &pr.query)?;
        Ok((r.tests, r.model))
    }
}
