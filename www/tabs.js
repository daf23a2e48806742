// The open tabs (profiles and comparisons) and the one on screen: opening
// files, making comparisons, switching tabs (each tab's view state, see
// state.js, is saved when it is left and restored when it comes back),
// closing, and drawing the active tab's views. Holds no profile data: the
// core (behind client.js) does.
import { SIDE } from './client.js';
import { activeFilters, emptyQuery, freshView, fromHash, newTabState, toHash } from './state.js';
import { ROOT } from './views/flame.js';

const $ = (id) => document.getElementById(id);
const PHASES = { reading: 'Reading', inflating: 'Inflating', decoding: 'Decoding', layout: 'Laying out' };
export const shortName = (n) => n.replace(/\.(pb\.gz|pprof|pb|gz|prof|txt)$/i, '');
// Stacks sorted per idle slice of the flame graph's sort (see settleFlames).
const SETTLE_SLICE = 16384;

export class Tabs {
  // `views`: { flame, top, explore, goroutines, compare (CompareView) };
  // `messages`: a Messages.
  constructor({ client, views, messages }) {
    Object.assign(this, { client, views, messages });
    this.tabs = new Map(); // key -> { key, name, folder, info, state, compare }
    this.active = null;
    this.nextKey = 1;
    this.timings = {};
    this.link = fromHash(location.hash); // a shared view waiting for its file
    if (this.link) {
      const w = $('waiting');
      w.textContent = `This link shows a view of ${this.link.file}. Open or drop that file to see it (profiles never travel in links).`;
      w.hidden = false;
    }
  }

  get(key) { return this.tabs.get(key); }
  current() { return this.tabs.get(this.active); }
  plain() { return [...this.tabs.values()].filter((t) => !t.compare); }

  progress(name, phase, done = 0, total = 0) {
    const p = $('progress');
    p.hidden = false;
    const pct = total ? Math.round((100 * done) / total) : 0;
    p.querySelector('.bar-fill').style.width = `${phase === 'reading' || phase === 'inflating' ? pct : 100}%`;
    const label = `${PHASES[phase] || phase} ${name}…${phase === 'inflating' ? ` ${pct}%` : ''}`;
    p.querySelector('.label').textContent = label;
    p.dataset.phase = phase;
  }

  // Opens files, one tab each; returns the keys of those that opened. A file
  // that fails says why; the open tabs stay as they were.
  async loadFiles(files) {
    const loaded = [];
    for (const file of files) {
      const key = this.nextKey++;
      const t0 = performance.now();
      try {
        this.progress(file.name, 'reading', 0, file.size);
        const info = await this.client.load(key, file.name, file, (phase, d, t) => this.progress(file.name, phase, d, t));
        const folder = (file.webkitRelativePath || '').split('/').slice(0, -1).join('/');
        const tab = { key, name: file.name, folder, info, state: newTabState({ sampleIndex: info.defaultIndex }), compare: false };
        if (this.link?.file === file.name) this.link.apply(tab.state, info);
        this.tabs.set(key, tab);
        this.messages.clear(file.name);
        loaded.push(key);
        await this.activate(key);
        this.timings.lastLoadMs = performance.now() - t0; // drop → everything shown (the table's inline labels too)
        this.timings.lastFlameMs = this.timings.flamePaintedAt - t0; // drop → flame graph painted
        this.timings.lastTableMs = this.timings.tablePaintedAt - t0; // drop → the table's rows shown
      } catch (e) {
        this.messages.show(`${file.name}: ${e.message}`, { file: file.name });
      } finally {
        $('progress').hidden = true;
      }
    }
    return loaded;
  }

  // Opens a comparison of `newKeys` against `baseKeys` as a new tab.
  async createComparison(baseKeys, newKeys, { focus = '', name } = {}) {
    const key = this.nextKey++;
    const side = (keys) => (keys.length === 1 ? shortName(this.tabs.get(keys[0]).name) : `${keys.length} files`);
    const title = name || `${side(baseKeys)} → ${side(newKeys)}`;
    try {
      const info = await this.client.compare(key, baseKeys, newKeys, title);
      const state = newTabState({ sampleIndex: info.defaultIndex, query: { focus }, compare: { baseKeys, newKeys } });
      this.tabs.set(key, { key, name: title, folder: '', info, state, compare: true });
      await this.activate(key);
      return key;
    } catch (e) {
      this.messages.show(`Compare: ${e.message}`);
      return null;
    }
  }

