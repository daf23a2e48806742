//! The only binding file: the core as seen from JavaScript (compiled for
//! wasm32 only). A [`Session`] keeps every loaded profile in linear memory;
//! JS holds profile ids and asks for small results: metadata objects, typed
//! arrays and newline-joined strings. No tree is ever serialised.

use crate::aggregate::graph::{self, Graph};
use crate::aggregate::Prepared;
use crate::error::Error;
use crate::query::{Granularity, Query};
use crate::report::{self, flame};
use crate::units;
use crate::{DecodeOptions, ModelOptions, Profile};
use js_sys::{Float32Array, Float64Array, Object, Reflect, Uint32Array, Uint8Array};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

static LAST_PANIC: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());

/// Installs the panic hook (idempotent): a bug shows a message, not a dead page.
#[wasm_bindgen(js_name = installPanicHook)]
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let msg = format!("internal error (a bug in pprof-lens, please report it): {info}");
        // Also on the console, for whoever debugs.
        js_sys::Reflect::get(&js_sys::global(), &"console".into())
            .and_then(|c| js_sys::Reflect::get(&c, &"error".into()))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .map(|f| f.call1(&JsValue::NULL, &JsValue::from_str(&msg)));
        if let Ok(mut m) = LAST_PANIC.lock() {
            *m = msg;
        }
    }));
}

/// The message of the last panic ("" if none).
#[wasm_bindgen(js_name = lastPanic)]
pub fn last_panic() -> String {
    LAST_PANIC.lock().map(|m| m.clone()).unwrap_or_default()
}

fn js_err(e: Error) -> JsError {
    JsError::new(&e.message)
}

