//! The only binding file (compiled for wasm32 only): [`crate::session`] as
//! seen from JavaScript. It converts and decides nothing: ids and small
//! requests in; small objects, newline-joined string columns and typed
//! arrays out. Errors cross as JS `Error`s carrying the core's sentence,
//! its `kind` ("bad-query", "incompatible"…) and, for a refused request,
//! the `field` that failed.

use crate::query::Filters;
use crate::report::flame::{BoxKey, Layout};
use crate::session::{self, Side, TopSort, ViewRequest};
use crate::{Error, ErrorKind};
use js_sys::{Array, Float32Array, Float64Array, Object, Reflect, Uint32Array, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

static LAST_PANIC: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());

/// Installs the panic hook (idempotent): a bug shows a message, not a dead page.
#[wasm_bindgen(js_name = installPanicHook)]
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let msg = format!("internal error (a bug in pprof-lens, please report it): {info}");
        web_console_error(&msg);
        if let Ok(mut m) = LAST_PANIC.lock() {
            *m = msg;
        }
    }));
}

fn web_console_error(msg: &str) {
    let f = Reflect::get(&js_sys::global(), &"console".into())
        .and_then(|c| Reflect::get(&c, &"error".into()))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(f) = f {
        let _ = f.call1(&JsValue::NULL, &JsValue::from_str(msg));
    }
}

/// The message of the last panic ("" if none).
#[wasm_bindgen(js_name = lastPanic)]
pub fn last_panic() -> String {
    LAST_PANIC.lock().map(|m| m.clone()).unwrap_or_default()
}

/// Runs the page's calls once on a small generated profile, so that the
/// engine optimizes them before the first real one (see `session::warm_up`);
/// returns the flame boxes it laid out.
#[wasm_bindgen(js_name = warmUp)]
pub fn warm_up() -> u32 {
    install_panic_hook();
    session::warm_up() as u32
}

type R<T> = Result<T, JsValue>;

/// The core's error as a JS `Error` with `kind` and `field`.
fn err(e: Error) -> JsValue {
    let o = js_sys::Error::new(&e.message);
    let _ = Reflect::set(&o, &"kind".into(), &e.kind_name().into());
    if let Some(f) = e.field {
        let _ = Reflect::set(&o, &"field".into(), &f.into());
    }
    o.into()
}

/// A plain JS object from key/value pairs.
fn object(pairs: Vec<(&str, JsValue)>) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), &v);
    }
    o.into()
}

/// A JS array of `f` of each item.
fn array<T>(items: impl IntoIterator<Item = T>, f: impl FnMut(T) -> JsValue) -> JsValue {
    items.into_iter().map(f).collect::<Array>().into()
}

/// Strings as a JS array.
fn strings(v: &[String]) -> JsValue {
    array(v, JsValue::from)
}

/// Strings joined by newlines.
fn lines(v: &[String]) -> JsValue {
    v.join("\n").into()
}

/// A table column: each row's text followed by a newline (rows may be empty).
fn rows(v: &[String]) -> JsValue {
    v.iter().fold(String::new(), |s, x| s + x + "\n").into()
}

fn num(v: impl Into<f64>) -> JsValue {
    JsValue::from_f64(v.into())
}

fn side(n: u32) -> R<Side> {
    Side::from_index(n).map_err(err)
}

fn key_out(k: Option<BoxKey>) -> JsValue {
    k.map_or(JsValue::NULL, |k| Uint32Array::from(&[k.lo, k.hi, k.depth][..]).into())
}

/// A field of the page's view request object (absent fields are empty).
fn text_field(o: &JsValue, k: &str) -> String {
    Reflect::get(o, &k.into()).ok().and_then(|v| v.as_string()).unwrap_or_default()
}

fn bool_field(o: &JsValue, k: &str) -> bool {
    Reflect::get(o, &k.into()).ok().and_then(|v| v.as_bool()).unwrap_or(false)
}