  // What the active tab's views show now, into its state (before leaving it).
  save() {
    const t = this.current();
    // While a view is being drawn, the views show the old one: nothing to save.
    if (!t || this.rendering) return;
    const { flame, top } = this.views;
    Object.assign(t.state, top.state());
    t.state.search = $('search').value;
    t.state.flip = flame.flip;
    t.state.source = this.views.source.open;
    t.state.graph = this.views.graph.open;
    t.state.graphNodes = this.views.graph.nodecount;
  }

  async activate(key) {
    if (this.active !== null && this.active !== key) this.save();
    this.active = key;
    this.renderTabs();
    const t = this.tabs.get(key);
    const sel = $('sampleType');
    sel.replaceChildren(...t.info.sampleTypes.map((st, i) => {
      const o = document.createElement('option');
      o.value = String(i); o.textContent = `${st.type} (${st.unit})`;
      return o;
    }));
    sel.value = String(t.state.sampleIndex);
    sel.disabled = false;
    await this.show(key);
  }

  async close(key) {
    const t = this.tabs.get(key);
    this.tabs.delete(key);
    if (t) this.messages.clear(t.name);
    await this.client.close(key).catch(() => {});
    if (this.active === key) {
      this.active = null;
      const next = [...this.tabs.keys()].pop();
      if (next !== undefined) await this.activate(next);
      else { $('view').hidden = true; $('empty').hidden = false; $('sampleType').disabled = true; this.writeHash(); }
    }
    this.renderTabs();
  }

  // A new sample type for the active tab: a new view, from the top.
  async setSampleType(i) {
    const t = this.current();
    if (!t) return;
    this.save();
    t.state.sampleIndex = i;
    freshView(t.state);
    await this.show(t.key);
  }

  // New refinements for the active tab; throws the core's refusal (the view
  // shown stays as it was).
  async applyQuery(q) {
    const t = this.current();
    if (!t) return;
    this.save();
    const prev = t.state.query;
    t.state.query = q;
    try { await this.render(t.key); } catch (e) { t.state.query = prev; throw e; }
  }

  // A comparison option of the active tab (mode, normalize, side by side).
  async setCompareOption(f) {
    const t = this.current();
    if (!t?.state.compare) return;
    this.save();
    f(t.state.compare);
    await this.show(t.key);
  }

  async show(key, retried = false) {
    const t = this.tabs.get(key);
    try {
      await this.render(key);
    } catch (e) {
      this.messages.show(`${t.name}: ${e.message}`, { file: t.name });
      // Refinements that cannot apply (from a link, say) must not hide the profile.
      const q = t.state.query;
      const refined = activeFilters(q).length || q.granularity !== 'functions' || q.noinlines;
      if (!retried && refined) {
        t.state.query = emptyQuery();
        await this.show(key, true);
      }
    }
  }

  // Views tab `key` with its state and draws everything; throws the core's
  // sentence when the view is refused (the view shown stays as it was).
  async render(key) {
    this.rendering = true;
    try {
      await this.draw(key);
    } finally {
      this.rendering = false;
    }
    this.writeHash();
    document.body.dataset.ready = String(key);
    this.settleFlames(key);
  }

  // A flame graph sorts only the boxes a layout shows (src/report/flame.rs):
  // the rest is sorted here while the page is idle, a slice at a time (a
  // request in between waits for one slice at most), so that later zooms
  // find their boxes sorted.
  async settleFlames(key) {
    const run = this.settleRun = (this.settleRun || 0) + 1;
    this.timings.settledAt = null; // sorting
    try {
      while (run === this.settleRun && this.active === key) {
        if (await this.client.settleFlames(key, SETTLE_SLICE)) { this.timings.settledAt = performance.now(); return; }
        await new Promise((ok) => setTimeout(ok, 0));
      }
    } catch { /* the tab was closed meanwhile: nothing left to sort */ }
  }

