// The Graph view: pprof's call graph of the current view (the core's
// `pprof-lens dot` text, identical), laid out by Graphviz in a worker
// (layout.js) and drawn as SVG that pans (drag) and zooms (wheel). Hover
// shows a node's or an edge's facts (a comparison's base → new), a click
// selects the function everywhere, a right-click offers the refinements.
import { layout, stop } from '../layout.js';
import { download } from '../export.js';

const ALL = 0xffffffff;
const ASK_ABOVE = 2000; // nodes: beyond this the view asks before laying out

export class GraphView {
  constructor(el, client, { onSelect, onMenu, onMessage, onChange }) {
    Object.assign(this, { el, client, onSelect, onMenu, onMessage, onChange });
    this.key = null; this.seq = 0; this.facts = null; this.svgText = ''; this.drawnFor = null;
    this.selected = -1; this.confirmed = false; this.timings = {};
    el.box.addEventListener('toggle', () => { this.onChange?.(); if (el.box.open) this.refresh(); });
    el.nodes.addEventListener('change', () => { this.confirmed = false; this.onChange?.(); this.refresh(); });
    el.fit.addEventListener('click', () => this.fit({ whole: true }));
    el.full.addEventListener('click', () => this.setFull(!this.full));
    window.addEventListener('keydown', (e) => { if (e.key === 'Escape' && this.full) this.setFull(false); });
    el.exportSvg.addEventListener('click', () => this.svgText && this.download('svg', this.svgText, 'image/svg+xml'));
    el.exportDot.addEventListener('click', () => this.facts && this.download('dot', this.facts.dot, 'text/vnd.graphviz'));
    this.wirePointer();
  }

  get open() { return this.el.box.open; }
  set open(v) { this.el.box.open = v; }
  get nodecount() { return Number(this.el.nodes.value); }
  set nodecount(v) { this.el.nodes.value = String(v); if (this.el.nodes.value !== String(v)) this.el.nodes.value = '0'; }

  // The tab's view changed (or another tab is shown): draw it if the panel
  // is open, else when it opens.
  async show(key) {
    this.key = key; this.drawnFor = null; this.confirmed = false; this.inflight = null;
    if (this.open) await this.refresh();
    else this.clear('');
  }

  clear(text) {
    this.facts = null; this.svgText = '';
    this.el.canvas.replaceChildren();
    this.el.info.textContent = text;
    this.el.tip.hidden = true;
  }

  // Draws the graph once per view and node count (a second call while one
  // is under way waits for it).
  refresh() {
    if (this.key === null || !this.open) return Promise.resolve();
    const want = `${this.key}/${this.nodecount}`;
    if (this.drawnFor === want) return Promise.resolve();
    if (this.inflight?.want === want) return this.inflight.done;
    const done = this.redraw(want).finally(() => { if (this.inflight?.done === done) this.inflight = null; });
    this.inflight = { want, done };
    return done;
  }

  async redraw(want) {
    const seq = ++this.seq;
    const t0 = performance.now();
    let facts;
    try {
      facts = await this.client.graph(this.key, this.nodecount);
    } catch (e) {
      if (seq === this.seq) this.clear(`No graph: ${e.message}`);
      return;
    }
    if (seq !== this.seq) return;
    if (!facts.nodes.length) { this.clear('No nodes to draw in this view.'); this.drawnFor = want; return; }
    if (facts.nodes.length > ASK_ABOVE && !this.confirmed) { this.ask(facts.nodes.length); return; }
    const t1 = performance.now();
    this.el.info.textContent = `Laying out ${facts.nodes.length} nodes…`;
    this.el.box.dataset.state = 'layout';
    let out;
    try {
      out = await layout(facts.dot);
    } catch (e) {
      if (seq !== this.seq) return;
      this.clear(`The graph could not be laid out (Graphviz: ${e.message.trim()}); the other views still work.`);
      this.el.box.dataset.state = 'failed';
      return;
    }
    if (seq !== this.seq) return;
    this.facts = facts; this.svgText = out.svg; this.drawnFor = want;
    this.draw(out.svg);
    const t2 = performance.now();
    this.timings = { graphMs: t1 - t0, loadMs: out.loadMs, layoutMs: out.layoutMs, totalMs: t2 - t0 };
    const all = facts.nodes.length < facts.of ? ` of ${facts.of}` : '';
    this.el.info.textContent = `${facts.nodes.length}${all} nodes, ${facts.edges.length} edges. Drag to pan, wheel to zoom; click a box to select it.`;
    this.el.box.dataset.state = 'drawn';
    this.el.box.dataset.drawn = String(Date.now());
  }

  ask(n) {
    this.clear('');
    const b = document.createElement('button');
    b.type = 'button'; b.textContent = `Lay out ${n.toLocaleString('en-US')} nodes anyway`;
    b.addEventListener('click', () => { this.confirmed = true; this.inflight = null; this.refresh(); });
    this.el.info.textContent = `This graph has ${n.toLocaleString('en-US')} nodes: Graphviz may take a long time. `;
    this.el.info.append(b);
    this.el.box.dataset.state = 'ask';
  }

