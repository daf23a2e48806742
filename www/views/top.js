// The top table: flat, flat%, sum%, cum, cum%, name. Sorted by the core
// (so sum% follows the order), filtered by name here, rows rendered only
// where visible. For a comparison flat and cum are the changes (as pprof
// prints them with -diff_base/-base) and each side's values are shown too.
const ROW_H = 20;

const PLAIN = [['flat', 'flat'], ['flat%', 'flat'], ['sum%', null], ['cum', 'cum'], ['cum%', 'cum'], ['name', 'name']];
const DIFF = [['base flat', null], ['new flat', null], ['Δ flat', 'flat'], ['flat%', 'flat'], ['sum%', null],
  ['base cum', null], ['new cum', null], ['Δ cum', 'cum'], ['cum%', 'cum'], ['95% Δcum (points)', null], ['noise', null],
  ['name', 'name']];
// A row is noise when neither its flat nor its cum changed significantly.
const SIGNIFICANT = new Set(['grew', 'shrank']);

export class TopView {
  constructor(el, client, { onSelect, onMessage, onSort }) {
    Object.assign(this, { el, client, onSelect, onMessage, onSort });
    this.key = null; this.sort = 'flat'; this.desc = true; this.rows = null; this.visible = []; this.selected = -1;
    this.columns = null;
    // A comparison's verdicts by node ({ cum, flat, interval, tested }), and
    // whether rows that are noise are hidden.
    this.noise = null; this.hideNoise = false;
    this.setColumns(PLAIN);
    el.filter.addEventListener('input', () => this.applyFilter());
    el.box.addEventListener('scroll', () => this.render());
    el.tbody.addEventListener('click', (e) => {
      const tr = e.target.closest('tr[data-row]');
      if (!tr) return;
      const node = this.rows.node[Number(tr.dataset.row)];
      this.selected = node;
      this.render();
      this.onSelect?.(node);
    });
  }

  setColumns(cols) {
    if (this.columns === cols) return;
    this.columns = cols;
    const tr = document.createElement('tr');
    for (const [label, sort] of cols) {
      const th = document.createElement('th');
      th.textContent = label;
      th.className = label === 'name' ? '' : 'num';
      if (sort) {
        th.dataset.sort = sort;
        th.addEventListener('click', () => {
          const t0 = performance.now();
          // Numbers start biggest first (▼), names A→Z (▲).
          if (this.sort === sort) this.desc = !this.desc; else { this.sort = sort; this.desc = sort !== 'name'; }
          this.onSort?.();
          this.load().then(() => {
            this.sortMs = performance.now() - t0; // click → rows drawn (the benchmark reads it)
            this.fillLabels();
          });
        });
      }
      tr.append(th);
    }
    this.el.table.querySelector('thead').replaceChildren(tr);
  }

  // Shows the table of view `key` in the tab's order, filter and scroll.
  async setView(key, { compare = false, sort = { by: 'flat', desc: true }, filter = '', scroll = 0 } = {}) {
    this.key = key; this.selected = -1; this.base = null; this.noise = null;
    this.sort = sort.by; this.desc = sort.desc;
    this.el.filter.value = filter;
    this.setColumns(compare ? DIFF : PLAIN);
    await this.load();
    this.el.box.scrollTop = scroll;
    this.render();
  }

  // Adds pprof's inline labels to the names once the core has them (the
  // rows come first: the labels take a pass over the edges).
  async fillLabels() {
    if (!this.base || !this.labelsPending) return;
    const key = this.key; const base = this.base;
    const labels = await this.client.inlineLabels(key);
    if (this.key !== key || this.base !== base) return;
    for (const r of new Set([base, this.rows])) r.inline = Array.from(r.node, (n) => labels[n] || '');
    this.labelsPending = false;
    this.render();
  }

  // A comparison's verdicts arrived (client.noise, split by node).
  setNoise(noise) {
    this.noise = noise;
    this.applyFilter();
  }

  // The verdict and interval of row `i` ('' while they are being computed).
  verdictOf(i) {
    const n = this.noise; const node = this.rows.node[i];
    return n ? [n.interval[node] ?? '', n.cum[node] ?? ''] : ['', ''];
  }

