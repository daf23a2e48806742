// Runs the wasm core for the client: inside the worker, or on the main thread
// when a worker is refused. Knows the Session API; knows nothing of the DOM.
import init, { Loader, Session, lastPanic, warmUp } from '../pkg/pprof_lens.js';

let session = null;
let ready = null;
let exports = null;
const ids = new Map(); // client key -> session profile id

export function start(wasmSource) {
  ready = init({ module_or_path: wasmSource }).then((e) => {
    exports = e; session = new Session();
    // The engine optimizes the heavy passes before the first profile
    // (session/warm.rs); only a speed-up, so a failure is not the page's.
    try { warmUp(); } catch { /* the first profile runs slower */ }
  });
  return ready;
}

// Streamed loads (client.js inflates the file with the browser's
// DecompressionStream and sends the bytes here as they come): the core
// decodes them on the way, so neither the compressed nor the inflated file is
// ever held whole, and inflating (on the page's thread) overlaps decoding
// (here). A load that fails on the way ends with null: the client then
// sends the whole file (`load`), and the core says what is wrong.
const loaders = new Map(); // client key -> { loader, failed }
const ops = {
  load: async ({ key, name, file }, progress) => {
    const info = session.load(name, new Uint8Array(await file.arrayBuffer()), progress);
    ids.set(key, info.id);
    return info;
  },
  // `size`: the profile's size uncompressed, as the gzip trailer says (a hint).
  loadBegin: ({ key, size }) => { loaders.set(key, { loader: new Loader(size || 0), failed: false }); return true; },
  loadFeed: ({ key, chunk }) => {
    const l = loaders.get(key);
    if (l && !l.failed) {
      try { l.loader.feed(new Uint8Array(chunk)); } catch (e) {
        if (e instanceof WebAssembly.RuntimeError) throw e;
        l.failed = true;
      }
    }
    return true;
  },
  loadSync: () => true,
  loadStreamed: ({ key, name, abandon }) => {
    const l = loaders.get(key);
    loaders.delete(key);
    if (!l) return null;
    try {
      if (l.failed || abandon) return null;
      const info = session.loadStreamed(name, l.loader);
      ids.set(key, info.id);
      return info;
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) throw e;
      return null;
    } finally {
      l.loader.free();
    }
  },
  checkSize: ({ size, fileSize, gzip }) => { session.checkSize(size, fileSize, gzip); return true; },
  close: ({ key }) => { session.close(id(key)); ids.delete(key); return true; },
  view: ({ key, request }) => session.view(id(key), request),
  viewHeader: ({ key }) => session.viewHeader(id(key)),
  top: ({ key, sort, desc }) => session.top(id(key), sort, desc),
  inlineLabels: ({ key }) => session.inlineLabels(id(key)),
  topOrder: ({ key, sort, desc }) => session.topOrder(id(key), sort, desc),
  noise: ({ key }) => session.noise(id(key)),
  nodeNames: ({ key }) => session.nodeNames(id(key)),
  compare: ({ key, baseKeys, newKeys, name }) => {
    const info = session.compare(Uint32Array.from(baseKeys, id), Uint32Array.from(newKeys, id), name);
    ids.set(key, info.id);
    return info;
  },
  flame: ({ key, side, zoom, minWidth }) => session.flame(id(key), side || 0, zoom.lo, zoom.hi, zoom.depth, minWidth),
  settleFlames: ({ key, budget }) => session.settleFlames(id(key), budget),
  boxInfo: ({ key, side, box }) => session.boxInfo(id(key), side || 0, box.lo, box.hi, box.depth),
  locate: ({ key, from, box, to, exact }) => {
    const k = session.locate(id(key), from, Uint32Array.of(box.lo, box.hi, box.depth), to, !!exact);
    return k ? { lo: k[0], hi: k[1], depth: k[2] } : null;
  },
  search: ({ key, pattern }) => session.search(id(key), pattern),
  series: ({ keys, sampleIndex, limit, keepOrder, sources }) => {
    const r = session.series(Uint32Array.from(keys, id), sampleIndex, limit, !!keepOrder, sources || {});
    // The goroutine groups of the findings name profiles by the client's keys.
    r.groupTabs = r.groupTabs.map((i) => (i === null ? null : keyOf(i)));
    return r;
  },
  peek: ({ key, pattern }) => session.peek(id(key), pattern),
  goroutines: ({ key }) => session.goroutines(id(key)),
  neighbours: ({ key, node }) => session.neighbours(id(key), node),
  labels: ({ key }) => session.labels(id(key)),
  pivot: ({ key, node }) => session.pivot(id(key), node),
  source: ({ key, node, pattern }) => session.source(id(key), node ?? 0, pattern || ''),
  graph: ({ key, nodecount }) => session.graph(id(key), nodecount >>> 0),
  sourceSeries: ({ keys, name, sampleIndex }) => session.sourceSeries(Uint32Array.from(keys, id), name, sampleIndex),
  exportProfile: ({ key, format }) => session.exportProfile(id(key), format),
  findPath: ({ key, side, path }) => {
    const k = session.findPath(id(key), side || 0, path);
    return k ? { lo: k[0], hi: k[1], depth: k[2] } : null;
  },
  stats: () => ({ wasmMemory: exports.memory.buffer.byteLength, opMs: { ...opMs }, opSumMs: { ...opSumMs } }),
};

function keyOf(sessionId) {
  for (const [k, v] of ids) if (v === sessionId) return k;
  return null;
}

function id(key) {
  if (!ids.has(key)) throw new Error('profile is not loaded');
  return ids.get(key);
}

// How long the last call of each operation took in the core, in ms (for
// the benchmark: scripts/bench-page.mjs).
const opMs = {};
// And the time of every call of it since the last load began.
const opSumMs = {};

// Returns { result } or { error, panic }.
export async function handle(op, args, progress) {
  await ready;
  try {
    if (!ops[op]) throw new Error(`unknown operation ${op}`);
    const t0 = performance.now();
    const result = await ops[op](args, progress);
    opMs[op] = performance.now() - t0;
    if (op === 'loadBegin') for (const k of Object.keys(opSumMs)) delete opSumMs[k];
    opSumMs[op] = (opSumMs[op] || 0) + opMs[op];
    return { result };
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) {
      return { error: lastPanic() || `internal error: ${e.message}`, panic: true };
    }
    // The core's errors carry a kind and, for a refused request, the field.
    return { error: e instanceof Error ? e.message : String(e), kind: e?.kind ?? '', field: e?.field ?? '' };
  }
}
