// Boot and wiring: starts the core (behind client.js), makes the views and
// connects them to the tabs (tabs.js, which owns each tab's view state,
// state.js). Holds no state of its own and no profile data.
import { Client, SIDE } from './client.js';
import { Messages } from './messages.js';
import { Tabs, shortName } from './tabs.js';
import { FlameView, ROOT } from './views/flame.js';
import { TopView } from './views/top.js';
import { SeriesView } from './views/series.js';
import { GoroutinesView } from './views/goroutines.js';
import { ExploreView } from './views/explore.js';
import { CompareView } from './views/compare.js';
import { SourceView, renderSeriesSource } from './views/source.js';
import { GraphView } from './views/graph.js';
import { SourceRoots } from './sources.js';
import { wireExports } from './export.js';
import { wireKeys } from './keys.js';
import { wireDrop } from './drop.js';
import { wireSavedViews } from './saved.js';
import { testSurface } from './testing.js';

const $ = (id) => document.getElementById(id);
const messages = new Messages($('messages'));
const say = (m) => messages.show(m);
// The series' refusals stay until a series is shown (then they are stale).
const SERIES = ':series';
const saySeries = (m) => messages.show(m, { file: SERIES });
const client = new Client({ onRestart: () => { if (tabs.active !== null) tabs.show(tabs.active); } });
const views = {};
const tabs = new Tabs({ client, views, messages });

// Where the user is in a flame graph goes into the tab's state (and the URL).
async function zoomed(box, view) {
  const t = tabs.current();
  if (!t) return;
  try { t.state.zoomPath = box.depth === ROOT.depth ? '' : (await view.info(box)).path; } catch { t.state.zoomPath = ''; }
  tabs.writeHash();
}
function selected(node) {
  const t = tabs.current();
  if (t) t.state.selected = node >= 0 ? (views.flame.names[node] ?? '') : '';
  tabs.writeHash();
  views.graph.select(node);
  views.source.show(tabs.active, node);
}

views.flame = new FlameView({
  box: $('flameBox'), canvas: $('flame'), overlay: $('flameOverlay'), tooltip: $('tooltip'), search: $('search'),
  searchInfo: $('searchInfo'), zoomOut: $('zoomOut'), orientation: $('orientation'), crumbs: $('crumbs'),
}, client, {
  onSelect: (node) => { views.top.select(node); views.explore.peek(node); selected(node); },
  onMessage: say,
  onZoom: (box) => zoomed(box, views.flame),
});
views.top = new TopView({
  table: $('top'), tbody: document.querySelector('#top tbody'), box: $('tableBox'), filter: $('filter'), rowInfo: $('rowInfo'),
}, client, {
  onSelect: (node) => { views.flame.select(node); views.explore.peek(node); selected(node); },
  onMessage: say,
  onSort: () => tabs.writeHash(),
});
views.explore = new ExploreView({
  granularity: $('granularity'), noinlines: $('noinlines'), toggle: $('refineToggle'), form: $('refineForm'),
  clear: $('refineClear'), chips: $('chips'), menu: $('ctxMenu'), peekTitle: $('peekTitle'), peekHint: $('peekHint'),
  callers: document.querySelector('#callers tbody'), callees: document.querySelector('#callees tbody'), labels: $('labels'),
}, client, {
  apply: (q) => tabs.applyQuery(q),
  onSelect: (node) => { views.flame.select(node); views.top.select(node); selected(node); },
  onMessage: say,
  onPeek: (node) => showPivot(node),
  onSource: async (node) => {
    views.flame.select(node); views.top.select(node); selected(node);
    views.source.open = true;
    await views.source.show(tabs.active, node);
    $('sourceBox').scrollIntoView({ block: 'start' });
  },
});
views.source = new SourceView({
  box: $('sourceBox'), title: $('sourceTitle'), pick: $('sourcePick'), roots: $('sourceRoots'), input: $('sourceInput'), body: $('sourceBody'),
  list: $('sourceList'),
  remember: $('sourceRemember'), remembered: $('sourceRemembered'),
}, client, new SourceRoots(), {
  onMessage: say, onChange: () => tabs.writeHash(), names: () => views.flame.names,
  onRoots: () => views.series?.regroundFindings(),
});
views.graph = new GraphView({
  box: $('graphBox'), nodes: $('graphNodes'), info: $('graphInfo'), fit: $('graphFit'), full: $('graphFull'), exportSvg: $('graphSvg'),
  exportDot: $('graphDot'), canvas: $('graphCanvas'), tip: $('graphTip'),
  stem: () => shortName(tabs.current()?.name || 'profile').replace(/[^\w.-]+/g, '_'),
}, client, {
  onSelect: (node) => { views.flame.select(node); views.top.select(node); views.explore.peek(node); selected(node); },
  onMenu: (node, x, y) => views.explore.menu(node, x, y),
  onMessage: say,
  onChange: () => tabs.writeHash(),
});
views.goroutines = new GoroutinesView({ box: $('goroutinesBox'), tbody: document.querySelector('#goroutines tbody') }, client, {
  onPick: (group) => views.explore.run({ group }),
});
views.compare = new CompareView({
  tabs, client, messages, onSelect: (node) => { views.top.select(node); selected(node); }, onZoom: zoomed,
});

