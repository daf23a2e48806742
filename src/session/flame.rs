//! A view's flame graphs: the layout of any zoom, the tooltip's facts about
//! a box (with a comparison's base → new and the n/a rule of a zero base),
//! and finding the same frames in another flame graph or from names.

use super::view::Current;
use super::{Session, Side};
use crate::aggregate::graph::{self, Cursor, StackRef, Stacks};
use crate::aggregate::Prepared;
use crate::error::{Error, ErrorKind, Result};
use crate::report::flame::{BoxKey, Flame, Layout, StackSource, Weights};

/// What the tooltip says about a flame box.
#[derive(Clone, Debug, PartialEq)]
pub struct BoxFacts {
    /// The frame's name ("all samples" for the root).
    pub name: String,
    /// "file:line" of the frame.
    pub location: String,
    /// Self and total, as text and as shares.
    pub self_text: String,
    /// Self as a share of the flame graph's total (or "n/a").
    pub self_pct: String,
    /// Total as text.
    pub total: String,
    /// Total as a share.
    pub total_pct: String,
    /// Total, raw.
    pub total_value: i64,
    /// An inlined frame.
    pub inlined: bool,
    /// Graph node (`None` for the root).
    pub node: Option<u32>,
    /// Names from the outermost frame to this one.
    pub path: Vec<String>,
    /// Keys of its ancestors, outermost first, for zooming out.
    pub ancestors: Vec<BoxKey>,
    /// In a comparison's merged tree: base and new totals, the change and
    /// the change relative to the base ("+12.5%", "new", "gone").
    pub diff: Option<DiffFacts>,
}

/// A comparison box's two sides.
#[derive(Clone, Debug, PartialEq)]
pub struct DiffFacts {
    /// The base's total.
    pub base: String,
    /// The new side's total.
    pub new: String,
    /// new − base, signed.
    pub delta: String,
    /// The change relative to the base, or "new", "gone", "unchanged".
    pub delta_pct: String,
    /// The base's self value.
    pub self_base: String,
    /// The new side's self value.
    pub self_new: String,
}

/// Where a flame graph's stacks are: the view's, or a pivot graph's own.
#[derive(Clone, Copy)]
enum Src<'a> {
    View(&'a Prepared),
    Own(&'a Stacks),
}

impl StackSource for Src<'_> {
    fn stacks(&self) -> &Stacks {
        match self {
            Src::View(p) => &p.stacks,
            Src::Own(s) => s,
        }
    }
    #[inline]
    fn stack(&self, k: usize) -> StackRef<'_> {
        match self {
            Src::View(p) => p.stack(k),
            Src::Own(s) => s.owned_stack(k),
        }
    }
    fn cursor(&self, k: usize) -> Cursor {
        match self {
            Src::View(p) => p.cursor(k),
            Src::Own(s) => StackSource::cursor(*s, k),
        }
    }
    fn read(&self, c: &mut Cursor, n: usize, f: impl FnMut(u32)) -> usize {
        match self {
            Src::View(p) => p.read(c, n, f),
            Src::Own(s) => StackSource::read(*s, c, n, f),
        }
    }
}

impl Current {
    /// Flame graph `side` and its stacks.
    fn flame_of(&self, side: Side) -> Result<(&Flame, Src<'_>)> {
        let st = Src::View(&self.prepared);
        let refuse = |m: &str| Err(Error::new(ErrorKind::BadQuery, m.to_string()));
        match side {
            Side::View => Ok((&self.flame, st)),
            Side::Callers | Side::Callees => match &self.pivot {
                Some(p) if side == Side::Callers => Ok((&p.up.1, Src::Own(&p.up.0))),
                Some(p) => Ok((&p.down.1, Src::Own(&p.down.0))),
                None => refuse("no pivot yet: call pivot() first"),
            },
            Side::Base | Side::New if self.compare => {
                let [b, n] = self.sides.get_or_init(|| {
                    let w = |base| Weights::Side(&self.is_base, base);
                    [
                        Flame::with_weights(&self.prepared, &self.names, w(true)),
                        Flame::with_weights(&self.prepared, &self.names, w(false)),
                    ]
                });
                Ok((if side == Side::Base { b } else { n }, st))
            }
            Side::Base | Side::New => refuse("this view is not a comparison: it has no base or new side"),
        }
    }
}

impl Session {
    /// Flame graph boxes of `side` for the zoom box `zoom`, culling boxes
    /// narrower than `min_width` (a fraction of the width).
    pub fn flame(&self, id: u32, side: Side, zoom: BoxKey, min_width: f64) -> Result<Layout> {
        let c = self.current(id)?;
        let (f, st) = c.flame_of(side)?;
        Ok(f.layout(&st, zoom, min_width))
    }

    /// Sorts about `budget` more stacks of the view's flame graphs where
    /// no layout has needed them yet (see [`Flame::settle_some`]); true once
    /// every flame graph of the view is sorted in full.
    pub fn settle_flames(&self, id: u32, budget: usize) -> Result<bool> {
        let c = self.current(id)?;
        let st = Src::View(&c.prepared);
        if !c.flame.settle_some(&st, budget) {
            return Ok(false);
        }
        Ok(c.sides.get().is_none_or(|sides| sides.iter().all(|f| f.settle_some(&st, budget))))
    }

