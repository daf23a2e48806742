// The series view: snapshots in time order, the total over time, and the
// ranked leak suspects with their trend; a click shows the suspect's
// callers and callees in the last snapshot.
import { LAYER_COLORS, drawStacked, sparkline } from '../render/chart.js';

// Suspects stacked under the total in the chart.
const LAYERS = 5;

export class SeriesView {
  // `listTabs()`: the open profiles, [{ key, name, types: [{ type, unit }] }].
  // `roots`: the source folders (findings quote their lines from them).
  // `onGroup(key, sample, name)`: show a goroutine group of profile `key`.
  constructor(el, client, { onMessage, onShown, onGrowth, onSource, onGroup, listTabs, roots }) {
    Object.assign(this, { el, client, onMessage, onShown, onGrowth, onSource, onGroup, listTabs, roots });
    this.keys = [];
    this.chosen = null; // keys the user checked (null: every open profile)
    this.sampleIndex = undefined;
    el.type.addEventListener('change', () => {
      this.sampleIndex = Number(el.type.value);
      this.rerank();
    });
    el.chart.addEventListener('mousemove', (e) => this.hover(e));
    el.chart.addEventListener('mouseleave', () => { el.chartTip.hidden = true; });
  }

  // Opens the series on every open profile (those of another kind are skipped, and said so).
  async open() {
    this.chosen = null; this.sampleIndex = undefined;
    await this.rerank();
  }

  // Ranks the checked profiles again (a box or the sample type changed), in place.
  async rerank() {
    const tabs = this.listTabs();
    const keys = tabs.filter((t) => !this.chosen || this.chosen.has(t.key)).map((t) => t.key);
    await this.show(keys);
    this.renderChoices(tabs);
    this.onShown?.();
  }

  // A checkbox per open profile, and the sample types of the series' kind.
  renderChoices(tabs) {
    const inSeries = new Set(this.keys);
    this.el.pick.replaceChildren(...tabs.map((t) => {
      const label = document.createElement('label');
      label.className = 'chip';
      const box = document.createElement('input');
      box.type = 'checkbox'; box.checked = inSeries.has(t.key); box.dataset.key = String(t.key);
      box.addEventListener('change', () => {
        this.chosen = new Set([...this.el.pick.querySelectorAll('input:checked')].map((b) => Number(b.dataset.key)));
        this.rerank().catch((e) => this.onMessage?.(`Series: ${e.message}`));
      });
      label.append(box, ' ', t.name);
      if (!inSeries.has(t.key) && (!this.chosen || this.chosen.has(t.key))) label.title = 'Skipped: another kind of profile';
      return label;
    }));
    const first = tabs.find((t) => inSeries.has(t.key));
    const types = first ? first.types : [];
    const current = this.sampleIndex ?? this.data?.sampleIndex;
    this.el.type.replaceChildren(...types.map((st, i) => {
      const o = document.createElement('option');
      o.value = String(i); o.textContent = `${st.type} (${st.unit})`;
      if (st.type === this.data?.sampleType) o.selected = true;
      return o;
    }));
    if (current !== undefined && current < types.length) this.el.type.value = String(current);
  }

