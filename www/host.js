// Runs the wasm core for the client: inside the worker, or on the main thread
// when a worker is refused. Knows the Session API; knows nothing of the DOM.
import init, { Loader, Session, lastPanic } from '../pkg/pprof_lens.js';

let session = null;
let ready = null;
let exports = null;
const ids = new Map(); // client key -> session profile id

export function start(wasmSource) {
  ready = init({ module_or_path: wasmSource }).then((e) => { exports = e; session = new Session(); });
  return ready;
}

// Streams a File (or Blob) into the core: the browser inflates gzip
// (DecompressionStream) and the core decodes the bytes as they arrive, so
// neither the compressed nor the inflated file is ever held whole. When
// anything fails on the way (the browser's inflater refuses what ours reads,
// such as several gzip members; or the bytes are bad), `null`: the caller
// decodes the whole file, and the core says what is wrong.
async function streamed(name, file, progress) {
  if (typeof DecompressionStream !== 'function' || typeof file.stream !== 'function') return null;
  const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  let read = 0;
  let stream = file.stream().pipeThrough(new TransformStream({
    transform(chunk, out) { read += chunk.byteLength; progress(read, file.size); out.enqueue(chunk); },
  }));
  if (head[0] === 0x1f && head[1] === 0x8b) stream = stream.pipeThrough(new DecompressionStream('gzip'));
  const reader = stream.getReader();
  const loader = new Loader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      loader.feed(value);
    }
    return session.loadStreamed(name, loader);
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) throw e;
    reader.cancel().catch(() => {});
    return null;
  } finally {
    loader.free();
  }
}

const ops = {
  load: async ({ key, name, file }, progress) => {
    const info = (await streamed(name, file, progress)) ?? session.load(name, new Uint8Array(await file.arrayBuffer()), progress);
    ids.set(key, info.id);
    return info;
  },
  close: ({ key }) => { session.close(id(key)); ids.delete(key); return true; },
  view: ({ key, request }) => session.view(id(key), request),
  top: ({ key, sort, desc }) => session.top(id(key), sort, desc),
  inlineLabels: ({ key }) => session.inlineLabels(id(key)),
  topOrder: ({ key, sort, desc }) => session.topOrder(id(key), sort, desc),
  names: ({ key }) => session.nodeNames(id(key)),
  compare: ({ key, baseKeys, newKeys, name }) => {
    const info = session.compare(Uint32Array.from(baseKeys, id), Uint32Array.from(newKeys, id), name);
    ids.set(key, info.id);
    return info;
  },
  flame: ({ key, side, zoom, minWidth }) => session.flame(id(key), side || 0, zoom.lo, zoom.hi, zoom.depth, minWidth),
  boxInfo: ({ key, side, box }) => session.boxInfo(id(key), side || 0, box.lo, box.hi, box.depth),
  locate: ({ key, from, box, to, exact }) => {
    const k = session.locate(id(key), from, Uint32Array.of(box.lo, box.hi, box.depth), to, !!exact);
    return k ? { lo: k[0], hi: k[1], depth: k[2] } : null;
  },
  search: ({ key, pattern }) => session.search(id(key), pattern),
  series: ({ keys, sampleIndex, limit, keepOrder }) => session.series(Uint32Array.from(keys, id), sampleIndex, limit, !!keepOrder),
  peek: ({ key, pattern }) => session.peek(id(key), pattern),
  goroutines: ({ key }) => session.goroutines(id(key)),
  neighbours: ({ key, node }) => session.neighbours(id(key), node),
  labels: ({ key }) => session.labels(id(key)),
  pivot: ({ key, node }) => session.pivot(id(key), node),
  source: ({ key, node }) => session.source(id(key), node),
  graph: ({ key, nodecount }) => session.graph(id(key), nodecount >>> 0),
  sourceSeries: ({ keys, name, sampleIndex }) => session.sourceSeries(Uint32Array.from(keys, id), name, sampleIndex),
  exportProfile: ({ key }) => session.exportProfile(id(key)),
  findPath: ({ key, side, path }) => {
    const k = session.findPath(id(key), side || 0, path);
    return k ? { lo: k[0], hi: k[1], depth: k[2] } : null;
  },
  stats: () => ({ wasmMemory: exports.memory.buffer.byteLength, opMs: { ...opMs } }),
};

function id(key) {
  if (!ids.has(key)) throw new Error('profile is not loaded');
  return ids.get(key);
}

// How long the last call of each operation took in the core, in ms (for
// the benchmark: scripts/bench-page.mjs).
const opMs = {};

// Returns { result } or { error, panic }.
export async function handle(op, args, progress) {
  await ready;
  try {
    if (!ops[op]) throw new Error(`unknown operation ${op}`);
    const t0 = performance.now();
    const result = await ops[op](args, progress);
    opMs[op] = performance.now() - t0;
    return { result };
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) {
      return { error: lastPanic() || `internal error: ${e.message}`, panic: true };
    }
    // The core's errors carry a kind and, for a refused request, the field.
    return { error: e instanceof Error ? e.message : String(e), kind: e?.kind ?? '', field: e?.field ?? '' };
  }
}