  // Puts Graphviz's SVG in the page: its own tooltips removed (ours show
  // the facts), each node and edge tied to its facts.
  draw(svgText) {
    const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
    const svg = doc.documentElement;
    if (svg.nodeName !== 'svg') throw new Error('the layout engine returned no SVG');
    for (const a of svg.querySelectorAll('a')) { a.removeAttribute('xlink:title'); a.removeAttribute('title'); }
    for (const g of svg.querySelectorAll('g.node, g.edge, g.graph, g.cluster')) {
      const title = g.querySelector(':scope > title');
      if (title) { g.dataset.title = title.textContent; title.remove(); }
    }
    svg.querySelector('g.graph > polygon')?.setAttribute('fill', 'transparent');
    const index = new Map(this.facts.edges.map((e, i) => [`N${e.src + 1}->N${e.dst + 1}`, i]));
    for (const g of svg.querySelectorAll('g.edge')) {
      const i = index.get(g.dataset.title);
      if (i !== undefined) g.dataset.edge = String(i);
    }
    // Graph nodes by their DOT name (Graphviz's own ids may repeat ours).
    for (const g of svg.querySelectorAll('g.node')) {
      const m = /^N(\d+)$/.exec(g.dataset.title || '');
      if (!m) continue;
      const n = Number(m[1]) - 1;
      g.dataset.pos = String(n);
      const mark = this.facts.nodes[n]?.mark;
      if (mark) g.classList.add(`mark-${mark}`);
    }
    const [, , w, h] = (svg.getAttribute('viewBox') || '0 0 100 100').split(/\s+/).map(Number);
    this.extent = { w, h };
    svg.removeAttribute('width'); svg.removeAttribute('height');
    svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
    this.svg = document.importNode(svg, true);
    this.el.canvas.replaceChildren(this.svg);
    this.fit();
    this.select(this.selected);
  }

  get full() { return this.el.box.classList.contains('graph-full'); }

  // The graph alone in the window (or back in its panel), fitted again.
  setFull(on) {
    this.el.box.classList.toggle('graph-full', on);
    this.el.full.setAttribute('aria-pressed', String(on));
    this.el.full.textContent = on ? 'Leave full window' : 'Full window';
    document.body.classList.toggle('graph-full-open', on);
    this.fit();
  }

  // The whole graph in view; or (as it opens) at a readable scale (one unit
  // of the layout a pixel at least: Graphviz's labels at their own size)
  // centred on the hottest function (the biggest cum), kept inside the graph.
  fit({ whole = false } = {}) {
    if (!this.svg) return;
    this.view = { x: 0, y: 0, w: this.extent.w, h: this.extent.h };
    const box = this.el.canvas.getBoundingClientRect();
    const fits = !box.width || (this.extent.w <= box.width * 1.01 && this.extent.h <= box.height * 1.01);
    if (!whole && !fits) {
      // One layout unit a pixel; an axis that fits is centred, the other
      // follows the hottest box without leaving the graph.
      const [w, h] = [box.width, box.height];
      const c = this.hottest();
      const place = (v, size, extent) => (extent <= size ? (extent - size) / 2 : Math.max(0, Math.min(v - size / 2, extent - size)));
      this.view = { x: place(c.x, w, this.extent.w), y: place(c.y, h, this.extent.h), w, h };
    }
    this.applyView();
  }

  // The centre of the hottest function's box, in the layout's units (the
  // graph's top centre when none is found).
  hottest() {
    const pct = (s) => Number.parseFloat(String(s).replace('%', '')) || 0;
    let best = -1;
    for (let i = 0; i < (this.facts?.nodes.length ?? 0); i++) {
      if (best < 0 || pct(this.facts.nodes[i].cumPct) > pct(this.facts.nodes[best].cumPct)) best = i;
    }
    const g = best >= 0 ? this.svg.querySelector(`g.node[data-pos="${best}"]`) : null;
    const b = g?.getBBox?.();
    if (!b) return { x: this.extent.w / 2, y: 0 };
    // Graphviz's drawing is translated by the graph's transform: its y runs up from the bottom.
    const [gs, ss] = [g.getScreenCTM?.(), this.svg.getScreenCTM?.()];
    const m = gs && ss ? ss.inverse().multiply(gs) : null;
    const cx = b.x + b.width / 2; const cy = b.y + b.height / 2;
    return m ? { x: m.a * cx + m.c * cy + m.e, y: m.b * cx + m.d * cy + m.f } : { x: cx, y: cy };
  }

  applyView() {
    const v = this.view;
    this.svg.setAttribute('viewBox', `${v.x} ${v.y} ${v.w} ${v.h}`);
  }

