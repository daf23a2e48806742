// The Source panel: the selected function's lines with flat and cum per
// line (as go tool pprof -list computes them, with the view's sample type
// and refinements), the lines around them, a heat bar per line, and in a
// comparison each line's base → new in the diff colours. The code comes
// from the source folders the user picked (sources.js); nothing is sent.
import { diffColor } from '../render/flame.js';
import { remembered } from '../sources.js';

export class SourceView {
  // `names()`: the current view's node names (to find an inlined callee's node).
  // `onRoots()`: a source folder was added (other views read their lines again).
  constructor(el, client, roots, { onMessage, onChange, onRoots, names }) {
    Object.assign(this, { el, client, roots, onMessage, onChange, onRoots, names });
    this.key = null; this.node = -1; this.seq = 0;
    this.pattern = ''; // a regex: every function it matches is listed, as -list
    this.shown = null; // the view and node (or regex) the panel lists ("key/node")
    el.list?.addEventListener('change', (e) => { this.pattern = e.target.value.trim(); this.open = true; this.refresh(); });
    el.pick.addEventListener('click', () => this.pick());
    el.input.addEventListener('change', (e) => {
      if (e.target.files.length) { this.roots.addFileList([...e.target.files]); this.refresh(); this.onRoots?.(); }
      e.target.value = '';
    });
    el.box.addEventListener('toggle', () => { this.onChange?.(); if (el.box.open) this.refresh(); });
    this.showRemembered();
  }

  // Buttons to reopen the folders remembered in this browser (one click:
  // the browser asks for permission again, nothing else).
  async showRemembered() {
    const handles = await remembered.list();
    const loaded = new Set(this.roots.roots.map((r) => r.name));
    this.el.remembered.replaceChildren(...handles.filter((h) => !loaded.has(h.name)).map((h) => {
      const span = document.createElement('span');
      span.className = 'chip';
      const open = document.createElement('button');
      open.type = 'button'; open.textContent = `Reopen ${h.name}`;
      open.title = 'A source folder you chose to remember in this browser';
      open.addEventListener('click', async () => {
        try {
          if ((await h.requestPermission?.({ mode: 'read' })) === 'denied') throw new Error('permission refused');
          await this.roots.addHandle(h);
          this.onRoots?.();
          this.open = true;
          await this.showRemembered();
          await this.refresh();
        } catch (e) {
          this.onMessage?.(`Source folder ${h.name}: ${e.message}`);
        }
      });
      const forget = document.createElement('button');
      forget.type = 'button'; forget.textContent = '×'; forget.title = `Forget ${h.name}`;
      forget.addEventListener('click', async () => { await remembered.forget(h.name); await this.showRemembered(); });
      span.append(open, forget);
      return span;
    }));
  }

  // A folder from the File System Access API; kept for the next visit when
  // the user asked to.
  async addHandle(h) {
    await this.roots.addHandle(h);
    this.onRoots?.();
    if (this.el.remember.checked) await remembered.add(h);
    await this.showRemembered();
    await this.refresh();
  }

  get open() { return this.el.box.open; }
  set open(v) { this.el.box.open = v; }

  // Asks for a folder: the File System Access API where there is one
  // (Chromium), else the directory input every browser has.
  async pick() {
    if (window.showDirectoryPicker) {
      try {
        const h = await window.showDirectoryPicker({ id: 'pprof-lens-sources' });
        await this.addHandle(h);
        return;
      } catch (e) {
        if (e.name === 'AbortError') return;
        // Refused (a file:// page, a policy): the input still works.
      }
    }
    this.el.input.click();
  }

  async addEntry(dir) {
    await this.roots.addEntry(dir);
    this.onRoots?.();
    this.open = true;
    await this.refresh();
  }

  // The function (graph node) of view `key` to list.
  async show(key, node) {
    // A selection takes over from a regex listing.
    if (node !== this.node || key !== this.key) { this.pattern = ''; if (this.el.list) this.el.list.value = ''; }
    this.key = key; this.node = node;
    await this.refresh();
  }

