//! The explore panels of a view: callers and callees of a function, its
//! pivot flame graphs, and the labels of the kept samples.

use super::Session;
use crate::aggregate::graph;
use crate::error::{Error, ErrorKind, Result};
use crate::report::{explore, flame};

/// A function's callers (upward) and callees (downward) as flame graphs.
pub(super) struct Pivot {
    pub(super) up: (graph::Stacks, flame::Flame),
    pub(super) down: (graph::Stacks, flame::Flame),
}

/// A caller or callee with the value through the edge.
#[derive(Clone, Debug, PartialEq)]
pub struct NeighbourFacts {
    /// Graph node.
    pub node: u32,
    /// The value through the edge, as text.
    pub value: String,
    /// …as a share of the function's cum.
    pub pct: String,
}

/// Callers and callees of one function (pprof's `-peek` as two tables).
#[derive(Clone, Debug, PartialEq)]
pub struct Neighbours {
    /// The function's name.
    pub name: String,
    /// Its flat and cum, as text.
    pub flat: String,
    /// Its cum.
    pub cum: String,
    /// Its cum as a share of the total.
    pub cum_pct: String,
    /// Who calls it, biggest first.
    pub callers: Vec<NeighbourFacts>,
    /// Whom it calls, biggest first.
    pub callees: Vec<NeighbourFacts>,
}

/// The pivot flame graphs just made.
#[derive(Clone, Debug, PartialEq)]
pub struct PivotFacts {
    /// The function's name.
    pub name: String,
    /// What flows through it, as text.
    pub total: String,
}

/// One value of a label key.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelValueFacts {
    /// The value as shown, numbers with their unit as `go tool pprof -tags`
    /// prints them ("8kB").
    pub text: String,
    /// What its samples weigh, as text.
    pub value: String,
    /// …as a share of the total.
    pub pct: String,
    /// The share as a number 0..100, for the bar.
    pub share: f64,
    /// The `-tagfocus` keeping exactly these samples.
    pub tagfocus: String,
}

/// A label key and its values.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelKeyFacts {
    /// The key.
    pub key: String,
    /// True for numeric labels.
    pub numeric: bool,
    /// Its values, biggest first.
    pub values: Vec<LabelValueFacts>,
}

fn no_such_node() -> Error {
    Error::new(ErrorKind::BadQuery, "no such function in this view")
}

impl Session {
    /// Callers and callees of graph node `node` in the current view.
    pub fn neighbours(&self, id: u32, node: u32) -> Result<Neighbours> {
        let c = self.current(id)?;
        let pr = &c.prepared;
        if node as usize >= pr.nodes.len() {
            return Err(no_such_node());
        }
        let nb = explore::neighbours(pr, node);
        let list = |l: &[explore::Neighbour]| {
            l.iter()
                .map(|x| NeighbourFacts {
                    node: x.node,
                    value: c.value_text(x.value),
                    pct: crate::units::percentage(x.value, nb.cum).trim().to_string(),
                })
                .collect()
        };
        Ok(Neighbours {
            name: c.names[node as usize].clone(),
            flat: c.value_text(nb.flat),
            cum: c.value_text(nb.cum),
            cum_pct: c.pct(nb.cum, pr.total),
            callers: list(&nb.callers),
            callees: list(&nb.callees),
        })
    }

    /// Makes the pivot flame graphs of graph node `node`
    /// ([`super::Side::Callers`] and [`super::Side::Callees`]).
    pub fn pivot(&mut self, id: u32, node: u32) -> Result<PivotFacts> {
        let c = self.current_mut(id)?;
        if node as usize >= c.prepared.nodes.len() {
            return Err(no_such_node());
        }
        let pr = &c.prepared;
        let (up, down) = explore::pivot_stacks(pr, node);
        let value = |s: usize| pr.profile.value(s, pr.value_index);
        let fu = flame::Flame::of_stacks(&up, &c.names, value);
        let fd = flame::Flame::of_stacks(&down, &c.names, value);
        let total = c.value_text(fd.info_root_total());
        c.pivot = Some(Pivot { up: (up, fu), down: (down, fd) });
        Ok(PivotFacts { name: c.names[node as usize].clone(), total })
    }

    /// Label keys of the current view's samples with their values, each
    /// with its weight, share of the total and the `tagfocus` selecting it.
    /// In a comparison, the comparison's numbers: each value's net change
    /// (new − base) and its share of the key's net change, as
    /// `go tool pprof -tags -diff_base` prints them.
    pub fn labels(&self, id: u32) -> Result<Vec<LabelKeyFacts>> {
        let c = self.current(id)?;
        let pr = &c.prepared;
        Ok(explore::label_summary(pr, c.compare)
            .into_iter()
            .map(|k| {
                let total = if c.compare { k.values.iter().map(|v| v.value).sum() } else { pr.total };
                LabelKeyFacts {
                    key: k.key,
                    numeric: k.numeric,
                    values: k
                        .values
                        .into_iter()
                        .map(|v| LabelValueFacts {
                            text: v.text,
                            value: c.value_text(v.value),
                            pct: crate::units::percentage(v.value, total).trim().to_string(),
                            share: if total != 0 { (v.value as f64 * 100.0 / total as f64).abs() } else { 0.0 },
                            tagfocus: v.tagfocus,
                        })
                        .collect(),
                }
            })
            .collect())
    }
}
