// The flame graph view: layout requests, zoom (click a frame, or wheel and
// drag as in speedscope: zoom around the pointer, pan), hover tooltip,
// search, orientation, selection. Drawing is in render/flame.js.
import { drawBoxes, drawOutlines, hitTest } from '../render/flame.js';
import { SIDE } from '../client.js';

// The zoom key of "everything" (the core falls back to the root for it).
export const ROOT = { lo: 0, hi: 0, depth: 4294967295 };
const boxKey = (L, i) => ({ lo: L.lo[i], hi: L.hi[i], depth: L.depth[i] });

// The most rows drawn: a canvas cannot be taller than about 32,000 pixels,
// and one as tall as 1,500 rows made the browser hold 1.8 GB on a profile
// of stacks 300 to 3,000 deep (two canvases of 27,000 pixels). Deeper
// frames are in the table and the callers/callees panels, and zooming into
// a frame re-roots the graph there.
export const MAX_ROWS = 600;
function clipRows(L) {
  if (!L || L.maxDepth <= MAX_ROWS) return L;
  const keep = [];
  for (let i = 0; i < L.depth.length; i++) if (L.depth[i] < MAX_ROWS) keep.push(i);
  const pick = (a, T) => T.from(keep, (i) => a[i]);
  return {
    x: pick(L.x, Float64Array), width: pick(L.width, Float64Array), depth: pick(L.depth, Uint32Array), node: pick(L.node, Uint32Array),
    lo: pick(L.lo, Uint32Array), hi: pick(L.hi, Uint32Array), inlined: pick(L.inlined, Uint8Array),
    change: L.change && L.change.length ? pick(L.change, Float32Array) : new Float32Array(0),
    maxDepth: MAX_ROWS, clipped: L.maxDepth,
  };
}

export class FlameView {
  // `side`: which flame graph of the view (one of SIDE: the view's own; in a
  // comparison the base or the new side alone; a pivot's callers or
  // callees). `onZoom(box)` and `onHover(box|null)` let side-by-side graphs
  // follow each other.
  constructor(el, client, { onSelect, onMessage, onZoom, onHover, side = SIDE.VIEW }) {
    Object.assign(this, { el, client, onSelect, onMessage, onZoom, onHover, side });
    this.palette = 'rg'; this.noise = null; this.peer = -1; this.cursor = -1; this.extent = 1;
    // The wheel's magnification of the zoom box and the left edge shown (a
    // fraction of the zoom box): 1 and 0 show all of it.
    this.scale = 1; this.offset = 0; this.base = null;
    this.key = null; this.names = []; this.layout = null; this.zoom = ROOT;
    this.flip = false; this.match = null; this.hover = -1; this.selected = -1;
    this.infoCache = new Map();
    this.ctx = el.canvas.getContext('2d');
    this.octx = el.overlay.getContext('2d');
    el.overlay.addEventListener('mousemove', (e) => this.onMove(e));
    el.overlay.addEventListener('mouseleave', () => {
      this.hover = -1; el.tooltip.hidden = true; this.paintOverlay(); this.onHover?.(null);
    });
    el.overlay.addEventListener('click', (e) => { if (this.dragged) { this.dragged = false; return; } this.onClick(e); });
    el.overlay.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    el.overlay.addEventListener('mousedown', (e) => this.onDragStart(e));
    el.zoomOut?.addEventListener('click', () => this.zoomTo(ROOT));
    el.orientation?.addEventListener('click', () => { this.flip = !this.flip; this.paint(); });
    el.search?.addEventListener('input', () => this.search(el.search.value));
    // Only a change of width needs a new layout (the height follows the layout).
    this.lastWidth = 0;
    new ResizeObserver(() => {
      const w = el.box.clientWidth;
      if (w !== this.lastWidth) { this.lastWidth = w; this.refresh(); }
    }).observe(el.box);
  }

  async setView(key, names) {
    this.key = key; this.names = names; this.zoom = ROOT; this.selected = -1;
    this.scale = 1; this.offset = 0; this.cursorKey = null; this.noise = null;
    this.infoCache.clear();
    this.match = null;
    await this.refresh();
    if (this.el.search?.value) await this.search(this.el.search.value);
    else if (this.el.searchInfo) this.el.searchInfo.textContent = '';
  }