/// The page's view request (camelCase keys), as the session's [`ViewRequest`].
fn view_request(o: &JsValue) -> ViewRequest {
    let index = Reflect::get(o, &"sampleIndex".into()).ok().and_then(|v| v.as_f64());
    let granularity = text_field(o, "granularity");
    ViewRequest {
        sample_index: index.filter(|i| *i >= 0.0).map(|i| i as u32),
        granularity: (!granularity.is_empty()).then_some(granularity),
        noinlines: bool_field(o, "noinlines"),
        filters: Filters {
            focus: text_field(o, "focus"),
            ignore: text_field(o, "ignore"),
            hide: text_field(o, "hide"),
            show: text_field(o, "show"),
            show_from: text_field(o, "showFrom"),
            tagfocus: text_field(o, "tagfocus"),
            tagignore: text_field(o, "tagignore"),
        },
        group: text_field(o, "group"),
        // "base": percentages of the net change (pprof's -base).
        net_percentages: text_field(o, "mode") == "base",
        normalize: bool_field(o, "normalize"),
        trim: bool_field(o, "trim"),
    }
}

fn info_out(i: session::ProfileInfo) -> JsValue {
    let types = array(&i.sample_types, |(t, u)| object(vec![("type", t.into()), ("unit", u.into())]));
    object(vec![
        ("id", num(i.id)),
        ("name", i.name.into()),
        ("sampleTypes", types),
        ("defaultIndex", num(i.default_index)),
        ("samples", num(i.samples)),
        ("locations", num(i.locations)),
        ("functions", num(i.functions)),
        ("timeNanos", num(i.time_nanos as f64)),
        ("durationNanos", num(i.duration_nanos as f64)),
        ("comments", strings(&i.comments)),
        ("producer", i.producer.into()),
    ])
}

fn layout_out(l: Layout) -> JsValue {
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
        ("maxDepth", num(l.max_depth)),
    ])
}

/// Every profile the page has open (see [`session::Session`]).
#[wasm_bindgen]
pub struct Session {
    inner: session::Session,
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

/// A profile's bytes fed as they arrive (the file streamed through the
/// browser's inflater), decoded on the way; `Session.loadStreamed` opens it.
#[wasm_bindgen]
pub struct Loader {
    inner: Option<crate::import::StreamDecoder>,
}

#[wasm_bindgen]
impl Loader {
    /// A loader of uncompressed profile bytes, about `size` of them (0 when
    /// unknown: a hint that sizes the columns once instead of by doubling).
    #[wasm_bindgen(constructor)]
    pub fn new(size: f64) -> Loader {
        let d = session::Session::loader(size.max(0.0) as u64);
        Loader { inner: Some(d) }
    }

    /// Feeds the next bytes; an error means the whole file must be decoded instead.
    pub fn feed(&mut self, chunk: &[u8]) -> R<()> {
        match &mut self.inner {
            Some(d) => d.feed(chunk).map_err(err),
            None => Err(err(Error::new(ErrorKind::BadQuery, "the loader was used"))),
        }
    }
}

impl Default for Loader {
    fn default() -> Self {
        Loader::new(0.0)
    }
}

#[wasm_bindgen]
impl Session {
    /// An empty session.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Session {
        install_panic_hook();
        Session { inner: session::Session::new() }
    }

    /// Decodes `bytes`; `progress(done, total)` is called while inflating.
    pub fn load(&mut self, name: &str, bytes: &[u8], progress: Option<js_sys::Function>) -> R<JsValue> {
        let mut cb = |done: u64, total: u64| {
            if let Some(f) = &progress {
                let _ = f.call2(&JsValue::NULL, &num(done as f64), &num(total as f64));
            }
        };
        self.inner.load(name, bytes, &mut cb).map(info_out).map_err(err)
    }

    /// Opens what `loader` was fed (it is used up).
    #[wasm_bindgen(js_name = loadStreamed)]
    pub fn load_streamed(&mut self, name: &str, loader: &mut Loader) -> R<JsValue> {
        let d = loader.inner.take().ok_or_else(|| err(Error::new(ErrorKind::BadQuery, "the loader was used")))?;
        self.inner.load_streamed(name, d).map(info_out).map_err(err)
    }

    /// Refuses, before it is read, a file whose profile cannot fit the page.
    #[wasm_bindgen(js_name = checkSize)]
    pub fn check_size(&self, size: f64, file_size: f64, gzip: bool) -> R<()> {
        self.inner.check_size(size.max(0.0) as u64, file_size.max(0.0) as u64, gzip).map_err(err)
    }

    /// Compares the profiles `new` with the profiles `base` as a new profile.
    pub fn compare(&mut self, base: &[u32], new: &[u32], name: &str) -> R<JsValue> {
        self.inner.compare(base, new, name).map(info_out).map_err(err)
    }

    /// Forgets a profile.
    pub fn close(&mut self, id: u32) {
        self.inner.close(id)
    }

