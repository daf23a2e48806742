// Comparisons: the compare panel (which profiles are the base and which
// the new side, checked for compatibility before the button is enabled),
// dropping files to compare, the comparison tools (percentages of, normalize,
// colours, side by side, the legend) and the side-by-side flame graphs that
// zoom and hover in step on one scale.
import { SIDE } from '../client.js';
import { diffColor } from '../render/flame.js';
import { FlameView, ROOT } from './flame.js';

const $ = (id) => document.getElementById(id);
const time = (ns) => (ns ? new Date(ns / 1e6).toISOString().replace('T', ' ').slice(0, 19) : '');
// What kind of profile a tab holds: its sample types.
const kindOf = (info) => info.sampleTypes.map((t) => `${t.type}/${t.unit}`).join(', ');
const byTime = (tabs) => (tabs.every((t) => t.info.timeNanos > 0) ? [...tabs].sort((a, b) => a.info.timeNanos - b.info.timeNanos) : tabs);

export class CompareView {
  // `onZoom(box, view)`: the new side zoomed (the base follows it).
  constructor({ tabs, client, messages, onSelect, onZoom }) {
    Object.assign(this, { tabs, client, messages });
    this.sides = {};
    for (const [side, tag] of [[SIDE.BASE, 'Base'], [SIDE.NEW, 'New']]) {
      this.sides[side] = new FlameView({
        box: $(`flameBox${tag}`), canvas: $(`flame${tag}`), overlay: $(`flameOverlay${tag}`), tooltip: $(`tooltip${tag}`),
        // The new side keeps the breadcrumbs (the base side follows its zoom).
        crumbs: side === SIDE.NEW ? $('crumbs') : null,
      }, client, {
        side,
        onMessage: (m) => messages.show(m),
        onSelect,
        onZoom: (box) => { this.follow(side, box, false); if (side === SIDE.NEW) onZoom?.(box, this.sides[SIDE.NEW]); },
        onHover: (box) => this.follow(side, box, true),
      });
    }
    $('compareBtn').addEventListener('click', () => this.open());
    $('compareCancel').addEventListener('click', () => this.close());
    $('compareChoices').addEventListener('change', () => this.check());
    $('compareGo').addEventListener('click', () => this.go());
    $('compareMode').addEventListener('change', (e) => tabs.setCompareOption((c) => { c.mode = e.target.value; }));
    $('normalize').addEventListener('change', (e) => tabs.setCompareOption((c) => { c.normalize = e.target.checked; }));
    $('sideBySide').addEventListener('click', () => tabs.setCompareOption((c) => { c.sideBySide = !c.sideBySide; }));
    $('hideNoise').addEventListener('change', (e) => {
      const c = tabs.current()?.state.compare;
      if (c) c.hideNoise = e.target.checked;
      tabs.views.top.hideNoise = e.target.checked;
      tabs.views.top.applyFilter();
    });
    $('palette').addEventListener('change', (e) => {
      const c = tabs.current()?.state.compare;
      if (c) c.palette = e.target.value;
      this.setPalette(e.target.value);
    });
  }

  // The panel, with the two newest profiles of the active tab's kind chosen
  // (the older the base), or of any kind that has two.
  open() {
    const plain = this.tabs.plain();
    const active = this.tabs.current();
    const kinds = [active && kindOf(active.info), ...plain.map((t) => kindOf(t.info))].filter(Boolean);
    const kind = kinds.find((k) => plain.filter((t) => kindOf(t.info) === k).length >= 2);
    const same = byTime(plain.filter((t) => kindOf(t.info) === kind));
    const [baseKey, newKey] = same.length >= 2 ? [same[same.length - 2].key, same[same.length - 1].key] : [null, null];
    $('compareChoices').querySelector('tbody').replaceChildren(...byTime(plain).map((t) => {
      const tr = document.createElement('tr');
      const cell = (x) => { const td = document.createElement('td'); td.append(x); tr.append(td); };
      cell(t.name); cell(time(t.info.timeNanos)); cell(t.info.sampleTypes.map((s) => s.type).join(', '));
      for (const side of ['base', 'new', 'none']) {
        const r = document.createElement('input');
        r.type = 'radio'; r.name = `side-${t.key}`; r.value = side; r.dataset.key = String(t.key);
        r.checked = side === (t.key === baseKey ? 'base' : t.key === newKey ? 'new' : 'none');
        r.setAttribute('aria-label', `${t.name}: ${side}`);
        cell(r);
      }
      return tr;
    }));
    $('comparePanel').hidden = false;
    $('view').hidden = true; $('seriesView').hidden = true; $('empty').hidden = true;
    this.check();
  }

