// Boot: wires loading (drop, picker, paste), the open-profile tabs, the
// sample type selector, the header, and the two views. Holds no profile
// data: the core (behind client.js) does.
import { Client } from './client.js';
import { FlameView, ROOT } from './views/flame.js';
import { diffColor, flameSvg } from './render/flame.js';
import { TopView } from './views/top.js';
import { SeriesView } from './views/series.js';
import { GoroutinesView } from './views/goroutines.js';
import { ExploreView, emptyQuery } from './views/explore.js';

const $ = (id) => document.getElementById(id);
const app = { profiles: new Map(), active: null, nextKey: 1 };
const client = new Client({ onRestart: () => { if (app.active !== null) showView(app.active); } });

const flame = new FlameView({
  box: $('flameBox'), canvas: $('flame'), overlay: $('flameOverlay'), tooltip: $('tooltip'), search: $('search'),
  searchInfo: $('searchInfo'), zoomOut: $('zoomOut'), orientation: $('orientation'), crumbs: $('crumbs'),
}, client, {
  onSelect: (node) => { top.select(node); explore.peek(node); saveHash(); },
  onMessage: message,
  onZoom: async (box) => {
    try { app.zoomPath = box.depth === ROOT.depth ? '' : (await flame.info(box)).path; } catch { app.zoomPath = ''; }
    saveHash();
  },
});
const top = new TopView({
  table: $('top'), tbody: document.querySelector('#top tbody'), box: $('tableBox'), filter: $('filter'), rowInfo: $('rowInfo'),
}, client, { onSelect: (node) => { flame.select(node); explore.peek(node); saveHash(); }, onMessage: message });
const explore = new ExploreView({
  granularity: $('granularity'), noinlines: $('noinlines'), toggle: $('refineToggle'), form: $('refineForm'),
  clear: $('refineClear'), chips: $('chips'), menu: $('ctxMenu'), peekTitle: $('peekTitle'), peekHint: $('peekHint'),
  callers: document.querySelector('#callers tbody'), callees: document.querySelector('#callees tbody'), labels: $('labels'),
}, client, {
  apply: async (q) => {
    const p = app.profiles.get(app.active);
    if (!p) return;
    const prev = p.q;
    p.q = q;
    try { await renderView(p.key); } catch (e) { p.q = prev; throw e; }
  },
  onSelect: (node) => { flame.select(node); top.select(node); },
  onMessage: message,
  onPeek: (node) => showPivot(node),
});

// The pivot flame graph of the function in the callers/callees panel:
// its callers drawn upward from it, its callees downward.
const pivots = {};
for (const [side, tag] of [[3, 'Up'], [4, 'Down']]) {
  pivots[side] = new FlameView({
    box: $(`flameBox${tag}`), canvas: $(`flame${tag}`), overlay: $(`flameOverlay${tag}`), tooltip: $(`tooltip${tag}`),
  }, client, { side, onMessage: message, onSelect: (node) => top.select(node) });
}
pivots[3].flip = true;
let pivotSeq = 0;
async function showPivot(node) {
  const seq = ++pivotSeq;
  if (node < 0 || app.active === null) { $('pivotBox').hidden = true; return; }
  try {
    const r = await client.call('pivot', { key: app.active, node });
    if (seq !== pivotSeq) return;
    $('pivotName').textContent = r.name;
    $('pivotBox').hidden = false;
    await Promise.all([pivots[3].setView(app.active, flame.names), pivots[4].setView(app.active, flame.names)]);
  } catch (e) {
    $('pivotBox').hidden = true;
  }
}
// Right-click on a frame or a row: refine by that function.
$('flameOverlay').addEventListener('contextmenu', (e) => {
  const node = flame.nodeAt(e.clientX, e.clientY);
  if (node < 0) return;
  e.preventDefault();
  explore.menu(node, e.clientX, e.clientY);
});
$('top').addEventListener('contextmenu', (e) => {
  const tr = e.target.closest('tr[data-row]');
  if (!tr || !top.rows) return;
  e.preventDefault();
  explore.menu(top.rows.node[Number(tr.dataset.row)], e.clientX, e.clientY);
});