  async refresh() {
    const el = this.el;
    el.roots.textContent = this.roots.roots.length ? `Source folders: ${this.roots.summary()}` : 'No source folder yet.';
    const seq = ++this.seq;
    // A closed panel lists nothing, but never keeps another tab's or
    // function's listing for when it opens.
    const target = `${this.key}/${this.pattern ? `re:${this.pattern}` : this.node}`;
    if (!this.open) {
      if (this.shown !== target) {
        this.shown = null;
        el.title.textContent = 'Source';
        el.body.replaceChildren();
      }
      return;
    }
    if (this.key === null || (this.node < 0 && !this.pattern)) {
      el.title.textContent = 'Source';
      el.body.replaceChildren(hint('Select a function (click a row or a frame) to see its lines, or list every function matching a regex.'));
      return;
    }
    let routines;
    try {
      routines = await this.client.source(this.key, this.node, this.pattern);
    } catch (e) {
      if (seq === this.seq) { el.title.textContent = 'Source'; el.body.replaceChildren(hint(e.message)); }
      return;
    }
    const parts = await Promise.all(routines.map((r) => this.routine(r)));
    if (seq !== this.seq) return;
    el.title.textContent = this.pattern ? `Source of ${new Set(routines.map((r) => r.name)).size} functions matching ${this.pattern}`
      : routines.length ? `Source of ${routines[0].name}` : 'Source';
    this.shown = target;
    if (!routines.length) parts.push(hint('No source information for this function (the profile records no file for it).'));
    el.body.replaceChildren(...parts);
    el.roots.textContent = this.roots.roots.length ? `Source folders: ${this.roots.summary()}` : 'No source folder yet.';
    el.body.dataset.ready = String(Date.now());
  }

  // One routine: the function's lines in one file.
  async routine(r) {
    const diff = r.lines.some((l) => l.base !== '');
    const { div, rows } = await listing(this.roots, r, {
      // A regex lists several functions: each routine names its own, as pprof's ROUTINE line does.
      head: `${this.pattern ? `${r.name} in ` : ''}${r.file} · flat ${r.flat}, cum ${r.cum} (${r.pct} of the total)`,
      heads: diff ? ['base', 'new', 'Δ flat', 'Δ cum'] : ['flat', 'cum'],
      cells: (v) => (diff ? [v?.base ?? '.', v?.new ?? '.', v?.flat ?? '.', v?.cum ?? '.'] : [v?.flat ?? '.', v?.cum ?? '.']),
      // A line whose change is noise (not significant) is drawn in the neutral grey.
      colour: (v) => (diff ? diffColor(v.noise === '~' ? 0 : v.change) : ''),
      missing: (p) => {
        const add = document.createElement('button');
        add.type = 'button'; add.textContent = 'Add a source folder…';
        add.addEventListener('click', () => this.pick());
        p.append(' ', add);
      },
      stale: 'the profile has costs on line {last}: the file has changed since the profile was taken, so its lines are not shown.',
    });
    // Call sites the compiler inlined: expandable into the callee's lines.
    for (const { tr, code, v } of rows) {
      if (v?.noise) tr.dataset.noise = v.noise;
      for (const callee of v?.inlined || []) {
        const b = document.createElement('button');
        b.type = 'button'; b.className = 'inline-site';
        b.textContent = `▸ inlined ${callee}`;
        b.title = `Show the lines of ${callee}, inlined here`;
        b.addEventListener('click', () => this.expand(tr, b, callee, tr.cells.length));
        code.append(' ', b);
      }
    }
    return div;
  }

  // Shows (or hides again) an inlined callee's own lines under its call site.
  async expand(tr, button, callee, span) {
    const next = tr.nextElementSibling;
    if (next?.classList.contains('inline-expansion') && next.dataset.callee === callee) {
      next.remove();
      button.textContent = `▸ inlined ${callee}`;
      return;
    }
    const node = (this.names?.() || []).indexOf(callee);
    const row = document.createElement('tr');
    row.className = 'inline-expansion';
    row.dataset.callee = callee;
    const td = document.createElement('td');
    td.colSpan = span;
    row.append(td);
    tr.after(row);
    button.textContent = `▾ inlined ${callee}`;
    try {
      if (node < 0) throw new Error(`${callee} is not in this view`);
      const routines = await this.client.source(this.key, node);
      td.replaceChildren(...await Promise.all(routines.map((r) => this.routine(r))));
      this.el.roots.textContent = `Source folders: ${this.roots.summary()}`;
    } catch (e) {
      td.replaceChildren(hint(e.message));
    }
  }
}