  async draw(key) {
    const t = this.tabs.get(key);
    const s = t.state;
    const c = s.compare;
    const q = s.query;
    const { flame, top, explore, goroutines, compare } = this.views;
    const request = {
      sampleIndex: s.sampleIndex, granularity: q.granularity, noinlines: q.noinlines, focus: q.focus, ignore: q.ignore,
      hide: q.hide, show: q.show, showFrom: q.show_from, tagfocus: q.tagfocus, tagignore: q.tagignore, group: q.group,
      trim: !!s.trim,
    };
    $('trimRows').checked = !!s.trim;
    if (c) Object.assign(request, { mode: c.mode, normalize: c.normalize });
    let v;
    try {
      v = await this.client.view(key, request);
    } catch (e) {
      if (!(c?.normalize && e.field === 'normalize')) throw e;
      // Normalising failed (a base with no samples): say so, compare as is.
      this.messages.show(`${t.name}: ${e.message}`, { file: t.name });
      c.normalize = false;
      v = await this.client.view(key, { ...request, normalize: false });
    }
    // The header's figures take the value pass: they follow the flame graph.
    $('header').textContent = t.name;
    const names = await this.client.nodeNames(key);
    $('empty').hidden = true; $('seriesView').hidden = true; $('comparePanel').hidden = true;
    $('view').hidden = false;
    compare.showTools(t);
    explore.show(key, q, names);
    await goroutines.show(key, t.info, q);
    const empty = $('flameEmpty');
    empty.hidden = v.stacks > 0;
    const active = activeFilters(q);
    empty.textContent = active.length
      ? `No samples left: ${active.join(', ')} match${active.length === 1 ? 'es' : ''} nothing here. Remove a filter above.`
      : 'This profile has no samples of this type.';
    // This tab's search, orientation and table, not the last tab's.
    $('search').value = s.search;
    flame.flip = s.flip;
    // The flame graph first (it is what people look at), then the table.
    this.progressIfLoading(t.name);
    if (c?.sideBySide) {
      $('flameBox').hidden = true; $('sideBox').hidden = false;
      flame.key = key; flame.names = names; flame.selected = -1;
      await compare.showSides(key, names, s.search);
    } else {
      $('flameBox').hidden = false; $('sideBox').hidden = true;
      await flame.setView(key, names);
    }
    this.timings.flamePaintedAt = performance.now();
    $('header').textContent = headerText(t, { ...v, ...await this.client.viewHeader(key) });
    await top.setView(key, { compare: !!c, sort: s.sort, filter: s.filter, scroll: s.scroll });
    this.timings.tablePaintedAt = performance.now();
    if (c) await compare.showNoise(key);
    await this.restore(t, names);
    await explore.loadLabels();
    // pprof's inline labels of the table's names take a pass over the
    // edges: the rows are shown first, the labels join them.
    await top.fillLabels();
    if (this.link?.file === t.name && !t.compare) { this.link = null; $('waiting').hidden = true; }
  }

  progressIfLoading(name) {
    if (!$('progress').hidden) this.progress(name, 'layout');
  }

  // The rest of a tab's view once drawn: zoom (by frame names), selection, search.
  async restore(t, names) {
    const s = t.state;
    const { flame, top, explore } = this.views;
    const shown = this.shownFlame();
    if (s.zoomPath) {
      const k = await this.client.findPath(t.key, shown.side, s.zoomPath);
      if (k) await shown.zoomTo(k, { quiet: !t.state.compare?.sideBySide });
      else {
        this.messages.show(`The view's zoom (${s.zoomPath.split('\n').pop()}) is not in this profile`);
        s.zoomPath = '';
      }
    }
    const node = s.selected ? names.indexOf(s.selected) : -1;
    if (node >= 0) {
      flame.selected = node; flame.paintOverlay();
      top.select(node, { scroll: false });
      await explore.peek(node);
    }
    this.views.source.open = s.source;
    await this.views.source.show(t.key, node);
    // The graph is laid out in its own worker: the other views do not wait for it.
    const g = this.views.graph;
    g.selected = node; g.open = s.graph; g.nodecount = s.graphNodes;
    g.show(t.key);
  }

  // The flame graph on screen: the merged one, or in side by side the new side (the base follows).
  shownFlame() {
    return $('sideBox').hidden ? this.views.flame : this.views.compare.sides[SIDE.NEW];
  }

