//! The Graph view: pprof's call graph of the current view (the same
//! trimming and DOT text as `pprof-lens dot`), with the facts the page
//! shows on hover: each node's values (a comparison's base → new) and each
//! edge's weight.

use super::Session;
use crate::error::Result;
use crate::report::diff::Mark;
use crate::report::dot::{self, Trim, DEFAULT_NODECOUNT};

/// A node of the drawn graph (`N1` is the first).
#[derive(Clone, Debug, PartialEq)]
pub struct GraphNode {
    /// Graph node id of the view (what the table and flame graph select).
    pub node: u32,
    /// pprof's printable name.
    pub name: String,
    /// Flat and cum, as text in the view's unit.
    pub flat: String,
    /// Cum.
    pub cum: String,
    /// Flat and cum as shares of the total.
    pub flat_pct: String,
    /// Cum share.
    pub cum_pct: String,
    /// Comparisons: the base's and the new side's cum ("" otherwise).
    pub base_cum: String,
    /// The new side's cum.
    pub new_cum: String,
    /// Comparisons: "new", "gone" or "" (growth and shrinkage are the colour).
    pub mark: String,
}

/// An edge of the drawn graph, between positions in [`GraphFacts::nodes`]
/// (`None` for a node pprof left out, drawn as `N0`).
#[derive(Clone, Debug, PartialEq)]
pub struct GraphEdge {
    /// Caller position.
    pub src: Option<u32>,
    /// Callee position.
    pub dst: Option<u32>,
    /// Caller and callee names.
    pub caller: String,
    /// Callee name.
    pub callee: String,
    /// What flows through it, as text, and as a share of the total.
    pub weight: String,
    /// Share of the total.
    pub pct: String,
    /// An inlined call.
    pub inline: bool,
    /// It jumps over nodes left out of the graph.
    pub residual: bool,
}

/// The call graph of a view.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphFacts {
    /// The DOT text, identical to `pprof-lens dot` with the same node count.
    pub dot: String,
    /// Nodes in DOT order.
    pub nodes: Vec<GraphNode>,
    /// Edges in DOT order.
    pub edges: Vec<GraphEdge>,
    /// Nodes the view has after the node fraction (before the node count).
    pub of: u32,
}

impl Session {
    /// The call graph of the current view with at most `nodecount` nodes (0:
    /// pprof's default, 80; `u32::MAX`: every node above the node fraction),
    /// pruned by pprof's default fractions.
    pub fn graph(&self, id: u32, nodecount: u32) -> Result<GraphFacts> {
        let c = self.current(id)?;
        let pr = &c.prepared;
        let defaults = crate::Query::default();
        let trim = Trim {
            nodecount: match nodecount {
                0 => DEFAULT_NODECOUNT,
                u32::MAX => 0,
                n => n as usize,
            },
            nodefraction: defaults.nodefraction,
            edgefraction: defaults.edgefraction,
        };
        let d = dot::dot_trimmed(pr, trim);
        let text = dot::compose(pr, &d);
        let split = c.compare.then(|| c.split());
        let nodes = d
            .nodes
            .iter()
            .map(|n| {
                let i = n.node as usize;
                let (base_cum, new_cum, mark) = match split {
                    Some((b, nw)) => (
                        c.value_text(b.cum[i]),
                        c.value_text(nw.cum[i]),
                        Mark::of((b.flat[i], b.cum[i]), (nw.flat[i], nw.cum[i])).text().to_string(),
                    ),
                    None => Default::default(),
                };
                GraphNode {
                    node: n.node,
                    name: c.names[i].clone(),
                    flat: c.value_text(n.flat),
                    cum: c.value_text(n.cum),
                    flat_pct: c.pct(n.flat, pr.total),
                    cum_pct: c.pct(n.cum, pr.total),
                    base_cum,
                    new_cum,
                    mark,
                }
            })
            .collect();
        let edges = d
            .edges
            .iter()
            .map(|e| GraphEdge {
                src: e.src.map(|p| p as u32),
                dst: e.dst.map(|p| p as u32),
                caller: c.names[e.edge.src as usize].clone(),
                callee: c.names[e.edge.dst as usize].clone(),
                weight: c.value_text(e.edge.weight),
                pct: c.pct(e.edge.weight, pr.total),
                inline: e.edge.inline,
                residual: e.edge.residual,
            })
            .collect();
        Ok(GraphFacts { dot: text, nodes, edges, of: d.orig_count as u32 })
    }
}
