//! A comparison's noise verdicts for the page: each node of the current
//! view tested as `pprof-lens diff` tests it (one profile a side: sampling
//! noise; several: the replicates' spread), by the comparison's own
//! profiles under the view's sample type, granularity and filters.

use super::Session;
use crate::error::{Error, ErrorKind, Result};
use crate::query::Query;
use crate::report::diff::{interval_text, verdict};
use crate::report::replicates::diff_replicated;
use std::collections::HashMap;

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
        let l = self.get(id)?;
        let Some(c) = &l.compare else {
            return Err(Error::new(ErrorKind::BadQuery, "noise: not a comparison"));
        };
        let cur = self.current(id)?;
        let q = Query { normalize: c.normalize, ..cur.prepared.query.clone() };
        let q = Query { base_mode: Default::default(), ..q };
        let side = |ids: &[u32]| ids.iter().map(|&k| Ok(self.get(k)?.profile().clone())).collect::<Result<Vec<_>>>();
        let d = diff_replicated(side(&c.base)?, side(&c.new)?, &q)?;
        let by_name: HashMap<&str, usize> = d.rows.iter().enumerate().map(|(i, r)| (r.name.as_str(), i)).collect();
        let mut out = Noise {
            model: if d.model.is_empty() { format!("Noise not measured: {}", d.no_model) } else { d.model.clone() },
            tested: !d.model.is_empty(),
            ..Noise::default()
        };
        let nodes = &cur.prepared.nodes;
        for i in 0..nodes.len() {
            let row = by_name.get(nodes.printable_name(i).as_str()).map(|&k| &d.rows[k]);
            out.cum.push(row.map_or("", |r| verdict(r.cum_test)).to_string());
            out.flat.push(row.map_or("", |r| verdict(r.flat_test)).to_string());
            out.interval.push(row.map_or(String::new(), |r| interval_text(r.cum_test)));
        }
        Ok(out)
    }
}