  // The tab bar: one row that scrolls; tabs of the same file name told apart
  // by folder or producer.
  // The strip's arrows: shown when tabs are hidden on that side.
  tabArrows() {
    const strip = $('tabs');
    if (!this.arrowsWired) {
      this.arrowsWired = true;
      strip.addEventListener('scroll', () => this.tabArrows(), { passive: true });
      window.addEventListener('resize', () => this.tabArrows());
      $('tabsLeft').addEventListener('click', () => strip.scrollBy({ left: -strip.clientWidth * 0.8 }));
      $('tabsRight').addEventListener('click', () => strip.scrollBy({ left: strip.clientWidth * 0.8 }));
    }
    const over = strip.scrollWidth > strip.clientWidth + 1;
    $('tabsLeft').hidden = !over || strip.scrollLeft <= 0;
    $('tabsRight').hidden = !over || strip.scrollLeft + strip.clientWidth >= strip.scrollWidth - 1;
  }

  renderTabs() {
    const all = [...this.tabs.values()];
    const count = new Map();
    const producers = new Map();
    for (const t of all) {
      count.set(t.name, (count.get(t.name) || 0) + 1);
      producers.set(t.name, (producers.get(t.name) || new Set()).add(t.info.producer));
    }
    const seen = new Map();
    const tabs = all.map((t) => {
      let label = t.name;
      if (count.get(t.name) > 1) {
        const n = (seen.get(t.name) || 0) + 1;
        seen.set(t.name, n);
        // Told apart by folder, or by producer when theirs differ, and by number.
        const hint = t.folder || (producers.get(t.name).size > 1 ? t.info.producer : '');
        label = `${t.name} (${[hint, `#${n}`].filter(Boolean).join(', ')})`;
      }
      const tab = document.createElement('span');
      tab.className = `tab${t.key === this.active ? ' active' : ''}`;
      tab.dataset.key = String(t.key);
      const b = document.createElement('button');
      b.type = 'button'; b.textContent = label;
      b.title = `${t.name}${t.folder ? ` in ${t.folder}` : ''}${t.info.producer ? ` (${t.info.producer})` : ''}: ${t.info.samples} samples`;
      b.addEventListener('click', () => this.activate(t.key));
      const x = document.createElement('button');
      x.type = 'button'; x.className = 'close'; x.textContent = '×'; x.title = `Close ${t.name}`;
      x.addEventListener('click', () => this.close(t.key));
      tab.append(b, x);
      return tab;
    });
    $('tabs').replaceChildren(...tabs);
    $('tabs').querySelector('.tab.active')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    this.tabArrows();
    const plain = this.plain();
    const few = plain.length < 2;
    $('compareBtn').disabled = few;
    $('compareBtn').title = few ? 'Open two or more profiles first' : $('compareBtn').dataset.title;
    // A series needs two snapshots of one kind (the same sample types).
    const kinds = new Map();
    for (const t of plain) {
      const kind = t.info.sampleTypes.map((st) => `${st.type}/${st.unit}`).join(' ');
      kinds.set(kind, (kinds.get(kind) || 0) + 1);
    }
    const series = [...kinds.values()].some((n) => n >= 2);
    $('seriesBtn').disabled = !series;
    $('seriesBtn').title = series ? $('seriesBtn').dataset.title : few ? 'Open two or more snapshots first'
      : `A series needs two or more snapshots of one kind (the same sample types); open now: ${plain.map((t) => t.name).join(', ')}, each of another kind`;
  }

  // The URL hash from the active tab's state (see state.js); a link being
  // restored is kept until its file comes.
  writeHash() {
    if (this.link) return;
    const t = this.current();
    if (t) this.save();
    const hash = t ? toHash(t.state, t.info) : '';
    history.replaceState(null, '', hash ? `#${hash}` : location.pathname + location.search);
  }
}

// pprof's header, and for a refined view what it shows of the total and
// the active filters (as pprof's "Active filters" and "Showing nodes…").
function headerText(t, v) {
  const c = t.state.compare;
  let head;
  if (c) {
    head = `${t.name}\nBase: ${v.baseTotalText}   New: ${v.newTotalText}${c.normalize ? ' (normalized to the base)' : ''}\n${v.header.join('\n')}`;
    for (const n of v.notes) head += `\nNote: ${n}`;
  } else {
    head = `${t.name}\n${v.header.join('\n')}\nTotal: ${v.totalText}`;
  }
  if (v.filters.length) head += `\nActive filters:\n${v.filters.map((f) => `   ${f}`).join('\n')}`;
  if (v.showing) head += `\n${v.showing}`;
  return head;
}