    /// Facts about an open profile.
    pub fn info(&self, id: u32) -> R<JsValue> {
        self.inner.info(id).map(info_out).map_err(err)
    }

    /// Applies a view request; returns the header facts.
    pub fn view(&mut self, id: u32, request: JsValue) -> R<JsValue> {
        let req = view_request(&request);
        let v = self.inner.view(id, &req).map_err(err)?;
        Ok(object(vec![
            ("total", num(v.total as f64)),
            ("sampleType", v.sample_type.into()),
            ("nodes", num(v.nodes)),
            ("stacks", num(v.stacks)),
            ("compare", v.compare.into()),
            ("notes", strings(&v.notes)),
            ("filters", strings(&v.filters)),
        ]))
    }

    /// The current view's header (its value pass: ask once the flame
    /// graph is drawn).
    #[wasm_bindgen(js_name = viewHeader)]
    pub fn view_header(&self, id: u32) -> R<JsValue> {
        let h = self.inner.view_header(id).map_err(err)?;
        Ok(object(vec![
            ("header", strings(&h.header)),
            ("totalText", h.total_text.into()),
            ("unit", h.unit.into()),
            ("baseTotalText", h.base_total_text.into()),
            ("newTotalText", h.new_total_text.into()),
            ("showing", h.showing.into()),
        ]))
    }

    /// The top table sorted by "flat", "cum" or "name": typed `node`,
    /// `flat`, `cum`, and newline-joined text columns.
    pub fn top(&self, id: u32, sort: &str, desc: bool) -> R<JsValue> {
        let t = self.inner.top(id, TopSort::parse(sort).map_err(err)?, desc).map_err(err)?;
        let mut pairs = vec![
            ("node", Uint32Array::from(&t.node[..]).into()),
            ("flat", Float64Array::from(&t.flat[..]).into()),
            ("cum", Float64Array::from(&t.cum[..]).into()),
            ("name", rows(&t.name)),
            ("inline", rows(&t.inline)),
            ("flatText", rows(&t.flat_text)),
            ("flatPct", rows(&t.flat_pct)),
            ("sumPct", rows(&t.sum_pct)),
            ("cumText", rows(&t.cum_text)),
            ("cumPct", rows(&t.cum_pct)),
            ("labelsPending", t.labels_pending.into()),
            ("dropped", t.dropped.into()),
        ];
        if !t.mark.is_empty() {
            pairs.push(("baseFlat", rows(&t.base_flat)));
            pairs.push(("newFlat", rows(&t.new_flat)));
            pairs.push(("baseCum", rows(&t.base_cum)));
            pairs.push(("newCum", rows(&t.new_cum)));
            pairs.push(("mark", rows(&t.mark)));
        }
        Ok(object(pairs))
    }

    /// A comparison's noise verdicts per node: newline-joined `cum`,
    /// `flat`, `interval`; the `model` in words; `tested`.
    pub fn noise(&self, id: u32) -> R<JsValue> {
        let n = self.inner.noise(id).map_err(err)?;
        let (cum, flat, interval) = (rows(&n.cum), rows(&n.flat), rows(&n.interval));
        Ok(object(vec![
            ("cum", cum),
            ("flat", flat),
            ("interval", interval),
            ("model", n.model.into()),
            ("tested", n.tested.into()),
        ]))
    }

    /// The table in another order: `{ rows: Uint32Array (positions into
    /// the rows of `top(id, "flat", true)`), sumPct }`.
    #[wasm_bindgen(js_name = topOrder)]
    pub fn top_order(&self, id: u32, sort: &str, desc: bool) -> R<JsValue> {
        let o = self.inner.top_order(id, TopSort::parse(sort).map_err(err)?, desc).map_err(err)?;
        Ok(object(vec![("rows", Uint32Array::from(&o.rows[..]).into()), ("sumPct", o.sum_pct.as_str().into())]))
    }

    /// The table's inline labels by node id, newline-joined (computed on
    /// the first call: `top` leaves them out until then).
    #[wasm_bindgen(js_name = inlineLabels)]
    pub fn inline_labels(&self, id: u32) -> R<String> {
        self.inner.inline_labels(id).map(|l| l.join("\n")).map_err(err)
    }

    /// Names of the current view's graph nodes, newline-joined.
    #[wasm_bindgen(js_name = nodeNames)]
    pub fn node_names(&self, id: u32) -> R<String> {
        self.inner.node_names(id).map(|n| n.join("\n")).map_err(err)
    }