// The pivot flame graph of the function in the callers/callees panel:
// its callers drawn upward from it, its callees downward.
views.pivots = {};
for (const [side, tag] of [[SIDE.CALLERS, 'Up'], [SIDE.CALLEES, 'Down']]) {
  views.pivots[side] = new FlameView({
    box: $(`flameBox${tag}`), canvas: $(`flame${tag}`), overlay: $(`flameOverlay${tag}`), tooltip: $(`tooltip${tag}`),
  }, client, { side, onMessage: say, onSelect: (node) => views.top.select(node) });
}
views.pivots[SIDE.CALLERS].flip = true;
let pivotSeq = 0;
async function showPivot(node) {
  const seq = ++pivotSeq;
  const key = tabs.active;
  if (node < 0 || key === null) { $('pivotBox').hidden = true; return; }
  try {
    const r = await client.pivot(key, node);
    if (seq !== pivotSeq) return;
    $('pivotName').textContent = r.name;
    $('pivotBox').hidden = false;
    const names = views.flame.names;
    await Promise.all([views.pivots[SIDE.CALLERS].setView(key, names), views.pivots[SIDE.CALLEES].setView(key, names)]);
  } catch {
    $('pivotBox').hidden = true;
  }
}

// Right-click on a frame or a row: refine by that function.
$('flameOverlay').addEventListener('contextmenu', (e) => {
  const node = views.flame.nodeAt(e.clientX, e.clientY);
  if (node < 0) return;
  e.preventDefault();
  views.explore.menu(node, e.clientX, e.clientY);
});
$('top').addEventListener('contextmenu', (e) => {
  const tr = e.target.closest('tr[data-row]');
  if (!tr || !views.top.rows) return;
  e.preventDefault();
  views.explore.menu(views.top.rows.node[Number(tr.dataset.row)], e.clientX, e.clientY);
});

views.series = new SeriesView({
  notes: $('seriesNotes'), snapshots: document.querySelector('#snapshots tbody'), chart: $('seriesChart'), findings: $('findings'),
  pick: $('seriesPick'), type: $('seriesType'), chartLegend: $('seriesLegend'), chartTip: $('seriesChartTip'),
  suspects: document.querySelector('#suspects tbody'), peek: $('suspectPeek'),
  stacksBox: $('stacksBox'), stacks: document.querySelector('#stacks tbody'),
}, client, {
  onMessage: saySeries,
  onShown: () => messages.clear(SERIES),
  onSource: (keys, name) => renderSeriesSource($('suspectSource'), client, views.source.roots, keys, name),
  listTabs: () => tabs.plain().map((t) => ({ key: t.key, name: t.name, types: t.info.sampleTypes })),
  roots: views.source.roots,
  onGroup: async (key, sample, name) => { await tabs.show(key); await views.explore.run({ group: `${sample} (${name})` }); },
  onGrowth: (first, last, name) => {
    const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return tabs.createComparison([first], [last], { focus: `^${esc}$`, name: `growth of ${name}` });
  },
});
$('seriesBtn').addEventListener('click', async () => {
  try {
    await views.series.open();
    $('view').hidden = true;
    $('seriesView').hidden = false;
    document.body.dataset.series = String(Date.now());
  } catch (e) {
    saySeries(`Series: ${e.message}`);
  }
});
$('seriesBack').addEventListener('click', () => { $('seriesView').hidden = true; $('view').hidden = false; });

$('sampleType').addEventListener('change', (e) => tabs.setSampleType(Number(e.target.value)));
// pprof's default trimming of the table (-nodefraction=0.005), per tab.
$('trimRows').addEventListener('change', (e) => {
  const t = tabs.current();
  if (t) { tabs.save(); t.state.trim = e.target.checked; tabs.show(t.key); }
});
$('search').addEventListener('input', () => {
  tabs.writeHash();
  if (!$('sideBox').hidden) for (const s of [SIDE.BASE, SIDE.NEW]) views.compare.sides[s].search($('search').value);
});
$('zoomOut').addEventListener('click', () => { if (!$('sideBox').hidden) views.compare.sides[SIDE.NEW].zoomTo(ROOT); });
$('filter').addEventListener('input', () => tabs.writeHash());

wireDrop({
  open: (files) => tabs.loadFiles(files),
  compare: (files) => views.compare.compareFiles(files),
  folder: (dir) => views.source.addEntry(dir).catch((e) => say(`Source folder ${dir.name}: ${e.message}`)),
});
wireKeys({ shownFlame: () => tabs.shownFlame() });
wireExports({ tabs, client, messages });
wireSavedViews({ tabs, messages });

// Theme: follow the system, or the user's choice (kept in this browser only).
const THEMES = ['auto', 'dark', 'light'];
function setTheme(t) {
  document.documentElement.classList.toggle('dark', t === 'dark');
  document.documentElement.classList.toggle('light', t === 'light');
  $('themeBtn').textContent = t === 'auto' ? '◐' : t === 'dark' ? '☾' : '☀';
  $('themeBtn').title = `Colour theme: ${t} (click to change: follow the system, dark or light)`;
  $('themeBtn').dataset.theme = t;
  try { localStorage.setItem('pprof-lens-theme', t); } catch { /* storage refused: not kept */ }
}
let theme = 'auto';
try { theme = localStorage.getItem('pprof-lens-theme') || 'auto'; } catch { /* storage refused */ }
setTheme(THEMES.includes(theme) ? theme : 'auto');
$('themeBtn').addEventListener('click', () => {
  theme = THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length];
  setTheme(theme);
});

// The Remember box only where folders can be remembered (File System Access API).
$('sourceRememberBox').hidden = !window.showDirectoryPicker;
window.pprofLens = testSurface({ tabs, views, client });

client.start().then((mode) => { document.body.dataset.core = mode; }).catch((e) => {
  say(`The profile engine could not start: ${e.message}`);
  document.body.dataset.core = 'failed';
});