  // Ranks the snapshots `keys`; in time order unless `keepOrder` (the user moved one).
  async show(keys, keepOrder = false) {
    const r = await this.client.series(keys, { limit: 50, keepOrder, sampleIndex: this.sampleIndex });
    // What was asked (profiles of the other kind included: they are read
    // with the series), to ask again with the sources.
    this.asked = { keys, keepOrder };
    this.keys = Array.from(r.order, (i) => keys[i]);
    this.data = r;
    const split = (s) => (s ? s.split('\n') : []);
    const files = split(r.files);
    const totals = split(r.totalsText);
    this.el.notes.textContent = r.notes ? split(r.notes).map((n) => `Note: ${n}`).join('  ') : '';
    const time = (ns) => (ns ? new Date(ns / 1e6).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : 'unknown');
    const offsets = split(r.offsets);
    // Each snapshot's time and its offset from the first; the span in the notes.
    if (r.span) this.el.notes.textContent = `${files.length} snapshots over ${r.span}.  ${this.el.notes.textContent}`;
    this.el.snapshots.replaceChildren(...files.map((f, i) => {
      const when = offsets[i] ? `${time(r.times[i])} (${offsets[i]})` : time(r.times[i]);
      const tr = row([String(i + 1), f, when, totals[i], ''], [0, 3]);
      if (i > 0) {
        const up = document.createElement('button');
        up.type = 'button'; up.textContent = '↑'; up.title = `Move ${f} earlier`; up.className = 'move-up';
        up.addEventListener('click', () => {
          const k = [...this.keys];
          [k[i - 1], k[i]] = [k[i], k[i - 1]];
          this.show(k, true).catch((e) => this.onMessage?.(`Series: ${e.message}`));
        });
        tr.children[4].append(up);
      }
      return tr;
    }));
    const xs = Array.from(r.times.some((t) => t === 0) ? files.map((_, i) => i) : r.times);
    const names = split(r.name); const vals = split(r.valuesText);
    const n = files.length;
    // The total, with the top suspects' own values stacked under it: which
    // function makes the total climb.
    const layers = names.slice(0, LAYERS).map((_, i) => Array.from(r.values.subarray(i * n, (i + 1) * n)));
    this.chartData = {
      files, totals, names: names.slice(0, LAYERS),
      texts: vals.slice(0, LAYERS).map((v) => v.replace(/^\[|\]$/g, '').split(' ')),
    };
    this.chartXs = drawStacked(this.el.chart.getContext('2d'), xs, Array.from(r.totals), layers, {
      width: this.el.chart.width, height: this.el.chart.height,
      labels: { x: files.map((_, i) => `#${i + 1}`), maxY: totals.reduce((a, b) => (a.length > b.length ? a : b), '') },
    });
    this.el.chartLegend.replaceChildren(...this.chartData.names.map((name, k) => {
      const item = document.createElement('span');
      const sw = document.createElement('i');
      sw.style.background = LAYER_COLORS[k % LAYER_COLORS.length];
      item.append(sw, name);
      return item;
    }), (() => {
      const item = document.createElement('span');
      const sw = document.createElement('i'); sw.className = 'rest';
      item.append(sw, 'everything else (up to the red total)');
      return item;
    })());
    this.el.chart.dataset.layers = String(layers.length);
    this.el.chart.dataset.points = String(files.length);
    // Goroutine counts are not allocations: no "kept" column for them.
    this.el.suspects.closest('table').classList.toggle('no-kept', /^goroutine/.test(r.sampleType));
    const growth = split(r.growth); const slope = split(r.slope);
    const cons = split(r.consistency); const kept = split(r.kept);
    this.el.suspects.replaceChildren(...names.map((name, i) => {
      const tr = row([String(i + 1), name, '', growth[i], slope[i], cons[i], kept[i], vals[i]], [0, 3, 4, 5, 6]);
      const c = document.createElement('canvas');
      c.width = 90; c.height = 20; c.className = 'spark';
      tr.children[2].append(c);
      sparkline(c, Array.from(r.values.subarray(i * n, (i + 1) * n)));
      tr.addEventListener('click', () => this.peek(name, tr));
      return tr;
    }));
    this.showFindings(r.findings || [], r);
    this.el.peek.hidden = true;
    this.ground(r, keys, keepOrder).catch(() => {});
    const nStacks = r.stacks;
    this.el.stacksBox.hidden = nStacks === 0;
    if (nStacks) {
      const [leak, blocked, fn, counts] = [r.stackLeaking, r.stackBlocked, r.stackFunction, r.stackCounts].map(split);
      this.el.stacks.replaceChildren(...Array.from({ length: nStacks }, (_, i) => {
        const tr = row([leak[i] ? 'LEAKING' : '', blocked[i] || '-', fn[i], counts[i]], []);
        if (leak[i]) tr.className = 'leaking';
        return tr;
      }));
    }
  }

  // The values at the snapshot nearest the pointer.
  hover(e) {
    const d = this.chartData; const xs = this.chartXs;
    if (!d || !xs?.length) return;
    const rect = this.el.chart.getBoundingClientRect();
    const x = (e.clientX - rect.left) * (this.el.chart.width / rect.width);
    let i = 0;
    xs.forEach((px, j) => { if (Math.abs(px - x) < Math.abs(xs[i] - x)) i = j; });
    const lines = [`#${i + 1} ${d.files[i]}: total ${d.totals[i]}`,
      ...d.names.map((name, k) => `${name}: ${d.texts[k][i] ?? ''}`)];
    const tip = this.el.chartTip;
    tip.textContent = lines.join('\n');
    tip.hidden = false;
    const box = this.el.chart.parentElement.getBoundingClientRect();
    tip.style.left = `${e.clientX - box.left + 12}px`;
    tip.style.top = `${e.clientY - box.top + 12}px`;
  }