  // Highlights the selected function's box (selected from any view).
  select(node) {
    this.selected = node;
    if (!this.svg || !this.facts) return;
    for (const g of this.svg.querySelectorAll('g.node.selected')) g.classList.remove('selected');
    const pos = this.facts.nodes.findIndex((n) => n.node === node);
    if (pos >= 0) this.svg.querySelector(`g.node[data-pos="${pos}"]`)?.classList.add('selected');
  }

  // What is under the pointer: { node } (a facts index), { edge } or null.
  hit(target) {
    const g = target.closest?.('g.node, g.edge');
    if (!g) return null;
    if (g.dataset.pos !== undefined) return { node: Number(g.dataset.pos), g };
    if (g.dataset.edge !== undefined) return { edge: Number(g.dataset.edge), g };
    if (g.classList.contains('node')) return { nodelet: g.querySelector('text')?.textContent ?? '', g };
    return null;
  }

  wirePointer() {
    const c = this.el.canvas;
    let drag = null;
    c.addEventListener('wheel', (e) => {
      if (!this.svg) return;
      e.preventDefault();
      const r = c.getBoundingClientRect();
      const k = Math.exp(Math.sign(e.deltaY) * Math.min(Math.abs(e.deltaY), 200) / 400);
      const v = this.view;
      const scale = Math.max(v.w / r.width, v.h / r.height);
      // Keep the point under the cursor where it is.
      const px = v.x + (e.clientX - r.left - (r.width - v.w / scale) / 2) * scale;
      const py = v.y + (e.clientY - r.top - (r.height - v.h / scale) / 2) * scale;
      const w = Math.min(Math.max(v.w * k, 20), this.extent.w * 4);
      const f = w / v.w;
      this.view = { x: px - (px - v.x) * f, y: py - (py - v.y) * f, w, h: v.h * f };
      this.applyView();
    }, { passive: false });
    c.addEventListener('pointerdown', (e) => {
      if (!this.svg || e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, view: { ...this.view }, moved: false };
      c.setPointerCapture(e.pointerId);
    });
    c.addEventListener('pointermove', (e) => {
      if (drag) {
        const r = c.getBoundingClientRect();
        const scale = Math.max(drag.view.w / r.width, drag.view.h / r.height);
        const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
        if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
        this.view = { ...drag.view, x: drag.view.x - dx * scale, y: drag.view.y - dy * scale };
        this.applyView();
        this.el.tip.hidden = true;
        return;
      }
      this.hover(e);
    });
    c.addEventListener('pointerup', (e) => {
      const d = drag;
      drag = null;
      if (!d || d.moved) return;
      const h = this.hit(document.elementFromPoint(e.clientX, e.clientY));
      if (h?.node !== undefined) this.onSelect?.(this.facts.nodes[h.node].node);
    });
    c.addEventListener('pointerleave', () => { this.el.tip.hidden = true; });
    c.addEventListener('contextmenu', (e) => {
      const h = this.hit(e.target);
      if (h?.node === undefined) return;
      e.preventDefault();
      this.onMenu?.(this.facts.nodes[h.node].node, e.clientX, e.clientY);
    });
  }

  hover(e) {
    const h = this.facts && this.hit(e.target);
    const tip = this.el.tip;
    if (!h) { tip.hidden = true; return; }
    tip.replaceChildren();
    const line = (text, cls) => { const d = document.createElement('div'); d.textContent = text; if (cls) d.className = cls; tip.append(d); };
    if (h.node !== undefined) {
      const n = this.facts.nodes[h.node];
      line(n.name, 'tip-name');
      line(`flat ${n.flat} (${n.flatPct}) · cum ${n.cum} (${n.cumPct})`);
      if (n.baseCum || n.newCum) line(`cum: base ${n.baseCum} → new ${n.newCum}${n.mark ? ` (${n.mark})` : ''}`);
      line('click: select · right-click: refine', 'muted');
    } else if (h.edge !== undefined) {
      const ed = this.facts.edges[h.edge];
      line(`${ed.caller} ${ed.residual ? '…' : '→'} ${ed.callee}`, 'tip-name');
      line(`${ed.weight} (${ed.pct}) through this call${ed.inline ? ' (inlined)' : ''}`);
      if (ed.residual) line('dotted: through functions left out of the graph', 'muted');
    } else {
      line(`label ${h.nodelet.replaceAll('\\n', ', ')}`);
    }
    tip.hidden = false;
    tip.style.left = `${Math.max(4, Math.min(e.clientX + 14, innerWidth - tip.offsetWidth - 8))}px`;
    tip.style.top = `${Math.min(e.clientY + 14, innerHeight - tip.offsetHeight - 8)}px`;
  }

  download(ext, text, type) {
    download(`${this.el.stem?.() || 'profile'}.graph.${ext}`, new Blob([text], { type }));
  }

  // The layout engine is stopped with the page's other work (tests, tab close).
  static stop() { stop(); }
}

export { ALL };
