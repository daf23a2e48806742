// Boot: wires loading (drop, picker, paste), the open-profile tabs, the
// sample type selector, the header, and the two views. Holds no profile
// data: the core (behind client.js) does.
import { Client } from './client.js';
import { FlameView } from './views/flame.js';
import { TopView } from './views/top.js';
import { SeriesView } from './views/series.js';
import { GoroutinesView } from './views/goroutines.js';

const $ = (id) => document.getElementById(id);
const app = { profiles: new Map(), active: null, nextKey: 1 };
const client = new Client({ onRestart: () => { if (app.active !== null) showView(app.active); } });

const flame = new FlameView({
  box: $('flameBox'), canvas: $('flame'), overlay: $('flameOverlay'), tooltip: $('tooltip'), search: $('search'),
  searchInfo: $('searchInfo'), zoomOut: $('zoomOut'), orientation: $('orientation'), crumbs: $('crumbs'),
}, client, { onSelect: (node) => top.select(node), onMessage: message });
const top = new TopView({
  table: $('top'), tbody: document.querySelector('#top tbody'), box: $('tableBox'), filter: $('filter'), rowInfo: $('rowInfo'),
}, client, { onSelect: (node) => flame.select(node), onMessage: message });

const series = new SeriesView({
  notes: $('seriesNotes'), snapshots: document.querySelector('#snapshots tbody'), chart: $('seriesChart'),
  suspects: document.querySelector('#suspects tbody'), peek: $('suspectPeek'),
  stacksBox: $('stacksBox'), stacks: document.querySelector('#stacks tbody'),
}, client, { onMessage: message });
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

async function loadFiles(files) {
  for (const file of files) {
    const key = app.nextKey++;
    const t0 = performance.now();
    try {
      progress(file.name, 0, file.size);
      const info = await client.load(key, file.name, file, (d, t) => progress(file.name, d, t));
      app.profiles.set(key, { key, name: file.name, info, sampleIndex: info.defaultIndex });
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
}

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
  $('seriesBtn').disabled = app.profiles.size < 2;
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

async function showView(key) {
  const p = app.profiles.get(key);
  try {
    const v = await client.call('view', { key, request: { sampleIndex: p.sampleIndex } });
    $('header').textContent = `${p.name}\n${v.header.join('\n')}\nTotal: ${v.totalText}`;
    const names = (await client.call('names', { key })).split('\n');
    $('empty').hidden = true;
    $('seriesView').hidden = true;
    $('view').hidden = false;
    await goroutines.show(key, p.info);
    // The flame graph first (it is what people look at), then the table.
    await flame.setView(key, names);
    app.flamePaintedAt = performance.now();
    await top.setView(key);
    document.body.dataset.ready = String(key);
  } catch (e) {
    message(`${p.name}: ${e.message}`);
  }
}

$('sampleType').addEventListener('change', async (e) => {
  const p = app.profiles.get(app.active);
  if (!p) return;
  p.sampleIndex = Number(e.target.value);
  await showView(p.key);
});

$('seriesBtn').addEventListener('click', async () => {
  try {
    await series.show([...app.profiles.keys()]);
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

let dragDepth = 0;
window.addEventListener('dragenter', (e) => { e.preventDefault(); dragDepth++; $('dropHint').hidden = false; });
window.addEventListener('dragleave', () => { if (--dragDepth <= 0) { dragDepth = 0; $('dropHint').hidden = true; } });
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => {
  e.preventDefault();
  dragDepth = 0; $('dropHint').hidden = true;
  const files = [...(e.dataTransfer?.files || [])];
  if (files.length) loadFiles(files);
});
window.addEventListener('paste', (e) => {
  const files = [...(e.clipboardData?.files || [])];
  if (files.length) { e.preventDefault(); loadFiles(files); }
});
window.addEventListener('keydown', (e) => {
  const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement;
  if (e.key === '/' && !typing) { e.preventDefault(); $('search').focus(); }
  else if (e.key === 'Escape') { if (typing) e.target.blur(); flame.zoomOutOne(); }
});

// Tests and the benchmark read these.
window.pprofLens = { app, client, flame, top, series, loadFiles };

client.start().then((mode) => { document.body.dataset.core = mode; }).catch((e) => {
  message(`The profile engine could not start: ${e.message}`);
  document.body.dataset.core = 'failed';
});