  // With source folders open, the findings read their lines: the files they
  // name are read here (nothing leaves the page) and the core quotes each
  // line and confirms or drops the pattern from the code around it.
  async ground(r, keys, keepOrder) {
    const files = r.sourceFiles || [];
    if (!files.length || !this.roots?.roots.length) return;
    const sources = {};
    await Promise.all(files.map(async (f) => {
      try { sources[f] = (await this.roots.lines(f)).lines.join('\n'); } catch { /* not in the folders */ }
    }));
    if (!Object.keys(sources).length || this.data !== r) return;
    const g = await this.client.series(keys, { limit: 50, keepOrder, sampleIndex: this.sampleIndex, sources });
    if (this.data !== r) return;
    this.showFindings(g.findings || [], g);
    this.el.findings.dataset.grounded = String(Object.keys(sources).length);
  }

  // A suspect's lines, kept to be shown again when a folder is added.
  showSource(keys, name) {
    this.shownSource = [keys, name];
    return this.onSource?.(keys, name);
  }

  // A source folder was added: the findings read their lines again, and
  // the suspect's Source shown is drawn again from the new folders.
  regroundFindings() {
    if (this.data && this.asked) this.ground(this.data, this.asked.keys, this.asked.keepOrder).catch(() => {});
    if (this.shownSource) this.onSource?.(...this.shownSource);
  }

  // One card per finding: the pattern, the sentence, the evidence, and a
  // button to its lines in the Source panel.
  showFindings(findings, r = {}) {
    const box = this.el.findings;
    if (!findings.length) {
      const p = document.createElement('p');
      p.className = 'muted'; p.textContent = 'No finding: no suspect looks like a known kind of leak.';
      box.replaceChildren(p);
      return;
    }
    box.replaceChildren(...findings.map((f, i) => {
      const card = document.createElement('details');
      card.className = `finding ${f.pattern}`;
      card.dataset.pattern = f.pattern; card.dataset.name = f.name;
      const sum = document.createElement('summary');
      const title = document.createElement('strong');
      title.textContent = f.title + (f.certain ? '' : ' (uncertain)');
      sum.append(title, ' ', f.sentence);
      const ul = document.createElement('ul');
      ul.append(...f.evidence.map((e) => { const li = document.createElement('li'); li.textContent = e; return li; }));
      card.append(sum, ul);
      const groupKey = r.groupTabs?.[i];
      if (groupKey !== null && groupKey !== undefined) {
        const g = document.createElement('button');
        g.type = 'button'; g.className = 'growth';
        g.textContent = `The goroutine group of ${f.name}`;
        g.addEventListener('click', () => this.onGroup?.(groupKey, r.groupSamples[i], f.name));
        card.append(g);
      }
      if (f.pattern !== 'churn' && f.pattern !== 'goroutine-leak') {
        const src = document.createElement('button');
        src.type = 'button'; src.className = 'growth';
        src.textContent = `Source of ${f.name}, line by line`;
        src.addEventListener('click', () => this.showSource(this.keys, f.name));
        card.append(src);
      }
      return card;
    }));
  }

  async peek(name, tr) {
    this.el.suspects.querySelectorAll('tr.selected').forEach((t) => t.classList.remove('selected'));
    tr.classList.add('selected');
    const last = this.keys[this.keys.length - 1];
    const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const growth = document.createElement('button');
    growth.type = 'button'; growth.className = 'growth';
    growth.textContent = `Growth flame graph of ${name} (last − first snapshot)`;
    growth.addEventListener('click', () => this.onGrowth?.(this.keys[0], last, name));
    const source = document.createElement('button');
    source.type = 'button'; source.className = 'growth';
    source.textContent = `Source of ${name}, line by line`;
    source.addEventListener('click', () => this.showSource(this.keys, name));
    try {
      const text = await this.client.peek(last, `^${esc}$`);
      this.el.peek.replaceChildren(growth, ' ', source,
        `\n\nCallers and callees of ${name} in the last snapshot (as go tool pprof -peek):\n\n${text}`);
    } catch (e) {
      this.el.peek.replaceChildren(growth, ' ', source, `\n\n${e.message}`);
    }
    this.el.peek.hidden = false;
  }
}

function row(cells, numeric) {
  const tr = document.createElement('tr');
  cells.forEach((text, i) => {
    const td = document.createElement('td');
    if (numeric.includes(i)) td.className = 'num';
    td.textContent = text;
    tr.append(td);
  });
  return tr;
}