  size() {
    const w = Math.max(this.el.box.clientWidth, 100);
    return { width: w, dpr: window.devicePixelRatio || 1 };
  }

  async refresh() {
    // A hidden graph (the merged one while side by side is shown) waits.
    if (this.key === null || this.el.box.clientWidth === 0) return;
    const { width } = this.size();
    // The observer's first call (when the graph is first shown) finds this
    // width laid out already: no second layout.
    this.lastWidth = this.el.box.clientWidth;
    const t0 = performance.now();
    this.base = clipRows(await this.client.flame(this.key, this.side, this.zoom, 0.5 / (width * this.scale)));
    this.layoutMs = performance.now() - t0;
    this.el.box.dataset.clipped = this.base.clipped ? String(this.base.clipped) : '';
    this.el.box.title = this.base.clipped
      ? `The stacks here are ${this.base.clipped} frames deep: the first ${MAX_ROWS} rows are drawn (the table and the callers and callees have every frame).`
      : '';
    this.applyView();
    this.hover = -1; this.peer = -1;
    // Keep the keyboard cursor on the same box when it is still laid out.
    const was = this.cursorKey;
    this.cursor = -1;
    if (was) {
      const L = this.layout;
      for (let i = 0; i < L.x.length; i++) if (L.lo[i] === was.lo && L.hi[i] === was.hi && L.depth[i] === was.depth) { this.cursor = i; break; }
    }
    this.paint();
    this.crumbs();
  }

  // The boxes drawn: the core's layout magnified by the wheel (`scale`,
  // `offset`), clipped to the width.
  applyView() {
    const B = this.base;
    if (!B || (this.scale === 1 && this.offset === 0)) { this.layout = B; return; }
    const keep = [];
    const x = []; const w = [];
    for (let i = 0; i < B.x.length; i++) {
      const a = (B.x[i] - this.offset) * this.scale;
      const b = a + B.width[i] * this.scale;
      if (b <= 0 || a >= 1) continue;
      keep.push(i); x.push(Math.max(a, 0)); w.push(Math.min(b, 1) - Math.max(a, 0));
    }
    const pick = (arr, T) => T.from(keep, (i) => arr[i]);
    this.layout = {
      x: Float64Array.from(x), width: Float64Array.from(w), depth: pick(B.depth, Uint32Array), node: pick(B.node, Uint32Array),
      lo: pick(B.lo, Uint32Array), hi: pick(B.hi, Uint32Array), inlined: pick(B.inlined, Uint8Array), maxDepth: B.maxDepth,
      change: B.change && B.change.length ? pick(B.change, Float32Array) : new Float32Array(0),
    };
  }

  // Wheel (or trackpad): zoom around the pointer; a sideways wheel pans.
  onWheel(e) {
    if (!this.base) return;
    e.preventDefault();
    const r = this.el.overlay.getBoundingClientRect();
    const fx = Math.min(Math.max((e.clientX - r.left) / (r.width || 1), 0), 1);
    const at = this.offset + fx / this.scale; // the point under the pointer stays there
    const dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
    const dx = e.deltaMode === 1 ? e.deltaX * 16 : e.deltaX;
    this.scale = Math.min(Math.max(this.scale * Math.exp(-dy * 0.002), 1), 1e6);
    this.offset = at - fx / this.scale + dx / ((r.width || 1) * this.scale);
    this.clampView();
    this.afterViewChange();
  }

  onDragStart(e) {
    if (e.button !== 0 || !this.base) return;
    const start = { x: e.clientX, offset: this.offset };
    const width = this.el.overlay.getBoundingClientRect().width || 1;
    const move = (m) => {
      const dx = m.clientX - start.x;
      if (Math.abs(dx) > 3) this.dragged = true;
      if (!this.dragged || this.scale === 1) return;
      this.offset = start.offset - dx / (width * this.scale);
      this.clampView();
      this.afterViewChange();
    };
    const up = () => { window.removeEventListener('mousemove', move); window.removeEventListener('mouseup', up); };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  }

  clampView() {
    this.offset = Math.min(Math.max(this.offset, 0), 1 - 1 / this.scale);
  }