// Side by side (comparisons): the base and the new profile, each its own
// flame graph, following each other's zoom and hover.
const sides = {};
for (const [side, tag] of [[1, 'Base'], [2, 'New']]) {
  sides[side] = new FlameView({
    box: $(`flameBox${tag}`), canvas: $(`flame${tag}`), overlay: $(`flameOverlay${tag}`), tooltip: $(`tooltip${tag}`),
    // The new side keeps the breadcrumbs (the base side follows its zoom).
    crumbs: side === 2 ? $('crumbs') : null,
  }, client, {
    side, onMessage: message,
    onSelect: (node) => top.select(node),
    onZoom: (box) => follow(side, box, false),
    onHover: (box) => follow(side, box, true),
  });
}
async function follow(side, box, hover) {
  const other = sides[3 - side];
  if (app.active === null || other.key !== app.active) return;
  try {
    if (!box) { if (hover) other.showPeer(null); else await other.zoomTo(ROOT, { quiet: true }); return; }
    if (!hover && box.depth === ROOT.depth) { await other.zoomTo(ROOT, { quiet: true }); return; }
    const k = await client.call('locate', { key: app.active, from: side, box, to: 3 - side, exact: hover });
    if (hover) other.showPeer(k);
    else { await other.zoomTo(k || ROOT, { quiet: true }); await shareScale(); }
  } catch (e) {
    message(e.message);
  }
}

// Side by side, both graphs use one scale: the larger side (at the current
// zoom) fills the width and the other is as much narrower as it is smaller.
async function shareScale() {
  const [a, b] = [sides[1], sides[2]];
  const t = await Promise.all([a, b].map(async (f) => Math.abs((await f.info(f.zoom)).totalValue || 0)));
  const m = Math.max(t[0], t[1]);
  [a.extent, b.extent] = m > 0 ? [t[0] / m, t[1] / m] : [1, 1];
  a.paint(); b.paint();
}

const series = new SeriesView({
  notes: $('seriesNotes'), snapshots: document.querySelector('#snapshots tbody'), chart: $('seriesChart'),
  suspects: document.querySelector('#suspects tbody'), peek: $('suspectPeek'),
  stacksBox: $('stacksBox'), stacks: document.querySelector('#stacks tbody'),
}, client, {
  onMessage: message,
  onGrowth: (first, last, name) => {
    const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return createComparison([first], [last], { focus: `^${esc}$`, name: `growth of ${name}` });
  },
});
const goroutines = new GoroutinesView({ box: $('goroutinesBox'), tbody: document.querySelector('#goroutines tbody') }, client);

function message(text, kind = 'error') {
  const div = document.createElement('div');
  div.className = `msg ${kind}`;
  const span = document.createElement('span');
  span.textContent = text;
  const close = document.createElement('button');
  close.type = 'button'; close.textContent = '×'; close.title = 'Dismiss';
  close.addEventListener('click', () => div.remove());
  div.append(span, close);
  $('messages').append(div);
}

function progress(name, done, total) {
  const p = $('progress');
  p.hidden = false;
  p.querySelector('.bar-fill').style.width = `${total ? (100 * done) / total : 0}%`;
  p.querySelector('.label').textContent = `Reading ${name}… ${Math.round(total ? (100 * done) / total : 0)}%`;
}

// Loads files, one tab each; returns the keys of those that loaded.
async function loadFiles(files) {
  const loaded = [];
  for (const file of files) {
    const key = app.nextKey++;
    const t0 = performance.now();
    try {
      progress(file.name, 0, file.size);
      const info = await client.load(key, file.name, file, (d, t) => progress(file.name, d, t));
      app.profiles.set(key, { key, name: file.name, info, sampleIndex: info.defaultIndex, q: emptyQuery() });
      pendingQuery(app.profiles.get(key));
      loaded.push(key);
      renderTabs();
      await activate(key);
      app.lastLoadMs = performance.now() - t0; // drop → table and flame graph painted
      app.lastFlameMs = app.flamePaintedAt - t0; // drop → flame graph painted
    } catch (e) {
      message(`${file.name}: ${e.message}`);
    } finally {
      $('progress').hidden = true;
    }
  }
  return loaded;
}