  isNoise(i) {
    const n = this.noise; const node = this.rows.node[i];
    return !!n?.tested && !SIGNIFICANT.has(n.cum[node]) && !SIGNIFICANT.has(n.flat[node]);
  }

  // The tab's part of the table's state (see state.js).
  state() {
    return { sort: { by: this.sort, desc: this.desc }, filter: this.el.filter.value, scroll: this.el.box.scrollTop };
  }

  // The columns of the table as shown: [label, texts] pairs (the CSV export
  // writes these, so it cannot drift from the table).
  csvColumns() {
    const R = this.displayRows();
    if (!R) return [];
    const name = R.name.map((n, i) => n + (R.inline[i] ? ` ${R.inline[i]}` : ''));
    const noise = this.noise;
    const byNode = (col) => Array.from(R.node, (node) => (noise ? noise[col][node] ?? '' : ''));
    return R.baseCum
      ? [['base flat', R.baseFlat], ['new flat', R.newFlat], ['Δ flat', R.flatText], ['flat%', R.flatPct], ['sum%', R.sumPct],
        ['base cum', R.baseCum], ['new cum', R.newCum], ['Δ cum', R.cumText], ['cum%', R.cumPct],
        ['95% Δcum (points)', byNode('interval')], ['noise', byNode('cum')], ['mark', R.mark], ['name', name]]
      : [['flat', R.flatText], ['flat%', R.flatPct], ['sum%', R.sumPct], ['cum', R.cumText], ['cum%', R.cumPct], ['name', name]];
  }

  // The columns in the order shown (for the CSV export and tests).
  displayRows() {
    const R = this.rows;
    if (!R || !this.order) return R;
    const pos = this.order;
    const out = {};
    for (const [k, col] of Object.entries(R)) {
      out[k] = col instanceof Float64Array || col instanceof Uint32Array
        ? col.constructor.from(pos, (i) => col[i]) : Array.from(pos, (i) => col[i]);
    }
    return out;
  }

  // The rows in the table's order. The core gives the rows once (pprof's
  // order, with their texts); another order is then only a permutation and
  // its sum% (client.topOrder), so sorting 50,000 rows stays quick.
  async load() {
    if (this.key === null) return;
    const key = this.key;
    if (!this.base || this.baseKey !== key) {
      const r = await this.client.top(key, 'flat', true);
      const split = (s) => s.split('\n').slice(0, -1);
      const base = {
        node: r.node, flat: r.flat, cum: r.cum,
        name: split(r.name), inline: split(r.inline), flatText: split(r.flatText), flatPct: split(r.flatPct),
        sumPct: split(r.sumPct), cumText: split(r.cumText), cumPct: split(r.cumPct),
      };
      if (r.baseCum !== undefined) {
        Object.assign(base, { baseFlat: split(r.baseFlat), newFlat: split(r.newFlat), baseCum: split(r.baseCum),
          newCum: split(r.newCum), mark: split(r.mark) });
      }
      this.base = base; this.baseKey = key; this.labelsPending = r.labelsPending;
      // What pprof's trimming dropped ("Dropped 75 nodes (cum <= 29.80ms)"), or ''.
      this.dropped = r.dropped;
    }
    // `rows` holds the columns in pprof's order (a row's index is its
    // position there) with sum% for the order shown; `order` is the order
    // shown (null: pprof's).
    if (this.sort === 'flat' && this.desc) {
      this.rows = this.base; this.order = null;
    } else {
      const o = await this.client.topOrder(key, this.sort, this.desc);
      if (this.key !== key) return;
      const sums = o.sumPct.split('\n');
      const sumPct = new Array(o.rows.length);
      for (let k = 0; k < o.rows.length; k++) sumPct[o.rows[k]] = sums[k];
      this.rows = { ...this.base, sumPct }; this.order = o.rows;
    }
    let marked = false;
    this.el.table.querySelectorAll('th[data-sort]').forEach((th) => {
      const on = th.dataset.sort === this.sort && !marked;
      marked ||= on;
      th.classList.toggle('sorted', on);
      th.classList.toggle('asc', on && !this.desc);
    });
    this.applyFilter();
  }

