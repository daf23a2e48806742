// The page's test surface: what the browser tests and the page benchmark
// read, as window.pprofLens, instead of reaching into the views. Everything
// it returns is a snapshot (plain data or the views' own typed arrays, not
// to be changed). Documented here, in one place:
//
//   tabs()        [{ key, name, label, compare, active }] in tab order
//   active()      the active tab's key, or null
//   nextKey()     the key the next opened file or comparison will get
//   state()       a copy of the active tab's view state (see state.js)
//   table()       the table's rows as shown: { node, name, inline, flatText,
//                 flatPct, sumPct, cumText, cumPct, and in a comparison
//                 baseFlat, newFlat, baseCum, newCum, mark, and once tested
//                 noise (cum: grew, shrank, ~ or ''), noiseFlat and interval), plus `visible`
//                 (row indices after the filter), `scroll` and `labelsPending` (pprof's inline
//                 labels are not in `inline` yet: they join the rows after)
//   flame(side)   a flame graph ('view', 'base', 'new', 'callers',
//                 'callees'): { layout, names, zoom, selected, cursor, peer,
//                 extent, flip, scale, offset, opts }
//   timings()     { lastLoadMs (drop → all shown), lastFlameMs, lastTableMs (drop → the table's rows), flamePaintedAt,
//                 settledAt (the flame graph sorted in full, while idle) } and the view's
//                 layoutMs, paintMs, overlayMs, zoomDrawMs; sortMs: the table's last sort, click → rows drawn
//   stats()       the core's memory ({ wasmMemory } in bytes) and how long the last call of each operation took ({ opMs })
//   zoomInfo(side)  the tooltip facts of the box a flame graph is zoomed to
//   zoomTo(side, box) / zoomOut(side)   drive a flame graph (benchmark)
//   graph()       the Graph view: { state ('layout', 'drawn', 'failed', 'ask'
//                 or undefined), facts ({ dot, of, nodes, edges } as the core
//                 gave them, or null), svg (the laid-out text), timings
//                 ({ graphMs, loadMs, layoutMs, totalMs }) }
//   loadFiles(files), compare(baseKeys, newKeys)   as the page's own buttons do
//   addSourceHandle(handle)   a source folder as the directory picker gives it
//                 (a FileSystemDirectoryHandle; tests use the origin's private
//                 file system, since a headless browser shows no picker)
import { SIDE } from './client.js';
import { ROOT } from './views/flame.js';

const SIDES = { view: SIDE.VIEW, base: SIDE.BASE, new: SIDE.NEW, callers: SIDE.CALLERS, callees: SIDE.CALLEES };

export function testSurface({ tabs, views, client }) {
  const flameView = (side = 'view') => {
    const s = SIDES[side];
    if (s === undefined) throw new Error(`no flame graph ${side} (one of ${Object.keys(SIDES).join(', ')})`);
    return s === SIDE.VIEW ? views.flame : s === SIDE.CALLERS || s === SIDE.CALLEES ? views.pivots[s] : views.compare.sides[s];
  };
  return Object.freeze({
    tabs: () => [...tabs.tabs.values()].map((t) => ({
      key: t.key, name: t.name, compare: t.compare, active: t.key === tabs.active,
      label: document.querySelector(`#tabs .tab[data-key="${t.key}"] button`)?.textContent ?? t.name,
    })),
    active: () => tabs.active,
    nextKey: () => tabs.nextKey,
    state: () => {
      const t = tabs.current();
      if (!t) return null;
      tabs.save();
      return structuredClone(t.state);
    },
    table: () => {
      const top = views.top;
      if (!top.rows) return top.rows;
      const R = top.displayRows(); const n = top.noise;
      const byNode = (col) => (n ? Array.from(R.node, (k) => n[col][k]) : null);
      return { ...R, noise: byNode('cum'), noiseFlat: byNode('flat'), interval: byNode('interval'), visible: top.visible, scroll: top.el.box.scrollTop,
        labelsPending: !!top.labelsPending };
    },
    flame: (side) => {
      const f = flameView(side);
      return {
        layout: f.layout, names: f.names, zoom: f.zoom, selected: f.selected, cursor: f.cursor, peer: f.peer,
        extent: f.extent, flip: f.flip, scale: f.scale, offset: f.offset, opts: f.layout ? f.opts() : null,
      };
    },
    timings: () => {
      const f = views.flame;
      return { ...tabs.timings, layoutMs: f.layoutMs, paintMs: f.paintMs, overlayMs: f.overlayMs, zoomDrawMs: f.zoomDrawMs,
        sortMs: views.top.sortMs };
    },
    stats: () => client.stats(),
    graph: () => {
      const g = views.graph;
      return { state: g.el.box.dataset.state, facts: g.facts, svg: g.svgText, timings: { ...g.timings } };
    },
    zoomInfo: (side) => { const f = flameView(side); return f.info(f.zoom); },
    zoomTo: (side, box) => flameView(side).zoomTo(box),
    zoomOut: (side) => flameView(side).zoomTo(ROOT),
    loadFiles: (files) => tabs.loadFiles(files),
    addSourceHandle: (h) => views.source.addHandle(h),
    compare: (baseKeys, newKeys) => tabs.createComparison(baseKeys, newKeys),
  });
}