const shortName = (n) => n.replace(/\.(pb\.gz|pprof|pb|gz|prof|txt)$/i, '');
const sideName = (keys) => (keys.length === 1 ? shortName(app.profiles.get(keys[0]).name) : `${keys.length} files`);

// Opens a comparison of `newKeys` against `baseKeys` as a new tab.
async function createComparison(baseKeys, newKeys, { focus = '', name } = {}) {
  const key = app.nextKey++;
  const title = name || `${sideName(baseKeys)} → ${sideName(newKeys)}`;
  try {
    const info = await client.compare(key, baseKeys, newKeys, title);
    app.profiles.set(key, {
      key, name: title, info, sampleIndex: info.defaultIndex, q: { ...emptyQuery(), focus },
      compare: { baseKeys, newKeys, mode: 'diff_base', normalize: false },
    });
    renderTabs();
    await activate(key);
    return key;
  } catch (e) {
    message(`Compare: ${e.message}`);
    return null;
  }
}

// Files dropped on the compare target: older half the base, newer half the new side.
async function compareFiles(files) {
  const keys = await loadFiles(files);
  if (keys.length < 2) {
    if (files.length >= 2 || keys.length) message('Compare: drop two or more profiles (the older half becomes the base)');
    return;
  }
  const t = (k) => app.profiles.get(k).info.timeNanos || 0;
  const ordered = keys.every((k) => t(k) > 0) ? [...keys].sort((a, b) => t(a) - t(b)) : keys;
  const half = Math.floor(ordered.length / 2);
  await createComparison(ordered.slice(0, half), ordered.slice(half));
}

const plainKeys = () => [...app.profiles.values()].filter((p) => !p.compare).map((p) => p.key);

function openComparePanel() {
  const keys = plainKeys();
  const t = (k) => app.profiles.get(k).info.timeNanos || 0;
  const byTime = keys.every((k) => t(k) > 0) ? [...keys].sort((a, b) => t(a) - t(b)) : keys;
  const active = app.profiles.get(app.active);
  const newKey = active && !active.compare && active.key !== byTime[0] ? active.key : byTime[byTime.length - 1];
  const baseKey = byTime[0] === newKey ? byTime[1] : byTime[0];
  const time = (ns) => (ns ? new Date(ns / 1e6).toISOString().replace('T', ' ').slice(0, 19) : '');
  $('compareChoices').querySelector('tbody').replaceChildren(...keys.map((k) => {
    const p = app.profiles.get(k);
    const tr = document.createElement('tr');
    const cell = (x) => { const td = document.createElement('td'); td.append(x); tr.append(td); };
    cell(p.name); cell(time(p.info.timeNanos));
    for (const side of ['base', 'new', 'none']) {
      const r = document.createElement('input');
      r.type = 'radio'; r.name = `side-${k}`; r.value = side; r.dataset.key = String(k);
      r.checked = side === (k === baseKey ? 'base' : k === newKey ? 'new' : 'none');
      r.setAttribute('aria-label', `${p.name}: ${side}`);
      cell(r);
    }
    return tr;
  }));
  $('compareInfo').textContent = '';
  $('comparePanel').hidden = false;
  $('view').hidden = true; $('seriesView').hidden = true; $('empty').hidden = true;
}

function closeComparePanel() {
  $('comparePanel').hidden = true;
  if (app.active !== null) $('view').hidden = false; else $('empty').hidden = false;
}

$('compareBtn').addEventListener('click', openComparePanel);
$('compareCancel').addEventListener('click', closeComparePanel);
$('compareGo').addEventListener('click', async () => {
  const picked = (side) => [...$('compareChoices').querySelectorAll(`input[value=${side}]:checked`)].map((r) => Number(r.dataset.key));
  const [b, n] = [picked('base'), picked('new')];
  if (!b.length || !n.length) { $('compareInfo').textContent = 'Pick at least one base and one new profile.'; return; }
  $('comparePanel').hidden = true;
  if (await createComparison(b, n) === null) closeComparePanel();
});