    /// Boxes of flame graph `side` for the zoom box, as typed columns.
    pub fn flame(&self, id: u32, side_n: u32, lo: u32, hi: u32, depth: u32, min_width: f64) -> R<JsValue> {
        let l = self.inner.flame(id, side(side_n)?, BoxKey { lo, hi, depth }, min_width).map_err(err)?;
        Ok(layout_out(l))
    }

    /// Sorts about `budget` more stacks of the view's flame graphs (the
    /// page calls it while idle); true once all are sorted.
    #[wasm_bindgen(js_name = settleFlames)]
    pub fn settle_flames(&self, id: u32, budget: u32) -> R<bool> {
        self.inner.settle_flames(id, budget as usize).map_err(err)
    }

    /// The tooltip's facts about a flame box.
    #[wasm_bindgen(js_name = boxInfo)]
    pub fn box_info(&self, id: u32, side_n: u32, lo: u32, hi: u32, depth: u32) -> R<JsValue> {
        let f = self.inner.box_info(id, side(side_n)?, BoxKey { lo, hi, depth }).map_err(err)?;
        let (alo, ahi): (Vec<u32>, Vec<u32>) = f.ancestors.iter().map(|a| (a.lo, a.hi)).unzip();
        let mut pairs = vec![
            ("name", f.name.into()),
            ("location", f.location.into()),
            ("self", f.self_text.into()),
            ("selfPct", f.self_pct.into()),
            ("total", f.total.into()),
            ("totalPct", f.total_pct.into()),
            ("totalValue", num(f.total_value as f64)),
            ("inlined", f.inlined.into()),
            ("node", num(f.node.map_or(-1.0, f64::from))),
            ("path", lines(&f.path)),
            ("pathLo", Uint32Array::from(&alo[..]).into()),
            ("pathHi", Uint32Array::from(&ahi[..]).into()),
        ];
        if let Some(d) = f.diff {
            pairs.extend([
                ("base", d.base.into()),
                ("new", d.new.into()),
                ("delta", d.delta.into()),
                ("deltaPct", d.delta_pct.into()),
                ("selfBase", d.self_base.into()),
                ("selfNew", d.self_new.into()),
            ]);
        }
        Ok(object(pairs))
    }

    /// The box of flame graph `to` with the frames of box `key` of `from`.
    pub fn locate(&self, id: u32, from: u32, key: &[u32], to: u32, exact: bool) -> R<JsValue> {
        let &[lo, hi, depth] = key else { return Err("a box key is [lo, hi, depth]".into()) };
        let k = self.inner.locate(id, side(from)?, BoxKey { lo, hi, depth }, side(to)?, exact).map_err(err)?;
        Ok(key_out(k))
    }

    /// The box whose frames have the names `path` (newline-joined), or null.
    #[wasm_bindgen(js_name = findPath)]
    pub fn find_path(&self, id: u32, side_n: u32, path: &str) -> R<JsValue> {
        let names: Vec<&str> = path.lines().collect();
        Ok(key_out(self.inner.find_path(id, side(side_n)?, &names).map_err(err)?))
    }

    /// Nodes matching a regex: `mask`, `value`, `pct`, `count`.
    pub fn search(&self, id: u32, pattern: &str) -> R<JsValue> {
        let s = self.inner.search(id, pattern).map_err(err)?;
        let mask: Vec<u8> = s.mask.iter().map(|&b| b as u8).collect();
        Ok(object(vec![
            ("mask", Uint8Array::from(&mask[..]).into()),
            ("value", s.value.into()),
            ("pct", s.pct.into()),
            ("count", num(s.count)),
        ]))
    }