/// A view request from the page.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct ViewRequest {
    sample_index: Option<u32>,
    granularity: Option<String>,
    noinlines: bool,
    focus: String,
    ignore: String,
    hide: String,
    show: String,
    show_from: String,
    tagfocus: String,
    tagignore: String,
    /// Comparisons only: "base" for pprof's `-base` (percentages of the net
    /// total), anything else for `-diff_base` (of the base's total).
    mode: String,
    /// Comparisons only: scale the new side to the base's total.
    normalize: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SampleTypeInfo {
    r#type: String,
    unit: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProfileInfo {
    id: u32,
    name: String,
    sample_types: Vec<SampleTypeInfo>,
    default_index: u32,
    samples: u32,
    locations: u32,
    functions: u32,
    time_nanos: f64,
    duration_nanos: f64,
    comments: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ViewInfo {
    header: Vec<String>,
    total: f64,
    total_text: String,
    unit: String,
    sample_type: String,
    nodes: u32,
    stacks: u32,
    /// Comparisons: the base's and the new side's totals, and notes.
    compare: bool,
    base_total_text: String,
    new_total_text: String,
    notes: Vec<String>,
}

struct Current {
    prepared: Prepared,
    names: Vec<String>,
    flame: flame::Flame,
    /// The top table, computed on first request (after the flame graph is drawn).
    top: std::cell::OnceCell<report::Top>,
    unit: String,
    /// A comparison's view.
    compare: bool,
    /// Comparisons: which samples are the base's (empty otherwise).
    is_base: Vec<bool>,
    /// Comparisons: per-node (base, new) values, computed with the table.
    split: std::cell::OnceCell<(Graph, Graph)>,
    /// Comparisons: the base's and the new side's own flame graphs (side by side).
    sides: std::cell::OnceCell<[flame::Flame; 2]>,
    /// Comparisons whose base total is zero: no percentages.
    no_percentages: bool,
    /// The pivot flame graphs of one function, when asked for.
    pivot: Option<Pivot>,
}

/// A function's callers (upward) and callees (downward) as flame graphs.
struct Pivot {
    up: (graph::Stacks, flame::Flame),
    down: (graph::Stacks, flame::Flame),
}

/// What a comparison was made of, to remake it (normalised or not).
struct Comparison {
    base: Vec<u32>,
    new: Vec<u32>,
    normalize: bool,
}

struct Loaded {
    name: String,
    /// The profile while no view exists; a view owns it (in its `Prepared`).
    profile: Option<Profile>,
    current: Option<Current>,
    compare: Option<Comparison>,
}

impl Loaded {
    fn profile(&self) -> &Profile {
        match (&self.profile, &self.current) {
            (Some(p), _) => p,
            (None, Some(c)) => &c.prepared.profile,
            (None, None) => unreachable!("a loaded profile always has its data"),
        }
    }
}

/// Every profile the page has open.
#[wasm_bindgen]
#[derive(Default)]
pub struct Session {
    profiles: Vec<Option<Loaded>>,
}

#[wasm_bindgen]
impl Session {
    /// An empty session.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Session {
        install_panic_hook();
        Session::default()
    }

    /// Decodes and validates `bytes` (gzipped or raw). Returns the profile's
    /// info object, or throws with a sentence saying what is wrong.
    pub fn load(&mut self, name: &str, bytes: &[u8], progress: Option<js_sys::Function>) -> Result<JsValue, JsError> {
        let mut cb = |done: u64, total: u64| {
            if let Some(f) = &progress {
                let _ = f.call2(&JsValue::NULL, &JsValue::from_f64(done as f64), &JsValue::from_f64(total as f64));
            }
        };
        let raw = crate::decode::decode_with_progress(bytes, &DecodeOptions::default(), &mut cb).map_err(js_err)?;
        let profile = Profile::from_proto(raw, &ModelOptions::default()).map_err(js_err)?;
        let id = self.profiles.len() as u32;
        self.profiles.push(Some(Loaded {
            name: name.to_string(),
            profile: Some(profile),
            current: None,
            compare: None,
        }));
        self.info(id)
    }

    /// Compares the profiles `new` with the profiles `base` (each side
    /// merged, as pprof merges several files): a new profile holding the new
    /// side's samples and the base's negated and labelled (pprof's
    /// `-diff_base`). Returns its info object; views of it are comparisons.
    pub fn compare(&mut self, base: &[u32], new: &[u32], name: &str) -> Result<JsValue, JsError> {
        if base.is_empty() || new.is_empty() {
            return Err(JsError::new("choose at least one base profile and one new profile"));
        }
        if let Some(&both) = base.iter().find(|b| new.contains(b)) {
            return Err(JsError::new(&format!("{} cannot be both the base and the new profile", self.get(both)?.name)));
        }
        let c = Comparison { base: base.to_vec(), new: new.to_vec(), normalize: false };
        let profile = self.combine(&c)?;
        let id = self.profiles.len() as u32;
        self.profiles.push(Some(Loaded {
            name: name.to_string(),
            profile: Some(profile),
            current: None,
            compare: Some(c),
        }));
        self.info(id)
    }

    /// Forgets a profile.
    pub fn close(&mut self, id: u32) {
        if let Some(slot) = self.profiles.get_mut(id as usize) {
            *slot = None;
        }
    }

    /// Metadata of a loaded profile.
    pub fn info(&self, id: u32) -> Result<JsValue, JsError> {
        let l = self.get(id)?;
        let p = l.profile();
        let info = ProfileInfo {
            id,
            name: l.name.clone(),
            sample_types: p
                .sample_types
                .iter()
                .map(|t| SampleTypeInfo { r#type: t.ty.clone(), unit: t.unit.clone() })
                .collect(),
            default_index: p.default_index() as u32,
            samples: p.samples.len() as u32,
            locations: p.locations.len() as u32,
            functions: p.functions.len() as u32,
            time_nanos: p.time_nanos as f64,
            duration_nanos: p.duration_nanos as f64,
            comments: p.comments.clone(),
        };
        serde_wasm_bindgen::to_value(&info).map_err(|e| JsError::new(&e.to_string()))
    }

    /// Applies a view request (sample type, granularity, filters) and builds
    /// the call tree. Returns the header lines and totals.
    pub fn view(&mut self, id: u32, request: JsValue) -> Result<JsValue, JsError> {
        let req: ViewRequest = serde_wasm_bindgen::from_value(request).map_err(|e| JsError::new(&e.to_string()))?;
        let l = self.get(id)?;
        let granularity = match &req.granularity {
            Some(g) => Granularity::parse(g).map_err(js_err)?,
            None => Granularity::Functions,
        };
        let mut q = Query {
            sample_index: req.sample_index.map(|i| i.to_string()).unwrap_or_default(),
            granularity,
            noinlines: req.noinlines,
            focus: req.focus,
            ignore: req.ignore,
            hide: req.hide,
            show: req.show,
            show_from: req.show_from,
            tagfocus: req.tagfocus,
            tagignore: req.tagignore,
            ..Query::default()
        };
        q.nodefraction = 0.0;
        // Check everything that can fail before taking the profile out of its
        // slot, so a bad regex leaves the loaded profile (and its view) as it was.
        crate::aggregate::filter::validate(&q).map_err(js_err)?;
        l.profile().sample_index(&q.sample_index).map_err(js_err)?;
        for (name, f) in [("tagfocus", &q.tagfocus), ("tagignore", &q.tagignore)] {
            if let Some(k) = report::explore::unknown_label_key(l.profile(), f) {
                return Err(JsError::new(&format!("{name}: no sample has a label \"{k}\"")));
            }
        }
        let cmp =
            l.compare.as_ref().map(|c| Comparison { base: c.base.clone(), new: c.new.clone(), normalize: c.normalize });
        let is_compare = cmp.is_some();
        let mut notes = Vec::new();
        let mut remade = None;
        if let Some(c) = cmp {
            q.base_mode = crate::query::BaseMode::Diff;
            if c.normalize != req.normalize {
                let c2 = Comparison { normalize: req.normalize, ..c };
                let p = self.combine(&c2)?;
                remade = Some((p, c2));
            }
        }
        let l = self.get_mut(id)?;
        let profile = match (remade, l.profile.take(), l.current.take()) {
            (Some((p, c2)), _, _) => {
                l.compare = Some(c2);
                p
            }
            (None, Some(p), _) => p,
            (None, None, Some(c)) => c.prepared.profile,
            (None, None, None) => return Err(JsError::new("profile data missing")),
        };
        let mut prepared = Prepared::from_profile(profile, q).map_err(js_err)?;
        let is_base = match crate::aggregate::base_samples(&prepared.profile) {
            // A comparison whose base has no samples: every sample is new.
            b if b.is_empty() && is_compare => vec![false; prepared.profile.samples.len()],
            b if is_compare => b,
            _ => Vec::new(),
        };
        let (mut base_total, mut new_total) = (0i64, 0i64);
        if is_compare {
            let nt = prepared.profile.sample_types.len();
            for (s, v) in prepared.profile.samples.values.iter().skip(prepared.value_index).step_by(nt).enumerate() {
                if is_base.get(s) == Some(&true) {
                    base_total = base_total.wrapping_sub(*v);
                } else {
                    new_total = new_total.wrapping_add(*v);
                }
            }
            if base_total == 0 {
                notes.push(format!(
                    "The base's total of {} is zero, so changes cannot be shares of it: values are absolute.",
                    prepared.sample_type().ty
                ));
            }
            if req.mode == "base" {
                prepared.total = crate::aggregate::subtract_total(&prepared.profile, prepared.value_index);
            }
        }
        let no_percentages = is_compare && base_total == 0 && req.mode != "base";
        let names: Vec<String> = (0..prepared.nodes.len()).map(|n| prepared.nodes.printable_name(n)).collect();
        let weights = if is_compare { flame::Weights::Diff(&is_base) } else { flame::Weights::Plain };
        let fl = flame::Flame::with_weights(&prepared, &names, weights);
        let unit = report::unpruned_output_unit(&prepared);
        let stacks = fl.len() as u32;
        let fv = |v: i64| report::format_value(&prepared, v, &unit);
        let info = ViewInfo {
            header: report::profile_labels(&prepared, &unit),
            total: prepared.total as f64,
            total_text: fv(prepared.total),
            unit: unit.clone(),
            sample_type: prepared.sample_type().ty.clone(),
            nodes: names.len() as u32,
            stacks,
            compare: is_compare,
            base_total_text: if is_compare { fv(base_total) } else { String::new() },
            new_total_text: if is_compare { fv(new_total) } else { String::new() },
            notes,
        };
        let l = self.get_mut(id)?;
        l.current = Some(Current {
            prepared,
            names,
            flame: fl,
            top: std::cell::OnceCell::new(),
            unit,
            compare: is_compare,
            is_base,
            split: std::cell::OnceCell::new(),
            sides: std::cell::OnceCell::new(),
            no_percentages,
            pivot: None,
        });
        serde_wasm_bindgen::to_value(&info).map_err(|e| JsError::new(&e.to_string()))
    }

    /// The top table of the current view, sorted by `sort` ("flat", "cum",
    /// "name") as pprof sorts, `desc` reversing it. Returns columns: `node`
    /// (Uint32Array), `flat`/`cum` (Float64Array), and newline-joined strings
    /// `name`, `inline`, `flatText`, `flatPct`, `sumPct`, `cumText`, `cumPct`.
    pub fn top(&self, id: u32, sort: &str, desc: bool) -> Result<JsValue, JsError> {
        let c = self.current(id)?;
        let pr = &c.prepared;
        let t = c.top.get_or_init(|| {
            if c.compare {
                let (b, n) = c.split();
                report::top_from(pr, graph::net_of(b, n))
            } else {
                report::top(pr)
            }
        });
        let mut rows: Vec<&report::TopRow> = t.rows.iter().collect();
        match sort {
            "cum" => rows.sort_by(|a, b| b.cum.abs().cmp(&a.cum.abs()).then_with(|| a.name.cmp(&b.name))),
            "name" => rows.sort_by(|a, b| a.name.cmp(&b.name)),
            _ => {}
        }
        if !desc {
            rows.reverse();
        }
        let fv = |v: i64| report::format_value(pr, v, &c.unit);
        let pct = |v: i64| {
            if c.no_percentages {
                "n/a".to_string()
            } else {
                units::percentage(v, t.total).trim().to_string()
            }
        };
        let mut sum = 0i64;
        let (mut name, mut inl, mut ft, mut fp, mut sp, mut ct, mut cp) =
            (String::new(), String::new(), String::new(), String::new(), String::new(), String::new(), String::new());
        for r in &rows {
            sum = sum.wrapping_add(r.flat);
            for (s, v) in [
                (&mut name, r.name.clone()),
                (&mut inl, r.inline_label.to_string()),
                (&mut ft, fv(r.flat)),
                (&mut fp, pct(r.flat)),
                (&mut sp, pct(sum)),
                (&mut ct, fv(r.cum)),
                (&mut cp, pct(r.cum)),
            ] {
                s.push_str(&v);
                s.push('\n');
            }
        }
        let nodes: Vec<u32> = rows.iter().map(|r| r.node).collect();
        let flat: Vec<f64> = rows.iter().map(|r| r.flat as f64).collect();
        let cum: Vec<f64> = rows.iter().map(|r| r.cum as f64).collect();
        let mut pairs: Vec<(&str, JsValue)> = vec![
            ("node", Uint32Array::from(&nodes[..]).into()),
            ("flat", Float64Array::from(&flat[..]).into()),
            ("cum", Float64Array::from(&cum[..]).into()),
            ("name", name.into()),
            ("inline", inl.into()),
            ("flatText", ft.into()),
            ("flatPct", fp.into()),
            ("sumPct", sp.into()),
            ("cumText", ct.into()),
            ("cumPct", cp.into()),
        ];
        if c.compare {
            // A comparison: each side's own values, and where a function is on one side only.
            let (b, n) = c.split();
            let col = |f: &dyn Fn(usize) -> String| rows.iter().map(|r| f(r.node as usize) + "\n").collect::<String>();
            let present = |g: &Graph, i: usize| g.flat[i] != 0 || g.cum[i] != 0;
            pairs.push(("baseFlat", col(&|i| fv(b.flat[i])).into()));
            pairs.push(("newFlat", col(&|i| fv(n.flat[i])).into()));
            pairs.push(("baseCum", col(&|i| fv(b.cum[i])).into()));
            pairs.push(("newCum", col(&|i| fv(n.cum[i])).into()));
            let mark = |i: usize| match (present(b, i), present(n, i)) {
                (false, true) => "new",
                (true, false) => "gone",
                _ => "",
            };
            pairs.push(("mark", col(&|i| mark(i).to_string()).into()));
        }
        object(pairs)
    }

    /// Names of all graph nodes of the current view, newline-joined (index = node id).
    #[wasm_bindgen(js_name = nodeNames)]
    pub fn node_names(&self, id: u32) -> Result<String, JsError> {
        Ok(self.current(id)?.names.join("\n"))
    }

    /// Flame graph boxes for the zoom box (`lo`, `hi`, `depth`; depth
    /// 4294967295 = everything), culling boxes narrower than `min_width` (a
    /// fraction of the width). Returns `x`, `width` (Float64Array), `depth`,
    /// `node`, `lo`, `hi` (Uint32Array), `inlined` (Uint8Array) and `maxDepth`.
    /// `side` picks the flame graph: 0 the view's own (for a comparison the
    /// merged tree, with `change`, a Float32Array of each box's relative
    /// change), 1 a comparison's base alone, 2 its new side alone.
    pub fn flame(&self, id: u32, side: u32, lo: u32, hi: u32, depth: u32, min_width: f64) -> Result<JsValue, JsError> {
        let c = self.current(id)?;
        let (f, st) = c.flame_of(side)?;
        let l = f.layout(st, flame::BoxKey { lo, hi, depth }, min_width);
        let inl: Vec<u8> = l.inlined.iter().map(|&b| b as u8).collect();
        object(vec![
            ("change", Float32Array::from(&l.change[..]).into()),
            ("x", Float64Array::from(&l.x[..]).into()),
            ("width", Float64Array::from(&l.width[..]).into()),
            ("depth", Uint32Array::from(&l.depth[..]).into()),
            ("node", Uint32Array::from(&l.node[..]).into()),
            ("lo", Uint32Array::from(&l.lo[..]).into()),
            ("hi", Uint32Array::from(&l.hi[..]).into()),
            ("inlined", Uint8Array::from(&inl[..]).into()),
            ("maxDepth", JsValue::from_f64(l.max_depth as f64)),
        ])
    }

    /// Details of a flame box for the tooltip: name, location, self and
    /// total (formatted, and as % of the total), whether inlined, the names
    /// on its path, and the keys (`lo`, `hi`) of its ancestors for zooming out.
    /// In a comparison's merged tree also `base`, `new`, `delta` (texts),
    /// `deltaPct` (of the base's value) and `selfBase`, `selfNew`.
    #[wasm_bindgen(js_name = boxInfo)]
    pub fn box_info(&self, id: u32, side: u32, lo: u32, hi: u32, depth: u32) -> Result<JsValue, JsError> {
        let c = self.current(id)?;
        let pr = &c.prepared;
        let (fl, st) = c.flame_of(side)?;
        let k = flame::BoxKey { lo, hi, depth };
        let fv = |v: i64| report::format_value(pr, v, &c.unit);
        // A side's own flame graph is a share of that side's total.
        let side_total = if side == 0 { pr.total } else { fl.info_root_total() };
        let pct = |v: i64| {
            if c.no_percentages && side == 0 {
                "n/a".to_string()
            } else {
                units::percentage(v, side_total).trim().to_string()
            }
        };
        let info = fl.info(st, k);
        let sides =
            info.as_ref().and_then(|i| i.sides).or_else(|| if fl.is_diff() { Some(fl.root_sides()) } else { None });
        let (name, location, total, self_value, inlined, path, node) = match info {
            Some(i) => (
                c.names[i.node as usize].clone(),
                location_of(pr, i.node),
                i.total,
                i.self_value,
                i.inlined,
                i.path,
                i.node as f64,
            ),
            None => ("all samples".to_string(), String::new(), side_total, 0, false, Vec::new(), -1.0),
        };
        let path_names: Vec<String> = path.iter().map(|&n| c.names[n as usize].clone()).collect();
        let anc: Vec<flame::BoxKey> = (0..path.len() as u32).map(|d| fl.ancestor(st, k, d)).collect();
        let alo: Vec<u32> = anc.iter().map(|a| a.lo).collect();
        let ahi: Vec<u32> = anc.iter().map(|a| a.hi).collect();
        let mut pairs: Vec<(&str, JsValue)> = vec![
            ("name", name.into()),
            ("location", location.into()),
            ("self", fv(self_value).into()),
            ("selfPct", pct(self_value).into()),
            ("total", fv(total).into()),
            ("totalPct", pct(total).into()),
            ("totalValue", JsValue::from_f64(total as f64)),
            ("inlined", JsValue::from_bool(inlined)),
            ("node", JsValue::from_f64(node)),
            ("path", JsValue::from_str(&path_names.join("\n"))),
            ("pathLo", Uint32Array::from(&alo[..]).into()),
            ("pathHi", Uint32Array::from(&ahi[..]).into()),
        ];
        if let Some([b, n, sb, sn]) = sides {
            let signed = |v: i64| if v > 0 { format!("+{}", fv(v)) } else { fv(v) };
            let rel = if b == 0 {
                if n == 0 {
                    "unchanged".to_string()
                } else {
                    "new".to_string()
                }
            } else if n == 0 {
                "gone".to_string()
            } else {
                format!("{:+.1}%", (n - b) as f64 * 100.0 / b as f64)
            };
            pairs.push(("base", fv(b).into()));
            pairs.push(("new", fv(n).into()));
            pairs.push(("delta", signed(n - b).into()));
            pairs.push(("deltaPct", rel.into()));
            pairs.push(("selfBase", fv(sb).into()));
            pairs.push(("selfNew", fv(sn).into()));
        }
        object(pairs)
    }

    /// The box of flame graph `to` (see [`Session::flame`]'s `side`) with the
    /// same frames as box `key` (`[lo, hi, depth]`) of flame graph `from`,
    /// as `[lo, hi, depth]`; when `to` lacks it, null if `exact`, else its
    /// deepest ancestor that `to` has (the root at worst).
    pub fn locate(&self, id: u32, from: u32, key: &[u32], to: u32, exact: bool) -> Result<JsValue, JsError> {
        let c = self.current(id)?;
        let &[lo, hi, depth] = key else { return Err(JsError::new("a box key is [lo, hi, depth]")) };
        let (ff, fst) = c.flame_of(from)?;
        let path = ff.path(fst, flame::BoxKey { lo, hi, depth });
        let (target, tst) = c.flame_of(to)?;
        let found = if exact {
            target.find(tst, &path)
        } else {
            (0..=path.len()).rev().find_map(|n| target.find(tst, &path[..n]))
        };
        Ok(match found {
            Some(k) => Uint32Array::from(&[k.lo, k.hi, k.depth][..]).into(),
            None => JsValue::NULL,
        })
    }

    /// Graph nodes whose name matches `pattern` (a regex), as a Uint8Array
    /// mask, and their share of the total (each sample counted once).
    pub fn search(&self, id: u32, pattern: &str) -> Result<JsValue, JsError> {
        let c = self.current(id)?;
        let rx = regex::Regex::new(pattern)
            .map_err(|e| JsError::new(&format!("invalid regex: {}", first_line(&e.to_string()))))?;
        let mask: Vec<bool> = c.names.iter().map(|n| rx.is_match(n)).collect();
        // (In a comparison, the matches' net change.)
        let value = c.flame.matched_total(&c.prepared, &mask);
        let bytes: Vec<u8> = mask.iter().map(|&b| b as u8).collect();
        let pr = &c.prepared;
        let pairs: Vec<(&str, JsValue)> = vec![
            ("mask", Uint8Array::from(&bytes[..]).into()),
            ("value", report::format_value(pr, value, &c.unit).into()),
            ("pct", units::percentage(value, pr.total).trim().to_string().into()),
            ("count", JsValue::from_f64(mask.iter().filter(|&&b| b).count() as f64)),
        ];
        object(pairs)
    }
}

#[wasm_bindgen]
impl Session {
    /// Ranks leak suspects across the profiles `ids` (snapshots of one
    /// program), as `pprof-lens series`. Returns `files`, `times`
    /// (Float64Array, ns), `totals` (Float64Array) and `totalsText`, `notes`,
    /// `sampleType`, and for the first `limit` suspects: `name`, `growth`,
    /// `slope`, `consistency`, `kept` (newline-joined strings) and `values`
    /// (Float64Array, one row of per-snapshot values per suspect).
    pub fn series(
        &self,
        ids: &[u32],
        sample_index: Option<u32>,
        limit: u32,
        keep_order: bool,
    ) -> Result<JsValue, JsError> {
        let mut snaps = Vec::with_capacity(ids.len());
        let mut names: Vec<String> = Vec::with_capacity(ids.len());
        for (i, &id) in ids.iter().enumerate() {
            let l = self.get(id)?;
            // Names must be unique to follow the order back: suffix duplicates.
            let name = if names.contains(&l.name) { format!("{} ({})", l.name, i + 1) } else { l.name.clone() };
            names.push(name.clone());
            snaps.push((name, l.profile().clone()));
        }
        let q = Query { sample_index: sample_index.map(|i| i.to_string()).unwrap_or_default(), ..Query::default() };
        let s = report::series::series_in_order(snaps, &q, keep_order).map_err(js_err)?;
        let fmt = |v: i64| units::label(v, &s.unit);
        let per = if s.per_hour { "/h" } else { "/snapshot" };
        let stacks: Vec<&report::series::StackRow> = s.stacks.iter().take(limit as usize).collect();
        // Where each input profile went, so the page can follow the order.
        let order: Vec<u32> = s.files.iter().map(|f| names.iter().position(|n| n == f).unwrap_or(0) as u32).collect();
        let rows: Vec<&report::series::SeriesRow> =
            s.rows.iter().filter(|r| r.score > 0.0).take(limit as usize).collect();
        let join =
            |f: &dyn Fn(&report::series::SeriesRow) -> String| rows.iter().map(|r| f(r)).collect::<Vec<_>>().join("\n");
        let values: Vec<f64> = rows.iter().flat_map(|r| r.own.iter().map(|&v| v as f64)).collect();
        let times: Vec<f64> = s.times.iter().map(|&t| t as f64).collect();
        let totals: Vec<f64> = s.totals.iter().map(|&t| t as f64).collect();
        let pairs: Vec<(&str, JsValue)> = vec![
            ("files", s.files.join("\n").into()),
            ("times", Float64Array::from(&times[..]).into()),
            ("totals", Float64Array::from(&totals[..]).into()),
            ("totalsText", s.totals.iter().map(|&t| fmt(t)).collect::<Vec<_>>().join("\n").into()),
            ("notes", s.notes.join("\n").into()),
            ("sampleType", s.sample_type.clone().into()),
            ("name", join(&|r| r.name.clone()).into()),
            ("growth", join(&|r| fmt(r.growth)).into()),
            ("slope", join(&|r| format!("{}{per}", fmt(r.slope.round() as i64))).into()),
            ("consistency", join(&|r| format!("{:.2}", r.consistency)).into()),
            ("kept", join(&|r| format!("{:.0}%", r.retention * 100.0)).into()),
            ("valuesText", join(&|r| r.own.iter().map(|&v| fmt(v)).collect::<Vec<_>>().join(" ")).into()),
            ("values", Float64Array::from(&values[..]).into()),
            ("order", Uint32Array::from(&order[..]).into()),
            (
                "stackLeaking",
                stacks.iter().map(|r| if r.only_grows { "leaking" } else { "" }).collect::<Vec<_>>().join("\n").into(),
            ),
            ("stackBlocked", stacks.iter().map(|r| r.blocked_on.clone()).collect::<Vec<_>>().join("\n").into()),
            ("stackFunction", stacks.iter().map(|r| own_frame(&r.frames)).collect::<Vec<_>>().join("\n").into()),
            (
                "stackCounts",
                stacks
                    .iter()
                    .map(|r| r.counts.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(" "))
                    .collect::<Vec<_>>()
                    .join("\n")
                    .into(),
            ),
            ("stacks", JsValue::from_f64(stacks.len() as f64)),
        ];
        object(pairs)
    }

    /// Callers and callees of functions matching `pattern` in the current
    /// view, as the text of `go tool pprof -peek`.
    pub fn peek(&self, id: u32, pattern: &str) -> Result<String, JsError> {
        let c = self.current(id)?;
        let rx = regex::Regex::new(pattern)
            .map_err(|e| JsError::new(&format!("invalid regex: {}", first_line(&e.to_string()))))?;
        report::peek_text(&c.prepared, &rx).map_err(js_err)
    }

    /// Groups of a goroutine profile (or dump): count, state, blocking
    /// function, longest wait, innermost own-code function and creator, as
    /// newline-joined strings, largest group first.
    pub fn goroutines(&self, id: u32) -> Result<JsValue, JsError> {
        let p = self.get(id)?.profile();
        let g = report::goroutine_groups(p);
        let col = |f: &dyn Fn(&report::GoroutineGroup) -> String| g.iter().map(f).collect::<Vec<_>>().join("\n");
        let pairs: Vec<(&str, JsValue)> = vec![
            ("count", col(&|x| x.count.to_string()).into()),
            ("state", col(&|x| x.state.clone()).into()),
            ("blockedOn", col(&|x| x.blocked_on.clone()).into()),
            (
                "wait",
                col(&|x| if x.wait_minutes > 0 { format!("{} min", x.wait_minutes) } else { String::new() }).into(),
            ),
            ("function", col(&|x| x.function.clone()).into()),
            ("createdBy", col(&|x| x.created_by.clone()).into()),
            ("groups", JsValue::from_f64(g.len() as f64)),
        ];
        object(pairs)
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LabelValueOut {
    text: String,
    value: String,
    pct: String,
    tagfocus: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LabelKeyOut {
    key: String,
    numeric: bool,
    values: Vec<LabelValueOut>,
}

#[wasm_bindgen]
impl Session {
    /// Callers and callees of graph node `node` in the current view:
    /// `flat`, `cum` (texts), and for `callers` and `callees`: `xNode`
    /// (Uint32Array), `xValue` and `xPct` (of the node's cum; newline-joined).
    pub fn neighbours(&self, id: u32, node: u32) -> Result<JsValue, JsError> {
        let c = self.current(id)?;
        let pr = &c.prepared;
        if node as usize >= pr.nodes.len() {
            return Err(JsError::new("no such function in this view"));
        }
        let nb = report::explore::neighbours(pr, node);
        let fv = |v: i64| report::format_value(pr, v, &c.unit);
        let mut pairs: Vec<(&str, JsValue)> = vec![
            ("name", c.names[node as usize].clone().into()),
            ("flat", fv(nb.flat).into()),
            ("cum", fv(nb.cum).into()),
            ("cumPct", units::percentage(nb.cum, pr.total).trim().to_string().into()),
        ];
        for (tag, list) in [("callers", &nb.callers), ("callees", &nb.callees)] {
            let nodes: Vec<u32> = list.iter().map(|x| x.node).collect();
            let vals = list.iter().map(|x| fv(x.value)).collect::<Vec<_>>().join("\n");
            let pcts = list
                .iter()
                .map(|x| units::percentage(x.value, nb.cum).trim().to_string())
                .collect::<Vec<_>>()
                .join("\n");
            let (kn, kv, kp) = match tag {
                "callers" => ("callersNode", "callersValue", "callersPct"),
                _ => ("calleesNode", "calleesValue", "calleesPct"),
            };
            pairs.push((kn, Uint32Array::from(&nodes[..]).into()));
            pairs.push((kv, vals.into()));
            pairs.push((kp, pcts.into()));
        }
        object(pairs)
    }

    /// Makes the pivot flame graphs of graph node `node` (flame sides 3,
    /// callers upward, and 4, callees downward). Returns their totals.
    pub fn pivot(&mut self, id: u32, node: u32) -> Result<JsValue, JsError> {
        let l = self.get_mut(id)?;
        let c = l.current.as_mut().ok_or_else(|| JsError::new("no view yet: call view() first"))?;
        if node as usize >= c.prepared.nodes.len() {
            return Err(JsError::new("no such function in this view"));
        }
        let pr = &c.prepared;
        let (up, down) = report::explore::pivot_stacks(pr, node);
        let nt = pr.profile.sample_types.len();
        let vi = pr.value_index;
        let values = &pr.profile.samples.values;
        let value = |s: usize| values[s * nt + vi];
        let fu = flame::Flame::of_stacks(&up, &c.names, value);
        let fd = flame::Flame::of_stacks(&down, &c.names, value);
        let total = fd.info_root_total();
        let text = report::format_value(pr, total, &c.unit);
        c.pivot = Some(Pivot { up: (up, fu), down: (down, fd) });
        object(vec![("total", text.into()), ("name", c.names[node as usize].clone().into())])
    }

    /// The box of flame graph `side` whose frames have the names `path`
    /// (newline-joined, root first), as `[lo, hi, depth]`, or null.
    #[wasm_bindgen(js_name = findPath)]
    pub fn find_path(&self, id: u32, side: u32, path: &str) -> Result<JsValue, JsError> {
        let c = self.current(id)?;
        let (f, fst) = c.flame_of(side)?;
        let mut by_name: std::collections::HashMap<&str, Vec<u32>> = std::collections::HashMap::new();
        for (n, name) in c.names.iter().enumerate() {
            by_name.entry(name.as_str()).or_default().push(n as u32);
        }
        let mut prefix: Vec<u32> = Vec::new();
        let mut found = None;
        for name in path.lines() {
            let cands = by_name.get(name).cloned().unwrap_or_default();
            let hit = cands.iter().flat_map(|&n| [n, n | graph::INLINED]).find_map(|raw| {
                prefix.push(raw);
                let k = f.find(fst, &prefix);
                prefix.pop();
                k.map(|k| (raw, k))
            });
            match hit {
                Some((raw, k)) => {
                    prefix.push(raw);
                    found = Some(k);
                }
                None => return Ok(JsValue::NULL),
            }
        }
        Ok(match found {
            Some(k) => Uint32Array::from(&[k.lo, k.hi, k.depth][..]).into(),
            None => JsValue::NULL,
        })
    }

    /// The current view's kept samples (filters applied) as a raw
    /// `profile.proto` that go tool pprof reads (the page gzips it with the
    /// browser's own, much faster, CompressionStream).
    #[wasm_bindgen(js_name = exportProfile)]
    pub fn export_profile(&self, id: u32) -> Result<Vec<u8>, JsError> {
        Ok(crate::encode::encode_view(&self.current(id)?.prepared))
    }

    /// Label keys of the current view's samples with their values, each
    /// with its weight, share of the total and the `tagfocus` selecting it.
    pub fn labels(&self, id: u32) -> Result<JsValue, JsError> {
        let c = self.current(id)?;
        let pr = &c.prepared;
        let out: Vec<LabelKeyOut> = report::explore::label_summary(pr)
            .into_iter()
            .map(|k| LabelKeyOut {
                key: k.key,
                numeric: k.numeric,
                values: k
                    .values
                    .into_iter()
                    .map(|v| LabelValueOut {
                        text: v.text,
                        value: report::format_value(pr, v.value, &c.unit),
                        pct: units::percentage(v.value, pr.total).trim().to_string(),
                        tagfocus: v.tagfocus,
                    })
                    .collect(),
            })
            .collect();
        serde_wasm_bindgen::to_value(&out).map_err(|e| JsError::new(&e.to_string()))
    }
}

impl Session {
    /// Merges each side of a comparison and subtracts the base, labelled.
    fn combine(&self, c: &Comparison) -> Result<Profile, JsError> {
        let side = |ids: &[u32]| -> Result<Vec<(&str, &Profile)>, JsError> {
            ids.iter()
                .map(|&i| {
                    let l = self.get(i).map_err(|_| {
                        JsError::new("a profile of this comparison was closed: reopen it and compare again")
                    })?;
                    if l.compare.is_some() {
                        return Err(JsError::new(&format!("{} is itself a comparison: compare profiles", l.name)));
                    }
                    Ok((l.name.as_str(), l.profile()))
                })
                .collect()
        };
        let (base, new) = (side(&c.base)?, side(&c.new)?);
        let named: Vec<(&str, &Profile)> = base.iter().chain(&new).copied().collect();
        report::diff::check_comparable(&named).map_err(js_err)?;
        if c.normalize && base.iter().all(|(_, p)| p.samples.is_empty()) {
            return Err(JsError::new("the base has no samples: there is no total to normalise to"));
        }
        let (news, bases): (Vec<&Profile>, Vec<&Profile>) =
            (new.iter().map(|&(_, p)| p).collect(), base.iter().map(|&(_, p)| p).collect());
        crate::aggregate::combine::compare_refs(&news, &bases, c.normalize).map_err(js_err)
    }

    fn get(&self, id: u32) -> Result<&Loaded, JsError> {
        self.profiles.get(id as usize).and_then(|p| p.as_ref()).ok_or_else(|| JsError::new("no such profile"))
    }
    fn get_mut(&mut self, id: u32) -> Result<&mut Loaded, JsError> {
        self.profiles.get_mut(id as usize).and_then(|p| p.as_mut()).ok_or_else(|| JsError::new("no such profile"))
    }
    fn current(&self, id: u32) -> Result<&Current, JsError> {
        self.get(id)?.current.as_ref().ok_or_else(|| JsError::new("no view yet: call view() first"))
    }
}

impl Current {
    /// A comparison's per-node (base, new) values.
    fn split(&self) -> &(Graph, Graph) {
        self.split.get_or_init(|| {
            let pr = &self.prepared;
            graph::split_values(&pr.profile, &pr.stacks, pr.nodes.len(), pr.value_index, &self.is_base)
        })
    }

    /// Flame graph `side` and its stacks: 0 the view's, 1 a comparison's
    /// base, 2 its new side, 3 and 4 the pivot's callers and callees.
    fn flame_of(&self, side: u32) -> Result<(&flame::Flame, &graph::Stacks), JsError> {
        let st = &self.prepared.stacks;
        match side {
            0 => Ok((&self.flame, st)),
            3 | 4 => match &self.pivot {
                Some(p) if side == 3 => Ok((&p.up.1, &p.up.0)),
                Some(p) => Ok((&p.down.1, &p.down.0)),
                None => Err(JsError::new("no pivot yet: call pivot() first")),
            },
            1 | 2 if self.compare => {
                let [b, n] = self.sides.get_or_init(|| {
                    let w = |base| flame::Weights::Side(&self.is_base, base);
                    [
                        flame::Flame::with_weights(&self.prepared, &self.names, w(true)),
                        flame::Flame::with_weights(&self.prepared, &self.names, w(false)),
                    ]
                });
                Ok((if side == 1 { b } else { n }, st))
            }
            _ => Err(JsError::new("this view has no such flame graph")),
        }
    }
}

/// A plain JS object from key/value pairs (results are small; arrays inside are typed).
fn object(pairs: Vec<(&str, JsValue)>) -> Result<JsValue, JsError> {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), &v).map_err(|_| JsError::new("could not build the result"))?;
    }
    Ok(o.into())
}

fn own_frame(frames: &[String]) -> String {
    frames.iter().find(|f| crate::frames::is_own_code(f)).or(frames.first()).cloned().unwrap_or_default()
}

fn first_line(s: &str) -> String {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

/// "file:line" of the first frame that maps to graph node `node`.
fn location_of(pr: &Prepared, node: u32) -> String {
    let p = &pr.profile;
    let nodes = &pr.nodes;
    for l in 0..p.locations.len() {
        let ln = nodes.of_location(l);
        if let Some(i) = ln.iter().position(|&n| n == node) {
            let frames = pr.view.frames(l);
            let frames = if pr.query.noinlines && frames.len() > 1 { &frames[frames.len() - 1..] } else { frames };
            if let Some(&fr) = frames.get(i) {
                let f = p.frames.func[fr as usize] as usize;
                let file = p.str(p.functions.filename[f]);
                let line = p.frames.line[fr as usize];
                return if line > 0 { format!("{file}:{line}") } else { file.to_string() };
            }
        }
    }
    String::new()
}