  applyFilter() {
    if (!this.rows) return;
    const pattern = this.el.filter.value;
    let rx = null;
    this.el.filter.classList.remove('invalid');
    if (pattern) {
      try { rx = new RegExp(pattern); } catch (e) {
        this.el.filter.classList.add('invalid');
        this.el.rowInfo.textContent = `invalid regex: ${e.message}`;
        return;
      }
    }
    this.visible = [];
    const names = this.rows.name; const order = this.order;
    for (let k = 0; k < names.length; k++) {
      const i = order ? order[k] : k;
      if ((!rx || rx.test(names[i])) && !(this.hideNoise && this.isNoise(i))) this.visible.push(i);
    }
    const hidden = this.hideNoise && this.noise?.tested ? ' (noise hidden)' : '';
    const dropped = this.dropped ? ` · ${this.dropped}` : '';
    this.el.rowInfo.textContent = `${this.visible.length} of ${this.rows.name.length} rows${hidden}${dropped}`;
    this.render();
  }

  render() {
    const tbody = this.el.tbody;
    if (!this.rows) { tbody.replaceChildren(); return; }
    const box = this.el.box;
    const first = Math.max(0, Math.floor(box.scrollTop / ROW_H) - 10);
    const count = Math.ceil(box.clientHeight / ROW_H) + 20;
    const last = Math.min(this.visible.length, first + count);
    const spacer = (h) => { const tr = document.createElement('tr'); tr.className = 'spacer'; tr.style.height = `${h}px`; return tr; };
    const out = [spacer(first * ROW_H)];
    const R = this.rows;
    for (let k = first; k < last; k++) {
      const i = this.visible[k];
      const tr = document.createElement('tr');
      tr.dataset.row = String(i);
      if (R.node[i] === this.selected) tr.className = 'selected';
      const name = R.name[i] + (R.inline[i] ? ` ${R.inline[i]}` : '');
      const [interval, verdict] = R.baseCum ? this.verdictOf(i) : ['', ''];
      const cells = R.baseCum
        ? [[R.baseFlat[i], 'num'], [R.newFlat[i], 'num'], [R.flatText[i], 'num delta'], [R.flatPct[i], 'num'],
          [R.sumPct[i], 'num'], [R.baseCum[i], 'num'], [R.newCum[i], 'num'], [R.cumText[i], 'num delta'],
          [R.cumPct[i], 'num'], [interval, 'num interval'], [verdict, 'verdict'], [name, 'name']]
        : [[R.flatText[i], 'num'], [R.flatPct[i], 'num'], [R.sumPct[i], 'num'], [R.cumText[i], 'num'],
          [R.cumPct[i], 'num'], [name, 'name']];
      for (const [text, cls] of cells) {
        const td = document.createElement('td');
        td.className = cls;
        td.textContent = text;
        if (cls === 'num delta') {
          td.classList.add(text.startsWith('-') ? 'down' : text === '0' ? 'same' : 'up');
          if (this.isNoise(i)) td.classList.add('noise');
        }
        tr.append(td);
      }
      if (R.mark?.[i]) {
        const m = document.createElement('span');
        m.className = `mark ${R.mark[i]}`;
        m.textContent = R.mark[i];
        tr.lastChild.prepend(m);
      }
      out.push(tr);
    }
    out.push(spacer((this.visible.length - last) * ROW_H));
    tbody.replaceChildren(...out);
  }

  // Selects graph node `node` and scrolls its row into view (unless
  // `scroll` is false: a tab coming back keeps its own scroll).
  select(node, { scroll = true } = {}) {
    this.selected = node;
    if (!this.rows) return;
    const k = this.visible.findIndex((i) => this.rows.node[i] === node);
    if (k >= 0 && scroll) {
      const box = this.el.box;
      const y = k * ROW_H;
      if (y < box.scrollTop || y > box.scrollTop + box.clientHeight - ROW_H) box.scrollTop = Math.max(0, y - box.clientHeight / 3);
    }
    this.render();
  }
}