    /// Leak suspects across the snapshots `ids`.
    /// `sources`: an object of source texts by the path the profiles record.
    pub fn series(
        &self,
        ids: &[u32],
        sample_index: Option<u32>,
        limit: u32,
        keep_order: bool,
        sources: JsValue,
    ) -> R<JsValue> {
        let mut texts = std::collections::BTreeMap::new();
        if let Some(o) = sources.dyn_ref::<Object>() {
            for e in Object::entries(o).iter() {
                let e: Array = e.unchecked_into();
                if let (Some(k), Some(v)) = (e.get(0).as_string(), e.get(1).as_string()) {
                    texts.insert(k, v);
                }
            }
        }
        let f = self.inner.series(ids, sample_index, limit as usize, keep_order, &texts).map_err(err)?;
        Ok(object(vec![
            ("files", lines(&f.files)),
            ("times", Float64Array::from(&f.times[..]).into()),
            ("totals", Float64Array::from(&f.totals[..]).into()),
            ("totalsText", lines(&f.totals_text)),
            ("notes", lines(&f.notes)),
            ("sampleType", f.sample_type.into()),
            ("name", lines(&f.name)),
            ("growth", lines(&f.growth)),
            ("slope", lines(&f.slope)),
            ("consistency", lines(&f.consistency)),
            ("kept", lines(&f.kept)),
            ("valuesText", lines(&f.values_text)),
            ("values", Float64Array::from(&f.values[..]).into()),
            ("order", Uint32Array::from(&f.order[..]).into()),
            ("stackLeaking", lines(&f.stack_leaking)),
            ("stackBlocked", lines(&f.stack_blocked)),
            ("stackFunction", lines(&f.stack_function)),
            ("stackCounts", lines(&f.stack_counts)),
            ("offsets", lines(&f.offsets)),
            ("span", f.span.as_str().into()),
            ("stacks", num(f.stack_counts.len() as u32)),
            ("sourceFiles", strings(&f.source_files)),
            ("groupTabs", array(&f.finding_groups, |g| g.map_or(JsValue::NULL, |(id, _)| num(id)))),
            ("groupSamples", array(&f.finding_groups, |g| g.map_or(JsValue::NULL, |(_, s)| num(s)))),
            (
                "findings",
                array(&f.findings, |x| {
                    object(vec![
                        ("name", x.name.as_str().into()),
                        ("pattern", x.pattern.id().into()),
                        ("title", x.pattern.title().into()),
                        ("sentence", x.sentence.as_str().into()),
                        ("evidence", strings(&x.evidence)),
                        ("certain", x.certain.into()),
                    ])
                }),
            ),
        ]))
    }

    /// `go tool pprof -peek` text for a regex.
    pub fn peek(&self, id: u32, pattern: &str) -> R<String> {
        self.inner.peek(id, pattern).map_err(err)
    }

    /// Goroutine groups as newline-joined columns.
    pub fn goroutines(&self, id: u32) -> R<JsValue> {
        let g = self.inner.goroutines(id).map_err(err)?;
        let col = |f: fn(&session::GoroutineRow) -> &String| g.iter().map(f).cloned().collect::<Vec<_>>().join("\n");
        Ok(object(vec![
            ("count", col(|x| &x.count).into()),
            ("state", col(|x| &x.state).into()),
            ("blockedOn", col(|x| &x.blocked_on).into()),
            ("wait", col(|x| &x.wait).into()),
            ("function", col(|x| &x.function).into()),
            ("createdBy", col(|x| &x.created_by).into()),
            ("labels", col(|x| &x.labels).into()),
            ("sample", g.iter().map(|x| x.sample.to_string()).collect::<Vec<_>>().join("\n").into()),
            ("leaked", g.iter().map(|x| if x.leaked { "leaked" } else { "" }).collect::<Vec<_>>().join("\n").into()),
            ("groups", num(g.len() as u32)),
        ]))
    }

    /// The call graph of the view: `{ dot, of, nodes: [{ node, name, flat,
    /// cum, flatPct, cumPct, baseCum, newCum, mark }], edges: [{ src, dst
    /// (positions in nodes, -1 for none), caller, callee, weight, pct,
    /// inline, residual }] }`. `nodecount` 0 is pprof's 80, 2^32-1 all.
    pub fn graph(&self, id: u32, nodecount: u32) -> R<JsValue> {
        let g = self.inner.graph(id, nodecount).map_err(err)?;
        let nodes = array(g.nodes, |n| {
            object(vec![
                ("node", num(n.node)),
                ("name", n.name.into()),
                ("flat", n.flat.into()),
                ("cum", n.cum.into()),
                ("flatPct", n.flat_pct.into()),
                ("cumPct", n.cum_pct.into()),
                ("baseCum", n.base_cum.into()),
                ("newCum", n.new_cum.into()),
                ("mark", n.mark.into()),
            ])
        });
        let pos = |p: Option<u32>| num(p.map_or(-1.0, f64::from));
        let edges = array(g.edges, |e| {
            object(vec![
                ("src", pos(e.src)),
                ("dst", pos(e.dst)),
                ("caller", e.caller.into()),
                ("callee", e.callee.into()),
                ("weight", e.weight.into()),
                ("pct", e.pct.into()),
                ("inline", e.inline.into()),
                ("residual", e.residual.into()),
            ])
        });
        Ok(object(vec![("dot", g.dot.into()), ("of", num(g.of)), ("nodes", nodes), ("edges", edges)]))
    }

