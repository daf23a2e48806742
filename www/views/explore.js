// Exploring a view: the refine bar (granularity, noinlines, the filter
// fields and their chips), the right-click menu on frames and rows, the
// callers/callees tables of the selected function and the labels panel.
// Holds the filters of each profile; the core applies them.

import { FILTERS, emptyQuery } from '../state.js';

export const exact = (name) => `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;

export class ExploreView {
  // `apply(query)` re-views the active profile with `query` and throws the
  // core's error when it refuses; `onSelect(node)` selects a function.
  // `onPeek(node)` follows the function shown (-1: none).
  // `onSource(node)`: open the Source panel on the function.
  constructor(el, client, { apply, onSelect, onMessage, onPeek, onSource }) {
    Object.assign(this, { el, client, apply, onSelect, onMessage, onPeek, onSource });
    this.key = null; this.query = emptyQuery(); this.names = []; this.node = -1;
    el.granularity.addEventListener('change', () => this.run({ granularity: el.granularity.value }));
    el.noinlines.addEventListener('change', () => this.run({ noinlines: el.noinlines.checked }));
    el.toggle.addEventListener('click', () => {
      el.form.hidden = !el.form.hidden;
      el.toggle.setAttribute('aria-expanded', String(!el.form.hidden));
    });
    el.form.addEventListener('submit', (e) => {
      e.preventDefault();
      const next = {};
      for (const f of FILTERS) if (el.form.elements[f]) next[f] = el.form.elements[f].value.trim();
      this.run(next);
    });
    el.clear.addEventListener('click', () => this.run(emptyQuery()));
    document.addEventListener('click', (e) => { if (!el.menu.contains(e.target)) el.menu.hidden = true; });
    window.addEventListener('keydown', (e) => { if (e.key === 'Escape') el.menu.hidden = true; }, true);
    window.addEventListener('resize', () => { el.menu.hidden = true; });
  }

  // A new view is shown: its query, node names (the labels come later,
  // with loadLabels, once the flame graph and the table are drawn).
  show(key, query, names) {
    this.key = key; this.query = query; this.names = names;
    const el = this.el;
    el.granularity.value = query.granularity;
    el.noinlines.checked = query.noinlines;
    for (const f of FILTERS) if (el.form.elements[f]) el.form.elements[f].value = query[f];
    this.renderChips();
    this.node = -1;
    this.renderPeek(null);
    this.el.labels.textContent = '…';
  }

  // `change`, with a refusal shown next to its field or else as a message.
  async run(partial) {
    try {
      await this.change(partial);
    } catch (e) {
      if (!e.shown) this.onMessage?.(e.message);
    }
  }

  async change(partial) {
    const next = { ...this.query, ...partial };
    for (const s of this.el.form.querySelectorAll('.ferr')) s.textContent = '';
    try {
      await this.apply(next);
    } catch (e) {
      // The core names the field it refused (CoreError.field).
      const field = FILTERS.includes(e.field) ? e.field : null;
      const span = field && this.el.form.querySelector(`.ferr[data-for=${field}]`);
      if (span) {
        e.shown = true;
        span.textContent = e.message;
        this.el.form.hidden = false;
        this.el.toggle.setAttribute('aria-expanded', 'true');
      }
      throw e;
    }
  }

  renderChips() {
    const q = this.query;
    const chips = [];
    const chip = (text, reset) => {
      const c = document.createElement('span');
      c.className = 'chip';
      const x = document.createElement('button');
      x.type = 'button'; x.textContent = '×'; x.title = `Remove ${text}`;
      x.addEventListener('click', () => this.run(reset));
      c.append(text, x);
      chips.push(c);
    };
    for (const f of FILTERS) if (q[f]) chip(`${f}=${q[f]}`, { [f]: '' });
    if (q.granularity !== 'functions') chip(`granularity=${q.granularity}`, { granularity: 'functions' });
    if (q.noinlines) chip('noinlines', { noinlines: false });
    this.el.chips.replaceChildren(...chips);
  }

  // The right-click menu for function `node` at (x, y).
  menu(node, x, y) {
    const name = this.names[node];
    if (name === undefined) return;
    const rx = exact(name);
    const items = [
      [`Focus on ${name}`, () => this.change({ focus: rx })],
      [`Ignore ${name}`, () => this.change({ ignore: rx })],
      [`Hide ${name}`, () => this.change({ hide: this.query.hide ? `${this.query.hide}|${rx}` : rx })],
      [`Show only ${name}`, () => this.change({ show: rx })],
      [`Show from ${name}`, () => this.change({ show_from: rx })],
      [`Callers and callees of ${name}`, () => { this.onSelect?.(node); return this.peek(node); }],
      [`Source of ${name}`, async () => this.onSource?.(node)],
    ];
    const m = this.el.menu;
    m.replaceChildren(...items.map(([label, act]) => {
      const b = document.createElement('button');
      b.type = 'button'; b.setAttribute('role', 'menuitem'); b.textContent = label;
      b.addEventListener('click', () => { m.hidden = true; act().catch((e) => { if (!e.shown) this.onMessage?.(e.message); }); });
      return b;
    }));
    // Measured at the window's corner, where it takes its natural width (at
    // its last place, near an edge, it would wrap narrow and tall).
    m.style.left = '0px'; m.style.top = '0px';
    m.hidden = false;
    // Inside the window, whatever the length of the name (the menu's width
    // is capped by the stylesheet; long names wrap).
    m.style.left = `${Math.max(8, Math.min(x, window.innerWidth - m.offsetWidth - 8))}px`;
    m.style.top = `${Math.max(8, Math.min(y, window.innerHeight - m.offsetHeight - 8))}px`;
  }

  // Callers and callees of function `node`.
  async peek(node) {
    this.node = node;
    if (this.key === null || node < 0) { this.renderPeek(null); return; }
    try {
      this.renderPeek(await this.client.neighbours(this.key, node));
    } catch (e) {
      this.renderPeek(null, e.message);
    }
  }

  renderPeek(r, error) {
    const el = this.el;
    this.onPeek?.(r ? this.node : -1);
    el.peekHint.hidden = !!r;
    if (error) { el.peekHint.hidden = false; el.peekHint.textContent = error; }
    el.peekTitle.textContent = r ? `Callers and callees of ${r.name}: flat ${r.flat}, cum ${r.cum} (${r.cumPct})` : 'Callers and callees';
    const fill = (tbody, nodes, values, pcts, empty) => {
      const v = r ? values.split('\n') : [];
      const p = r ? pcts.split('\n') : [];
      const rows = r ? Array.from(nodes, (n, i) => {
        const tr = document.createElement('tr');
        for (const [text, cls] of [[this.names[n], ''], [v[i], 'num'], [p[i], 'num']]) {
          const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; tr.append(td);
        }
        tr.title = `Show the callers and callees of ${this.names[n]}`;
        tr.addEventListener('click', () => { this.onSelect?.(n); this.peek(n); });
        return tr;
      }) : [];
      if (r && !rows.length) {
        const tr = document.createElement('tr'); const td = document.createElement('td');
        td.colSpan = 3; td.className = 'muted'; td.textContent = empty; tr.append(td); rows.push(tr);
      }
      tbody.replaceChildren(...rows);
    };
    fill(el.callers, r?.callersNode, r?.callersValue, r?.callersPct, 'none: a root of the call graph');
    fill(el.callees, r?.calleesNode, r?.calleesValue, r?.calleesPct, 'none: it calls nothing (all flat)');
  }

  async loadLabels() {
    if (this.key === null) return;
    let keys;
    try { keys = await this.client.labels(this.key); } catch (e) { this.el.labels.textContent = e.message; return; }
    if (!keys.length) { this.el.labels.textContent = 'No labels in this view.'; this.el.labels.className = 'muted'; return; }
    this.el.labels.className = '';
    const out = [];
    for (const k of keys) {
      const h = document.createElement('div');
      h.className = 'label-key'; h.textContent = `${k.key}${k.numeric ? ' (numeric)' : ''}`;
      out.push(h);
      for (const v of k.values.slice(0, 30)) {
        const row = document.createElement('div');
        row.className = 'label-value';
        row.title = `Keep only these samples: tagfocus=${v.tagfocus}`;
        row.dataset.tagfocus = v.tagfocus;
        const t = document.createElement('span'); t.textContent = v.text;
        const a = document.createElement('span'); a.textContent = v.value;
        const p = document.createElement('span'); p.textContent = v.pct;
        // The bar sits inside its own row, under its text (a share of the total).
        const bar = document.createElement('span'); bar.className = 'label-bar';
        bar.style.width = `${Math.min(100, Math.max(0, v.share))}%`;
        row.append(t, a, p, bar);
        row.addEventListener('click', () => this.run({ tagfocus: v.tagfocus }));
        out.push(row);
      }
      if (k.values.length > 30) {
        const more = document.createElement('div'); more.className = 'muted'; more.textContent = `… ${k.values.length - 30} more`;
        out.push(more);
      }
    }
    this.el.labels.replaceChildren(...out);
  }
}
