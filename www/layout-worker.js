// The layout worker: Graphviz (compiled to WebAssembly, vendored from npm's
// @hpcc-js/wasm-graphviz by the build) lays out the call graph's DOT text as
// SVG, off the main thread. Started only when the Graph view first opens.
import { Graphviz } from '../vendor/graphviz.js';

let graphviz = null;

self.onmessage = async (ev) => {
  const { id, dot } = ev.data;
  try {
    const t0 = performance.now();
    graphviz ??= await Graphviz.load();
    const t1 = performance.now();
    const svg = graphviz.dot(dot, 'svg');
    self.postMessage({ id, svg, loadMs: t1 - t0, layoutMs: performance.now() - t1 });
  } catch (e) {
    // A failed layout leaves Graphviz's module in an unknown state: start afresh next time.
    graphviz = null;
    self.postMessage({ id, error: e?.message || String(e) });
  }
};