  close() {
    $('comparePanel').hidden = true;
    if (this.tabs.active !== null) $('view').hidden = false; else $('empty').hidden = false;
  }

  picked(side) {
    return [...$('compareChoices').querySelectorAll(`input[value=${side}]:checked`)].map((r) => Number(r.dataset.key));
  }

  // Enables Compare only for a choice that can be compared, and says why not.
  check() {
    const [b, n] = [this.picked('base'), this.picked('new')];
    const go = $('compareGo');
    const info = $('compareInfo');
    const chosen = [...b, ...n].map((k) => this.tabs.get(k));
    const odd = chosen.find((t) => kindOf(t.info) !== kindOf(chosen[0].info));
    let reason = '';
    if (!b.length || !n.length) reason = 'Pick at least one base and one new profile.';
    else if (odd) {
      reason = `Cannot compare ${chosen[0].name} (${kindOf(chosen[0].info)}) with ${odd.name} (${kindOf(odd.info)}): `
        + 'they are different kinds of profile.';
    }
    go.disabled = !!reason;
    go.title = reason || 'Compare the new side with the base';
    info.textContent = reason;
  }

  async go() {
    const [b, n] = [this.picked('base'), this.picked('new')];
    if (!b.length || !n.length) return;
    $('comparePanel').hidden = true;
    if (await this.tabs.createComparison(b, n) === null) this.close();
  }

  // Files dropped on the compare target: older half the base, newer half
  // the new side. One file is simply opened.
  async compareFiles(files) {
    const keys = await this.tabs.loadFiles(files);
    if (keys.length < 2) {
      if (files.length >= 2 && keys.length) this.messages.show('Compare: only one of the dropped profiles opened, so there is nothing to compare it with');
      return;
    }
    const ordered = byTime(keys.map((k) => this.tabs.get(k))).map((t) => t.key);
    const half = Math.floor(ordered.length / 2);
    await this.tabs.createComparison(ordered.slice(0, half), ordered.slice(half));
  }

  // The comparison tools of tab `t` (hidden for a plain profile).
  showTools(t) {
    const c = t.state.compare;
    $('compareTools').hidden = !c;
    if (!c) { $('flameBox').hidden = false; $('sideBox').hidden = true; this.setPalette('rg'); return; }
    $('compareMode').value = c.mode;
    $('normalize').checked = c.normalize;
    $('palette').value = c.palette;
    $('sideBySide').setAttribute('aria-pressed', String(!!c.sideBySide));
    $('hideNoise').checked = !!c.hideNoise;
    this.tabs.views.top.hideNoise = !!c.hideNoise;
    $('noiseInfo').textContent = 'Testing each change against noise…';
    this.tested = false;
    this.setPalette(c.palette);
  }