function renderTabs() {
  const tabs = [...app.profiles.values()].map((p) => {
    const tab = document.createElement('span');
    tab.className = `tab${p.key === app.active ? ' active' : ''}`;
    const b = document.createElement('button');
    b.type = 'button'; b.textContent = p.name; b.title = `${p.name}: ${p.info.samples} samples`;
    b.addEventListener('click', () => activate(p.key));
    const x = document.createElement('button');
    x.type = 'button'; x.className = 'close'; x.textContent = '×'; x.title = `Close ${p.name}`;
    x.addEventListener('click', () => closeProfile(p.key));
    tab.append(b, x);
    return tab;
  });
  $('tabs').replaceChildren(...tabs);
  $('seriesBtn').disabled = plainKeys().length < 2;
  $('compareBtn').disabled = plainKeys().length < 2;
}

async function closeProfile(key) {
  app.profiles.delete(key);
  await client.close(key).catch(() => {});
  if (app.active === key) {
    app.active = null;
    const next = [...app.profiles.keys()].pop();
    if (next !== undefined) await activate(next); else { $('view').hidden = true; $('empty').hidden = false; $('sampleType').disabled = true; }
  }
  renderTabs();
}

async function activate(key) {
  app.active = key;
  renderTabs();
  const p = app.profiles.get(key);
  const sel = $('sampleType');
  sel.replaceChildren(...p.info.sampleTypes.map((t, i) => {
    const o = document.createElement('option');
    o.value = String(i); o.textContent = `${t.type} (${t.unit})`;
    return o;
  }));
  sel.value = String(p.sampleIndex);
  sel.disabled = false;
  await showView(key);
}

async function showView(key, retried = false) {
  const p = app.profiles.get(key);
  try {
    await renderView(key);
  } catch (e) {
    message(`${p.name}: ${e.message}`);
    // Refinements that cannot apply (from a link, say) must not hide the profile.
    const refined = Object.entries(p.q).some(([k, v]) => v && !(k === 'granularity' && v === 'functions'));
    if (!retried && refined) {
      p.q = emptyQuery();
      await showView(key, true);
    }
  }
}

// Views profile `key` with its sample type, refinements and comparison
// options, and draws everything. Throws the core's sentence when the view
// is refused (the view shown stays as it was).
async function renderView(key) {
  const p = app.profiles.get(key);
  const c = p.compare;
  const q = p.q;
  const request = {
    sampleIndex: p.sampleIndex, granularity: q.granularity, noinlines: q.noinlines, focus: q.focus, ignore: q.ignore,
    hide: q.hide, show: q.show, showFrom: q.show_from, tagfocus: q.tagfocus, tagignore: q.tagignore,
  };
  if (c) Object.assign(request, { mode: c.mode, normalize: c.normalize });
  let v;
  try {
    v = await client.call('view', { key, request });
  } catch (e) {
    if (!c?.normalize) throw e;
    // Normalising failed (a base with no samples): say so, compare as is.
    message(`${p.name}: ${e.message}`);
    c.normalize = false;
    v = await client.call('view', { key, request: { ...request, normalize: false } });
  }
  let head = `${p.name}\n${v.header.join('\n')}\nTotal: ${v.totalText}`;
  if (c) {
    head = `${p.name}\nBase: ${v.baseTotalText}   New: ${v.newTotalText}${c.normalize ? ' (normalized to the base)' : ''}\n${v.header.join('\n')}`;
    for (const n of v.notes) head += `\nNote: ${n}`;
  }
  $('header').textContent = head;
  const names = (await client.call('names', { key })).split('\n');
  $('empty').hidden = true;
  $('seriesView').hidden = true;
  $('comparePanel').hidden = true;
  $('view').hidden = false;
  showCompareTools(p);
  explore.show(key, q, names);
  await goroutines.show(key, p.info);
  const empty = $('flameEmpty');
  empty.hidden = v.stacks > 0;
  const active = [...Object.entries(q)].filter(([k, x]) => x && k !== 'granularity' && k !== 'noinlines').map(([k, x]) => `${k}=${x}`);
  empty.textContent = active.length
    ? `No samples left: ${active.join(', ')} match${active.length === 1 ? 'es' : ''} nothing here. Remove a filter above.`
    : 'This profile has no samples of this type.';
  // The flame graph first (it is what people look at), then the table.
  if (c && app.sideBySide) {
    $('flameBox').hidden = true; $('sideBox').hidden = false;
    await Promise.all([sides[1].setView(key, names), sides[2].setView(key, names)]);
    await shareScale();
    flame.key = key; flame.names = names;
    if ($('search').value) await Promise.all([sides[1].search($('search').value), sides[2].search($('search').value)]);
  } else {
    $('flameBox').hidden = false; $('sideBox').hidden = true;
    await flame.setView(key, names);
  }
  app.flamePaintedAt = performance.now();
  await top.setView(key, { compare: !!c });
  await explore.loadLabels();
  app.zoomPath = '';
  if (app.pending?.get('file') === p.name) await restoreView(p, names);
  saveHash();
  document.body.dataset.ready = String(key);
}