  // Redraws at once from the boxes at hand, then asks for the boxes that
  // the magnification made wide enough to see.
  afterViewChange() {
    this.applyView();
    this.hover = -1;
    this.el.tooltip.hidden = true;
    this.paint();
    this.el.canvas.dataset.scale = String(this.scale);
    clearTimeout(this.detailTimer);
    this.detailTimer = setTimeout(() => this.refresh(), 120);
  }

  opts() {
    const { width } = this.size();
    const rows = Math.max(this.layout ? this.layout.maxDepth : 1, 1);
    // `extent` < 1 draws the graph narrower: side by side, both sides share one scale.
    return { width: width * this.extent, height: rows * 18 + 2, flip: this.flip, match: this.match, palette: this.palette, noise: this.noise };
  }

  paint() {
    if (!this.layout) return;
    const t0 = performance.now();
    const o = this.opts();
    const { dpr, width } = this.size();
    for (const c of [this.el.canvas, this.el.overlay]) {
      c.width = Math.round(width * dpr); c.height = Math.round(o.height * dpr);
      c.style.width = `${width}px`; c.style.height = `${o.height}px`;
    }
    this.el.box.style.height = `${o.height}px`;
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.octx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawBoxes(this.ctx, this.layout, this.names, o);
    this.paintOverlay();
    this.paintMs = performance.now() - t0;
    this.el.canvas.dataset.boxes = String(this.layout.x.length);
    this.el.canvas.dataset.painted = String((Number(this.el.canvas.dataset.painted) || 0) + 1);
  }

  paintOverlay() {
    if (!this.layout) return;
    const t0 = performance.now();
    const o = this.opts();
    this.octx.clearRect(0, 0, this.size().width, o.height);
    if (this.selected >= 0) {
      const sel = [];
      for (let i = 0; i < this.layout.node.length; i++) if (this.layout.node[i] === this.selected) sel.push(i);
      drawOutlines(this.octx, this.layout, sel, o, '#1a56db');
    }
    if (this.hover >= 0) drawOutlines(this.octx, this.layout, [this.hover], o, '#111');
    if (this.peer >= 0) drawOutlines(this.octx, this.layout, [this.peer], o, '#e8a200');
    if (this.cursor >= 0) drawOutlines(this.octx, this.layout, [this.cursor], o, '#d81b60');
    this.overlayMs = performance.now() - t0;
  }

  async onMove(e) {
    if (!this.layout) return;
    const r = this.el.overlay.getBoundingClientRect();
    const i = hitTest(this.layout, e.clientX - r.left, e.clientY - r.top, this.opts());
    if (i === this.hover) { this.placeTip(e); return; }
    this.hover = i;
    this.paintOverlay();
    this.onHover?.(i < 0 ? null : boxKey(this.layout, i));
    if (i < 0) { this.el.tooltip.hidden = true; return; }
    const info = await this.info(boxKey(this.layout, i));
    if (this.hover !== i) return;
    const t = this.el.tooltip;
    t.replaceChildren();
    const line = (cls, text) => { const d = document.createElement('div'); d.className = cls; d.textContent = text; t.append(d); };
    line('tip-name', info.name + (info.inlined ? '  (inlined)' : ''));
    if (info.location) line('tip-loc', info.location);
    if (info.base !== undefined) {
      line('tip-val', `base ${info.base} → new ${info.new}`);
      line('tip-val', `change ${info.delta} (${info.deltaPct})`);
      line('tip-val', `self: base ${info.selfBase} → new ${info.selfNew}`);
    } else {
      line('tip-val', `self ${info.self} (${info.selfPct})   total ${info.total} (${info.totalPct})`);
    }
    t.hidden = false;
    this.placeTip(e);
  }

  // The tooltip next to the pointer, always inside the window: to the left
  // of the pointer when there is no room on its right, above it when there
  // is none below.
  placeTip(e) {
    const t = this.el.tooltip;
    if (t.hidden) return;
    const W = window.innerWidth; const H = window.innerHeight;
    const w = t.offsetWidth; const h = t.offsetHeight;
    let x = e.clientX + 14;
    if (x + w > W - 4) x = e.clientX - w - 14;
    let y = e.clientY + 14;
    if (y + h > H - 4) y = e.clientY - h - 14;
    t.style.left = `${Math.max(4, Math.min(x, W - w - 4))}px`;
    t.style.top = `${Math.max(4, Math.min(y, H - h - 4))}px`;
  }