  // Each node's verdict on the view of comparison `key` (after its table):
  // the table's interval and noise columns, the flame graph's grey frames,
  // and the model in words. Several profiles a side are replicates.
  async showNoise(key) {
    let n;
    try {
      n = await this.client.noise(key);
    } catch (e) {
      if (this.tabs.active === key) $('noiseInfo').textContent = `Noise not measured: ${e.message}`;
      return;
    }
    if (this.tabs.active !== key) return;
    const split = (s) => s.split('\n').slice(0, -1);
    const noise = { cum: split(n.cum), flat: split(n.flat), interval: split(n.interval), tested: n.tested };
    this.tabs.views.top.setNoise(noise);
    const flame = this.tabs.views.flame;
    if (n.tested) {
      const significant = new Set(['grew', 'shrank']);
      const mask = Uint8Array.from(noise.cum, (v, i) => (significant.has(v) || significant.has(noise.flat[i]) ? 0 : 1));
      // The diff flame graph and both sides of side by side (one node ids).
      for (const f of [flame, this.sides[SIDE.BASE], this.sides[SIDE.NEW]]) {
        f.noise = mask;
        if (f.key === key) f.paint();
      }
    }
    this.tested = n.tested;
    this.renderLegend(flame.palette);
    const c = this.tabs.get(key).state.compare;
    const sums = c.baseKeys.length > 1 || c.newKeys.length > 1 ? ' Values shown are each side\'s sum (pprof-lens diff shows means).' : '';
    $('noiseInfo').textContent = (n.tested
      ? `Grey: not significant. Intervals are each change's own 95%, in points of the total; verdicts hold the false discovery rate at 5% over every function. Model: ${n.model}.`
      : n.model) + sums;
  }

  setPalette(pal) {
    // Only a change of palette repaints (a plain profile's view never does).
    for (const f of [this.tabs.views.flame, this.sides[SIDE.BASE], this.sides[SIDE.NEW]]) {
      if (f.palette !== pal) { f.palette = pal; f.paint(); }
    }
    document.body.classList.toggle('cb', pal === 'cb');
    this.renderLegend(pal);
  }

  renderLegend(pal) {
    const sw = (ch, label) => {
      const s = document.createElement('span');
      const b = document.createElement('span');
      b.className = 'sw'; b.style.background = diffColor(ch, pal);
      s.append(b, ` ${label}`);
      return s;
    };
    if (this.tabs.current()?.state.compare?.sideBySide) {
      $('legend').replaceChildren(`Side by side: coloured by package${this.tested ? ', grey where the change is noise' : ''}, both on one scale (the larger side fills the width).`);
    } else {
      $('legend').replaceChildren(sw(1, 'only in new'), sw(0.5, 'grew'), sw(0, this.tested ? 'same, or noise' : 'same'),
        sw(-0.5, 'shrank'), sw(-1, 'only in base'), 'Width: the larger of base and new, stack by stack.');
    }
  }

  // Draws both sides of comparison `key`, with the tab's search.
  async showSides(key, names, search) {
    await Promise.all([this.sides[SIDE.BASE].setView(key, names), this.sides[SIDE.NEW].setView(key, names)]);
    await this.shareScale();
    if (search) await Promise.all([this.sides[SIDE.BASE].search(search), this.sides[SIDE.NEW].search(search)]);
  }

  async follow(side, box, hover) {
    const other = this.sides[side === SIDE.BASE ? SIDE.NEW : SIDE.BASE];
    const key = this.tabs.active;
    if (key === null || other.key !== key) return;
    try {
      if (!box) { if (hover) other.showPeer(null); else await other.zoomTo(ROOT, { quiet: true }); return; }
      if (!hover && box.depth === ROOT.depth) { await other.zoomTo(ROOT, { quiet: true }); await this.shareScale(); return; }
      const k = await this.client.locate(key, side, box, other.side, hover);
      if (hover) other.showPeer(k);
      else { await other.zoomTo(k || ROOT, { quiet: true }); await this.shareScale(); }
    } catch (e) {
      this.messages.show(e.message);
    }
  }

  // Side by side, both graphs use one scale: the larger side (at the current
  // zoom) fills the width and the other is as much narrower as it is smaller.
  async shareScale() {
    const [a, b] = [this.sides[SIDE.BASE], this.sides[SIDE.NEW]];
    const t = await Promise.all([a, b].map(async (f) => Math.abs((await f.info(f.zoom)).totalValue || 0)));
    const m = Math.max(t[0], t[1]);
    [a.extent, b.extent] = m > 0 ? [t[0] / m, t[1] / m] : [1, 1];
    a.paint(); b.paint();
  }
}