// A leak suspect's lines across the snapshots of a series, each line's value
// per snapshot and its growth, scrolled to the line that grew most.
export async function renderSeriesSource(container, client, roots, keys, name) {
  container.replaceChildren(hint(`Reading the lines of ${name}…`));
  let routines;
  try {
    routines = await client.sourceSeries(keys, name);
  } catch (e) {
    container.replaceChildren(hint(e.message));
    return;
  }
  const parts = await Promise.all(routines.map(async (r) => (await listing(roots, r, {
    head: `${r.name} in ${r.file}: each line's value per snapshot and its growth (first → last)`,
    heads: [...keys.map((_, i) => `#${i + 1}`), 'growth'],
    cells: (v) => [...(v ? v.values : Array(keys.length).fill('.')), v?.growth ?? '.'],
    rowClass: (v, n) => (n === r.growing ? 'hot growing' : 'hot'),
    bar: (v) => v.weight > 0,
    missing: (p) => p.append(' Add a source folder in the profile view to see the code.'),
    stale: 'the profiles have costs on line {last}: the file has changed since they were taken.',
  })).div));
  container.replaceChildren(...parts);
  container.querySelector('tr.growing')?.scrollIntoView({ block: 'center' });
  container.dataset.ready = String(Date.now());
}

// A routine's lines as a table: its head, the file read from the source
// folders (or why not), then one row per line with `cells(v)` (v: the
// line's values, if any), a heat bar, the line number and the code. Without
// the file only the lines with values are listed; with it, pprof's range.
async function listing(roots, r, { head, heads, cells, colour = () => '', rowClass = () => 'hot', bar: hasBar = () => true, missing, stale }) {
  const div = document.createElement('div');
  div.className = 'routine';
  const h = document.createElement('div');
  h.className = 'routine-head';
  h.textContent = head;
  div.append(h);
  let src = null;
  try {
    src = await roots.lines(r.file);
  } catch (e) {
    const p = hint(e.message);
    missing(p);
    div.append(p);
  }
  const values = new Map(r.lines.map((l) => [l.line, l]));
  const last = Math.max(...r.lines.map((l) => l.line));
  if (src && last > src.lines.length) {
    div.append(hint(`${src.rel} has ${src.lines.length} lines, but ${stale.replace('{last}', last)}`));
    src = null;
  }
  const max = Math.max(1, ...r.lines.map((l) => l.weight));
  const table = document.createElement('table');
  table.className = 'source';
  const headRow = document.createElement('tr');
  for (const t of [...heads, '', 'line', 'code']) { const th = document.createElement('th'); th.textContent = t; headRow.append(th); }
  table.append(headRow);
  const rows = [];
  for (const n of src ? range(r.start, Math.min(r.end, src.lines.length)) : r.lines.map((l) => l.line)) {
    const v = values.get(n);
    const tr = document.createElement('tr');
    if (v) tr.className = rowClass(v, n);
    tr.dataset.line = String(n);
    for (const c of cells(v)) { const td = document.createElement('td'); td.className = 'num'; td.textContent = c; tr.append(td); }
    const heat = document.createElement('td');
    heat.className = 'heat';
    if (v && hasBar(v)) {
      const bar = document.createElement('span');
      bar.style.width = `${Math.max(2, (100 * v.weight) / max)}%`;
      if (colour(v)) bar.style.background = colour(v);
      heat.append(bar);
    }
    const no = document.createElement('td'); no.className = 'num lineno'; no.textContent = String(n);
    const code = document.createElement('td'); code.className = 'code';
    const text = document.createElement('span'); text.className = 'src';
    text.textContent = src ? src.lines[n - 1] : '';
    code.append(text);
    tr.append(heat, no, code);
    table.append(tr);
    rows.push({ tr, code, v });
  }
  div.append(table);
  return { div, rows };
}

function range(a, b) {
  const out = [];
  for (let i = a; i <= b; i++) out.push(i);
  return out;
}

function hint(text) {
  const p = document.createElement('p');
  p.className = 'muted source-hint';
  p.textContent = text;
  return p;
}