  async info(box) {
    const k = `${box.lo}:${box.hi}:${box.depth}`;
    if (!this.infoCache.has(k)) this.infoCache.set(k, await this.client.boxInfo(this.key, this.side, box));
    return this.infoCache.get(k);
  }

  async onClick(e) {
    if (!this.layout) return;
    const r = this.el.overlay.getBoundingClientRect();
    const i = hitTest(this.layout, e.clientX - r.left, e.clientY - r.top, this.opts());
    if (i < 0) return;
    const node = this.layout.node[i];
    this.selected = node;
    await this.zoomTo(boxKey(this.layout, i));
    this.onSelect?.(node);
  }

  // Zooms to `box`: first redraws at once from the boxes already laid out
  // (the subtree rescaled to the full width), then asks the core for the
  // exact layout, which adds the boxes that were too narrow to see before.
  async zoomTo(box, { quiet = false } = {}) {
    this.zoom = box;
    if (this.scale !== 1 || this.offset !== 0) {
      // A frame zoom starts from the whole frame.
      this.scale = 1; this.offset = 0; this.layout = this.base;
      this.el.canvas.dataset.scale = '1';
    }
    if (!quiet) this.onZoom?.(box);
    const t0 = performance.now();
    if (this.layout && box.depth !== ROOT.depth && this.provisional(box)) {
      this.paint();
      this.zoomDrawMs = performance.now() - t0;
    } else {
      this.zoomDrawMs = undefined;
    }
    await this.refresh();
    if (this.zoomDrawMs === undefined) this.zoomDrawMs = performance.now() - t0;
  }

  provisional(box) {
    const L = this.layout;
    let at = -1;
    for (let i = 0; i < L.x.length; i++) {
      if (L.lo[i] === box.lo && L.hi[i] === box.hi && L.depth[i] === box.depth) { at = i; break; }
    }
    if (at < 0) return false;
    const x0 = L.x[at]; const w0 = L.width[at];
    const keep = [];
    for (let i = 0; i < L.x.length; i++) {
      const inside = L.lo[i] >= box.lo && L.hi[i] <= box.hi && L.depth[i] >= box.depth;
      const above = L.depth[i] < box.depth && L.lo[i] <= box.lo && L.hi[i] >= box.hi;
      if (inside || above) keep.push(i);
    }
    const pick = (a, T) => T.from(keep, (i) => a[i]);
    this.base = this.layout = {
      x: Float64Array.from(keep, (i) => (L.depth[i] < box.depth ? 0 : (L.x[i] - x0) / w0)),
      width: Float64Array.from(keep, (i) => (L.depth[i] < box.depth ? 1 : L.width[i] / w0)),
      depth: pick(L.depth, Uint32Array), node: pick(L.node, Uint32Array), lo: pick(L.lo, Uint32Array),
      hi: pick(L.hi, Uint32Array), inlined: pick(L.inlined, Uint8Array), maxDepth: L.maxDepth,
      change: L.change && L.change.length ? pick(L.change, Float32Array) : new Float32Array(0),
    };
    return true;
  }

  async zoomOutOne() {
    if (this.scale !== 1) { this.scale = 1; this.offset = 0; this.afterViewChange(); return; }
    if (this.zoom === ROOT) return;
    const info = await this.info(this.zoom);
    const d = this.zoom.depth;
    await this.zoomTo(d === 0 ? ROOT : { lo: info.pathLo[d - 1], hi: info.pathHi[d - 1], depth: d - 1 });
  }