    /// What the tooltip shows about box `k` of flame graph `side`.
    pub fn box_info(&self, id: u32, side: Side, k: BoxKey) -> Result<BoxFacts> {
        let c = self.current(id)?;
        let pr = &c.prepared;
        let (fl, st) = c.flame_of(side)?;
        // A side's own flame graph is a share of that side's total; only the
        // view's shares can be n/a (a comparison with a zero base).
        let side_total = if side == Side::View { pr.total } else { fl.info_root_total() };
        let pct = |v: i64| {
            if side == Side::View {
                c.pct(v, side_total)
            } else {
                crate::units::percentage(v, side_total).trim().to_string()
            }
        };
        let info = fl.info(&st, k);
        let sides = info.as_ref().and_then(|i| i.sides).or_else(|| fl.is_diff().then(|| fl.root_sides()));
        let (name, location, total, self_value, inlined, path, node) = match info {
            Some(i) => (
                c.names[i.node as usize].clone(),
                location_of(pr, i.node),
                i.total,
                i.self_value,
                i.inlined,
                i.path,
                Some(i.node),
            ),
            None => ("all samples".to_string(), String::new(), side_total, 0, false, Vec::new(), None),
        };
        let ancestors = (0..path.len() as u32).map(|d| fl.ancestor(&st, k, d)).collect();
        let diff = sides.map(|[b, n, sb, sn]| DiffFacts {
            base: c.value_text(b),
            new: c.value_text(n),
            delta: if n > b { format!("+{}", c.value_text(n - b)) } else { c.value_text(n - b) },
            delta_pct: relative_change(b, n),
            self_base: c.value_text(sb),
            self_new: c.value_text(sn),
        });
        Ok(BoxFacts {
            name,
            location,
            self_text: c.value_text(self_value),
            self_pct: pct(self_value),
            total: c.value_text(total),
            total_pct: pct(total),
            total_value: total,
            inlined,
            node,
            path: path.iter().map(|&n| c.names[n as usize].clone()).collect(),
            ancestors,
            diff,
        })
    }

    /// The box of flame graph `to` with the same frames as box `key` of
    /// flame graph `from`; when `to` lacks it, `None` if `exact`, else its
    /// deepest ancestor that `to` has (the root at worst).
    pub fn locate(&self, id: u32, from: Side, key: BoxKey, to: Side, exact: bool) -> Result<Option<BoxKey>> {
        let c = self.current(id)?;
        let (ff, fst) = c.flame_of(from)?;
        let path = ff.path(&fst, key);
        let (target, tst) = c.flame_of(to)?;
        Ok(if exact {
            target.find(&tst, &path)
        } else {
            (0..=path.len()).rev().find_map(|n| target.find(&tst, &path[..n]))
        })
    }

    /// The box of flame graph `side` whose frames have the names `path`
    /// (outermost first), or `None`.
    pub fn find_path(&self, id: u32, side: Side, path: &[&str]) -> Result<Option<BoxKey>> {
        let c = self.current(id)?;
        let (f, fst) = c.flame_of(side)?;
        let mut by_name: std::collections::HashMap<&str, Vec<u32>> = std::collections::HashMap::new();
        for (n, name) in c.names.iter().enumerate() {
            by_name.entry(name.as_str()).or_default().push(n as u32);
        }
        let mut prefix: Vec<u32> = Vec::new();
        let mut found = None;
        for name in path {
            let cands = by_name.get(name).map(Vec::as_slice).unwrap_or_default();
            // A frame matches inlined or not.
            let hit = cands.iter().flat_map(|&n| [n, n | graph::INLINED]).find_map(|raw| {
                prefix.push(raw);
                let k = f.find(&fst, &prefix);
                prefix.pop();
                k.map(|k| (raw, k))
            });
            let (raw, k) = match hit {
                Some(h) => h,
                None => return Ok(None),
            };
            prefix.push(raw);
            found = Some(k);
        }
        Ok(found)
    }
}

/// The change from `b` to `n` relative to `b`, as the tooltip says it.
pub fn relative_change(b: i64, n: i64) -> String {
    match (b, n) {
        (0, 0) => "unchanged".into(),
        (0, _) => "new".into(),
        (_, 0) => "gone".into(),
        _ => format!("{:+.1}%", (n - b) as f64 * 100.0 / b as f64),
    }
}

/// "file:line" of the first frame that maps to graph node `node`.
fn location_of(pr: &Prepared, node: u32) -> String {
    let p = &pr.profile;
    for l in 0..p.locations.len() {
        let ln = pr.nodes.of_location(l);
        let Some(i) = ln.iter().position(|&n| n == node) else { continue };
        let frames = pr.view.frames(l);
        let frames = if pr.query.noinlines && frames.len() > 1 { &frames[frames.len() - 1..] } else { frames };
        if let Some(&fr) = frames.get(i) {
            let f = p.frames.func[fr as usize] as usize;
            let file = p.str(p.functions.filename[f]);
            let line = p.frames.line[fr as usize];
            return if line > 0 { format!("{file}:{line}") } else { file.to_string() };
        }
    }
    String::new()
}