// View state in the URL hash: the file's name, sample type, refinements,
// zoom (frame names), selection and search; never profile data. A shared
// link restores the view when the same file is opened again.
function saveHash() {
  if (app.pending) return; // keep the link being restored until its file comes
  const p = app.profiles.get(app.active);
  const h = new URLSearchParams();
  if (p && !p.compare) {
    h.set('file', p.name);
    h.set('type', p.info.sampleTypes[p.sampleIndex]?.type ?? '');
    for (const [k, v] of Object.entries(p.q)) {
      if (v && !(k === 'granularity' && v === 'functions')) h.set(k, v === true ? '1' : v);
    }
    if (app.zoomPath) h.set('zoom', app.zoomPath);
    if (flame.selected >= 0 && flame.names[flame.selected] !== undefined) h.set('sel', flame.names[flame.selected]);
    if ($('search').value) h.set('search', $('search').value);
  }
  const hash = h.toString();
  history.replaceState(null, '', hash ? `#${hash}` : location.pathname + location.search);
}

// The rest of a shared view, once its file is shown: zoom, selection, search.
async function restoreView(p, names) {
  const h = app.pending;
  app.pending = null;
  $('waiting').hidden = true;
  const zoom = h.get('zoom');
  if (zoom) {
    const k = await client.call('findPath', { key: p.key, side: 0, path: zoom });
    if (k) { await flame.zoomTo(k, { quiet: true }); app.zoomPath = zoom; } else message(`The shared view's zoom (${zoom.split('\n').pop()}) is not in this profile`, 'error');
  }
  const sel = h.get('sel');
  if (sel) {
    const node = names.indexOf(sel);
    if (node >= 0) { flame.select(node); top.select(node); await explore.peek(node); }
  }
  const search = h.get('search');
  if (search) { $('search').value = search; await flame.search(search); }
}

// Opening a file named in the link: its sample type and refinements first.
function pendingQuery(p) {
  const h = app.pending;
  if (!h || h.get('file') !== p.name) return;
  const t = p.info.sampleTypes.findIndex((x) => x.type === h.get('type'));
  if (t >= 0) p.sampleIndex = t;
  const q = emptyQuery();
  for (const k of Object.keys(q)) {
    const v = h.get(k);
    if (v !== null) q[k] = typeof q[k] === 'boolean' ? v === '1' : v;
  }
  p.q = q;
}

{
  const h = new URLSearchParams(location.hash.slice(1));
  if (h.get('file')) {
    app.pending = h;
    const w = $('waiting');
    w.textContent = `This link shows a view of ${h.get('file')}. Open or drop that file to see it (profiles never travel in links).`;
    w.hidden = false;
  }
}

function showCompareTools(p) {
  const c = p.compare;
  $('compareTools').hidden = !c;
  if (!c) { $('flameBox').hidden = false; $('sideBox').hidden = true; return; }
  $('compareMode').value = c.mode;
  $('normalize').checked = c.normalize;
  $('sideBySide').setAttribute('aria-pressed', String(!!app.sideBySide));
  renderLegend();
}

function renderLegend() {
  const pal = $('palette').value;
  const sw = (ch, label) => {
    const s = document.createElement('span');
    const b = document.createElement('span');
    b.className = 'sw'; b.style.background = diffColor(ch, pal);
    s.append(b, ` ${label}`);
    return s;
  };
  if (app.sideBySide) {
    $('legend').replaceChildren('Side by side: coloured by package, both on one scale (the larger side fills the width).');
  } else {
    $('legend').replaceChildren(sw(1, 'only in new'), sw(0.5, 'grew'), sw(0, 'same'), sw(-0.5, 'shrank'), sw(-1, 'only in base'),
      'Width: the larger of base and new, stack by stack.');
  }
}