  // Moves the keyboard cursor: 'left'/'right' along the row, 'up' to the
  // caller, 'down' to the widest callee. Selects the frame's function.
  moveCursor(dir) {
    const L = this.layout;
    if (!L || !L.x.length) return;
    let c = this.cursor;
    const at = (i) => L.x[i] + L.width[i] / 2;
    const visible = (i) => L.width[i] * this.size().width >= 1;
    if (c < 0) {
      // Start at the widest box of the zoom root's row.
      const d0 = Math.min(...L.depth);
      c = [...L.x.keys()].filter((i) => L.depth[i] === d0).sort((a, b) => L.width[b] - L.width[a])[0];
    } else if (dir === 'left' || dir === 'right') {
      const row = [...L.x.keys()].filter((i) => L.depth[i] === L.depth[c] && visible(i)).sort((a, b) => L.x[a] - L.x[b]);
      const k = row.indexOf(c) + (dir === 'left' ? -1 : 1);
      if (k >= 0 && k < row.length) c = row[k];
    } else if (dir === 'up') {
      const p = [...L.x.keys()].find((i) => L.depth[i] === L.depth[c] - 1 && L.lo[i] <= L.lo[c] && L.hi[i] >= L.hi[c]);
      if (p !== undefined) c = p;
    } else if (dir === 'down') {
      const kids = [...L.x.keys()].filter((i) => L.depth[i] === L.depth[c] + 1 && L.lo[i] >= L.lo[c] && L.hi[i] <= L.hi[c] && visible(i));
      if (kids.length) c = kids.sort((a, b) => L.width[b] - L.width[a] || at(a) - at(b))[0];
    }
    this.setCursor(c);
  }

  setCursor(i) {
    this.cursor = i;
    const L = this.layout;
    this.cursorKey = i >= 0 ? boxKey(L, i) : null;
    this.paintOverlay();
    if (i >= 0) {
      this.selected = L.node[i];
      this.onSelect?.(L.node[i]);
      this.paintOverlay();
    }
  }

  // Zooms into the keyboard cursor's box.
  async zoomCursor() {
    if (this.cursor >= 0 && this.layout) await this.zoomTo(boxKey(this.layout, this.cursor));
  }

  // The graph node under the page point (x, y), or -1.
  nodeAt(x, y) {
    if (!this.layout) return -1;
    const r = this.el.overlay.getBoundingClientRect();
    const i = hitTest(this.layout, x - r.left, y - r.top, this.opts());
    return i < 0 ? -1 : this.layout.node[i];
  }

  // Outlines the box with key `box` (from a peer graph), or none.
  showPeer(box) {
    this.peer = -1;
    const L = this.layout;
    if (box && L) {
      for (let i = 0; i < L.x.length; i++) {
        if (L.lo[i] === box.lo && L.hi[i] === box.hi && L.depth[i] === box.depth) { this.peer = i; break; }
      }
    }
    this.paintOverlay();
  }

  // Highlights every box of graph node `node`; zooms out if none is visible.
  async select(node) {
    this.selected = node;
    if (this.layout && !this.layout.node.includes(node) && this.zoom !== ROOT) await this.zoomTo(ROOT);
    this.paintOverlay();
  }

  async crumbs() {
    const nav = this.el.crumbs;
    if (!nav) return;
    const items = [{ box: ROOT, name: 'all' }];
    if (this.zoom !== ROOT) {
      const info = await this.info(this.zoom);
      info.path.split('\n').forEach((name, d) => items.push({ box: { lo: info.pathLo[d], hi: info.pathHi[d], depth: d }, name }));
    }
    nav.replaceChildren(...items.map((it, k) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = it.name;
      b.className = k === items.length - 1 ? 'crumb current' : 'crumb';
      b.addEventListener('click', () => this.zoomTo(it.box));
      return b;
    }));
  }

  async search(pattern) {
    // Side-by-side graphs have no search box of their own: they only dim.
    const infoEl = this.el.searchInfo || { textContent: '' };
    this.el.search?.classList.remove('invalid');
    if (!pattern || this.key === null) {
      this.match = null; infoEl.textContent = ''; this.paint(); return;
    }
    try {
      const r = await this.client.search(this.key, pattern);
      this.match = r.mask;
      infoEl.textContent = `${r.count} match${r.count === 1 ? '' : 'es'}: ${r.value} (${r.pct}) of the total`;
    } catch (e) {
      this.el.search?.classList.add('invalid');
      infoEl.textContent = e.message;
      return;
    }
    this.paint();
  }

}