    /// Callers and callees of graph node `node`.
    pub fn neighbours(&self, id: u32, node: u32) -> R<JsValue> {
        let n = self.inner.neighbours(id, node).map_err(err)?;
        let mut pairs =
            vec![("name", n.name.into()), ("flat", n.flat.into()), ("cum", n.cum.into()), ("cumPct", n.cum_pct.into())];
        for (list, [kn, kv, kp]) in [
            (&n.callers, ["callersNode", "callersValue", "callersPct"]),
            (&n.callees, ["calleesNode", "calleesValue", "calleesPct"]),
        ] {
            let nodes: Vec<u32> = list.iter().map(|x| x.node).collect();
            pairs.push((kn, Uint32Array::from(&nodes[..]).into()));
            pairs.push((kv, list.iter().map(|x| x.value.as_str()).collect::<Vec<_>>().join("\n").into()));
            pairs.push((kp, list.iter().map(|x| x.pct.as_str()).collect::<Vec<_>>().join("\n").into()));
        }
        Ok(object(pairs))
    }

    /// Makes the pivot flame graphs of `node` (sides Callers and Callees).
    pub fn pivot(&mut self, id: u32, node: u32) -> R<JsValue> {
        let p = self.inner.pivot(id, node).map_err(err)?;
        Ok(object(vec![("total", p.total.into()), ("name", p.name.into())]))
    }

    /// The source listing of a function (or, `pattern` given, of every
    /// function it matches, as `-list`): routines with their lines' values.
    pub fn source(&self, id: u32, node: u32, pattern: &str) -> R<JsValue> {
        let s = &self.inner;
        let routines = if pattern.is_empty() { s.source(id, node) } else { s.source_matching(id, pattern) };
        let routines = routines.map_err(err)?;
        Ok(array(routines, |r| {
            let lines = array(r.lines, |l| {
                object(vec![
                    ("line", num(l.line as f64)),
                    ("flat", l.flat.into()),
                    ("cum", l.cum.into()),
                    ("weight", num(l.weight)),
                    ("base", l.base.into()),
                    ("new", l.new.into()),
                    ("change", num(l.change)),
                    ("inlined", strings(&l.inlined)),
                    ("noise", l.noise.into()),
                ])
            });
            object(vec![
                ("name", r.name.into()),
                ("file", r.file.into()),
                ("flat", r.flat.into()),
                ("cum", r.cum.into()),
                ("pct", r.pct.into()),
                ("start", num(r.start as f64)),
                ("end", num(r.end as f64)),
                ("lines", lines),
            ])
        }))
    }

    /// Function `name`'s lines across the snapshots `ids`.
    #[wasm_bindgen(js_name = sourceSeries)]
    pub fn source_series(&self, ids: &[u32], name: &str, sample_index: Option<u32>) -> R<JsValue> {
        let routines = self.inner.source_series(ids, name, sample_index).map_err(err)?;
        Ok(array(routines, |r| {
            let lines = array(r.lines, |l| {
                object(vec![
                    ("line", num(l.line as f64)),
                    ("values", strings(&l.values)),
                    ("growth", l.growth.into()),
                    ("weight", num(l.growth_value.abs())),
                ])
            });
            object(vec![
                ("name", r.name.into()),
                ("file", r.file.into()),
                ("start", num(r.start as f64)),
                ("end", num(r.end as f64)),
                ("growing", num(r.growing as f64)),
                ("lines", lines),
            ])
        }))
    }

    /// The current view as a raw profile.proto ("pb") or folded stacks.
    #[wasm_bindgen(js_name = exportProfile)]
    pub fn export_profile(&self, id: u32, format: &str) -> R<Vec<u8>> {
        self.inner.export_profile(id, format).map_err(err)
    }

    /// Label keys of the view with their values.
    pub fn labels(&self, id: u32) -> R<JsValue> {
        let keys = self.inner.labels(id).map_err(err)?;
        Ok(array(keys, |k| {
            let values = array(k.values, |v| {
                object(vec![
                    ("text", v.text.into()),
                    ("value", v.value.into()),
                    ("pct", v.pct.into()),
                    ("share", num(v.share)),
                    ("tagfocus", v.tagfocus.into()),
                ])
            });
            object(vec![("key", k.key.into()), ("numeric", k.numeric.into()), ("values", values)])
        }))
    }
}