async function setCompareOption(f) {
  const p = app.profiles.get(app.active);
  if (!p?.compare) return;
  f(p.compare);
  await showView(p.key);
}
$('compareMode').addEventListener('change', (e) => setCompareOption((c) => { c.mode = e.target.value; }));
$('normalize').addEventListener('change', (e) => setCompareOption((c) => { c.normalize = e.target.checked; }));
$('palette').addEventListener('change', (e) => {
  const pal = e.target.value;
  for (const f of [flame, sides[1], sides[2]]) { f.palette = pal; f.paint(); }
  document.body.classList.toggle('cb', pal === 'cb');
  renderLegend();
});
$('sideBySide').addEventListener('click', () => setCompareOption(() => { app.sideBySide = !app.sideBySide; }));

$('sampleType').addEventListener('change', async (e) => {
  const p = app.profiles.get(app.active);
  if (!p) return;
  p.sampleIndex = Number(e.target.value);
  await showView(p.key);
});

$('seriesBtn').addEventListener('click', async () => {
  try {
    await series.show(plainKeys());
    $('view').hidden = true;
    $('seriesView').hidden = false;
    document.body.dataset.series = String(Date.now());
  } catch (e) {
    message(`Series: ${e.message}`);
  }
});
$('seriesBack').addEventListener('click', () => { $('seriesView').hidden = true; $('view').hidden = false; });

for (const id of ['open', 'open2']) $(id).addEventListener('click', () => $('file').click());
$('file').addEventListener('change', (e) => { loadFiles([...e.target.files]); e.target.value = ''; });

// Dropping: the left half of the window opens, the right half compares.
let dragDepth = 0;
const onCompareSide = (e) => e.clientX > window.innerWidth / 2;
window.addEventListener('dragenter', (e) => { e.preventDefault(); dragDepth++; $('dropHint').hidden = false; });
window.addEventListener('dragleave', () => { if (--dragDepth <= 0) { dragDepth = 0; $('dropHint').hidden = true; } });
window.addEventListener('dragover', (e) => {
  e.preventDefault();
  const cmp = onCompareSide(e);
  $('dropCompare').classList.toggle('on', cmp);
  $('dropOpen').classList.toggle('on', !cmp);
});
window.addEventListener('drop', (e) => {
  e.preventDefault();
  dragDepth = 0; $('dropHint').hidden = true;
  const files = [...(e.dataTransfer?.files || [])];
  if (!files.length) return;
  if (onCompareSide(e)) compareFiles(files); else loadFiles(files);
});
window.addEventListener('paste', (e) => {
  const files = [...(e.clipboardData?.files || [])];
  if (files.length) { e.preventDefault(); loadFiles(files); }
});
// The flame graph on screen: the merged one, or in side by side the new side (the base follows).
const shownFlame = () => ($('sideBox').hidden ? flame : sides[2]);
$('zoomOut').addEventListener('click', () => { if (!$('sideBox').hidden) sides[2].zoomTo(ROOT); });
$('search').addEventListener('input', () => {
  saveHash();
  if (!$('sideBox').hidden) for (const f of [sides[1], sides[2]]) f.search($('search').value);
});
window.addEventListener('keydown', (e) => {
  const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement;
  if (e.key === 'Escape') {
    if (typing) e.target.blur();
    if (!$('shortcuts').hidden) { $('shortcuts').hidden = true; return; }
    shownFlame().zoomOutOne();
    return;
  }
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
  const f = shownFlame();
  const keys = {
    '/': () => $('search').focus(),
    '?': () => { $('shortcuts').hidden = !$('shortcuts').hidden; },
    ArrowLeft: () => f.moveCursor('left'),
    ArrowRight: () => f.moveCursor('right'),
    ArrowUp: () => f.moveCursor(f.flip ? 'down' : 'up'),
    ArrowDown: () => f.moveCursor(f.flip ? 'up' : 'down'),
    '+': () => f.zoomCursor(),
    '=': () => f.zoomCursor(),
    Enter: () => f.zoomCursor(),
    '-': () => f.zoomOutOne(),
    0: () => f.zoomTo(ROOT),
  };
  const act = keys[e.key];
  if (!act || $('view').hidden) { if (e.key === '?') keys['?'](); return; }
  e.preventDefault();
  act();
});
$('helpBtn').addEventListener('click', () => { $('shortcuts').hidden = !$('shortcuts').hidden; });
$('shortcuts').addEventListener('click', (e) => { if (e.target === $('shortcuts')) $('shortcuts').hidden = true; });

// Theme: follow the system, or the user's choice (kept in this browser only).
const THEMES = ['auto', 'dark', 'light'];
function setTheme(t) {
  document.documentElement.classList.toggle('dark', t === 'dark');
  document.documentElement.classList.toggle('light', t === 'light');
  $('themeBtn').textContent = `Theme: ${t}`;
  try { localStorage.setItem('pprof-lens-theme', t); } catch { /* storage refused: not kept */ }
}
let theme = 'auto';
try { theme = localStorage.getItem('pprof-lens-theme') || 'auto'; } catch { /* storage refused */ }
setTheme(THEMES.includes(theme) ? theme : 'auto');
$('themeBtn').addEventListener('click', () => {
  theme = THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length];
  setTheme(theme);
});

// Exports, all made here: nothing is sent anywhere.
function download(name, blob) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60000);
}
const stem = () => shortName(app.profiles.get(app.active)?.name || 'profile').replace(/[^\w.-]+/g, '_');
$('exportSvg').addEventListener('click', () => {
  const f = shownFlame();
  if (!f.layout) return;
  download(`${stem()}.flame.svg`, new Blob([flameSvg(f.layout, f.names, f.opts())], { type: 'image/svg+xml' }));
});
$('exportPng').addEventListener('click', () => {
  const c = $('sideBox').hidden ? $('flame') : $('flameNew');
  c.toBlob((b) => { if (b) download(`${stem()}.flame.png`, b); }, 'image/png');
});
$('exportCsv').addEventListener('click', () => {
  const R = top.rows;
  if (!R) return;
  const q = (s) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const cols = R.baseCum
    ? [['base flat', R.baseFlat], ['new flat', R.newFlat], ['delta flat', R.flatText], ['flat%', R.flatPct], ['sum%', R.sumPct],
      ['base cum', R.baseCum], ['new cum', R.newCum], ['delta cum', R.cumText], ['cum%', R.cumPct], ['mark', R.mark]]
    : [['flat', R.flatText], ['flat%', R.flatPct], ['sum%', R.sumPct], ['cum', R.cumText], ['cum%', R.cumPct]];
  const lines = [[...cols.map((c) => c[0]), 'name'].join(',')];
  for (const i of top.visible) lines.push([...cols.map((c) => q(c[1][i])), q(R.name[i] + (R.inline[i] ? ` ${R.inline[i]}` : ''))].join(','));
  download(`${stem()}.top.csv`, new Blob([`${lines.join('\n')}\n`], { type: 'text/csv' }));
});
$('exportPb').addEventListener('click', async () => {
  if (app.active === null) return;
  const b = $('exportPb');
  b.disabled = true;
  b.textContent = 'Exporting…';
  try {
    const raw = await client.call('exportProfile', { key: app.active });
    const gz = await new Response(new Blob([raw]).stream().pipeThrough(new CompressionStream('gzip'))).blob();
    download(`${stem()}.refined.pb.gz`, new Blob([gz], { type: 'application/gzip' }));
  } catch (e) {
    message(`Export: ${e.message}`);
  } finally {
    b.disabled = false;
    b.textContent = 'Export .pb.gz';
  }
});

// Tests and the benchmark read these.
window.pprofLens = { app, client, flame, sides, pivots, top, series, explore, loadFiles, createComparison };

client.start().then((mode) => { document.body.dataset.core = mode; }).catch((e) => {
  message(`The profile engine could not start: ${e.message}`);
  document.body.dataset.core = 'failed';
});
