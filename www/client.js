// The only file that speaks to the worker. Starts it (a blob worker, so it
// inherits the page's Content-Security-Policy), falls back to running the
// core on the main thread where a worker is refused, correlates requests and
// replies by id, and restarts the core after an internal error, reloading
// the files that were open.

const bundled = () => globalThis.__pprofLensBundle; // set by the single-file build

// The flame graphs of a view, as the core numbers them (src/session: Side).
export const SIDE = Object.freeze({ VIEW: 0, BASE: 1, NEW: 2, CALLERS: 3, CALLEES: 4 });

// An error from the core: its sentence, its kind ("bad-query",
// "incompatible", "corrupt-gzip"…) and, for a refused request, the field
// that failed ("focus", "tagfocus", "normalize"…).
export class CoreError extends Error {
  constructor(message, { kind = '', field = '' } = {}) {
    super(message);
    this.kind = kind;
    this.field = field;
  }
}

export class Client {
  constructor({ onRestart } = {}) {
    this.next = 1;
    this.pending = new Map();
    this.files = new Map(); // key -> { name, file } kept (as Blobs, not bytes) to reload after a restart
    this.compares = new Map(); // key -> { baseKeys, newKeys, name }, remade after a restart
    this.onRestart = onRestart;
    this.mode = 'none';
  }

  async start() {
    this.wasm = await wasmSource();
    try {
      this.worker = makeWorker();
      this.worker.onmessage = (ev) => this.receive(ev.data);
      this.worker.onerror = (ev) => this.fail(new Error(ev.message || 'the worker failed to start'));
      await withTimeout(this.post('start', null, { wasm: copyOf(this.wasm) }), 20000);
      this.mode = 'worker';
    } catch (e) {
      if (this.worker) this.worker.terminate();
      this.worker = null;
      const host = bundled()?.modules['host.js'] ?? await import('./host.js');
      await host.start(copyOf(this.wasm));
      this.host = host;
      this.mode = 'main-thread';
    }
    return this.mode;
  }

  // Sends one request; resolves with the result or rejects with a
  // CoreError carrying the core's sentence, kind and field.
  async call(op, args, { onProgress, transfer } = {}) {
    const out = this.worker ? await this.post(op, args, { onProgress, transfer }) : await this.host.handle(op, args, onProgress);
    if (out.panic) {
      await this.restart();
      throw new CoreError(out.error, { kind: 'internal' });
    }
    if (out.error !== undefined) throw new CoreError(out.error, out);
    return out.result;
  }

  // One function per operation of the core (see src/session and src/wasm.rs).
  // `key` is the page's id of an open profile or comparison; `box` a flame
  // box key { lo, hi, depth }; `side` one of SIDE.
  view(key, request) { return this.call('view', { key, request }); }
  viewHeader(key) { return this.call('viewHeader', { key }); }
  top(key, sort, desc) { return this.call('top', { key, sort, desc }); }
  // The table in another order: { rows (positions into top(key, 'flat', true)), sumPct }.
  topOrder(key, sort, desc) { return this.call('topOrder', { key, sort, desc }); }
  // A comparison's verdicts per node: grew, shrank, ~ (noise), with the model used.
  noise(key) { return this.call('noise', { key }); }
  // The table's inline labels by node id (the first call computes them).
  async inlineLabels(key) { return (await this.call('inlineLabels', { key })).split('\n'); }
  async nodeNames(key) { return (await this.call('nodeNames', { key })).split('\n'); }
  flame(key, side, zoom, minWidth) { return this.call('flame', { key, side, zoom, minWidth }); }
  // Sorts about `budget` more stacks of the view's flame graphs; true once all are.
  settleFlames(key, budget) { return this.call('settleFlames', { key, budget }); }
  boxInfo(key, side, box) { return this.call('boxInfo', { key, side, box }); }
  locate(key, from, box, to, exact) { return this.call('locate', { key, from, box, to, exact }); }
  findPath(key, side, path) { return this.call('findPath', { key, side, path }); }
  search(key, pattern) { return this.call('search', { key, pattern }); }
  series(keys, { sampleIndex, limit = 50, keepOrder = false, sources = {} } = {}) {
    return this.call('series', { keys, sampleIndex, limit, keepOrder, sources });
  }
  peek(key, pattern) { return this.call('peek', { key, pattern }); }
  goroutines(key) { return this.call('goroutines', { key }); }
  neighbours(key, node) { return this.call('neighbours', { key, node }); }
  labels(key) { return this.call('labels', { key }); }
  pivot(key, node) { return this.call('pivot', { key, node }); }
  // A function's source listing, or (`pattern`) every function matching it, as -list.
  source(key, node, pattern = '') { return this.call('source', { key, node, pattern }); }
  // The view's call graph: { dot, of, nodes, edges } (src/session/graph.rs);
  // `nodecount` 0 is pprof's 80, 0xffffffff every node.
  graph(key, nodecount) { return this.call('graph', { key, nodecount }); }
  sourceSeries(keys, name, sampleIndex) { return this.call('sourceSeries', { keys, name, sampleIndex }); }
  exportProfile(key, format = 'pb') { return this.call('exportProfile', { key, format }); }
  stats() { return this.call('stats', {}); }

  // Loads a File (or Blob), streamed: this thread inflates it with the
  // browser's DecompressionStream and sends the bytes to the core as they
  // come, which decodes them meanwhile (host.js). If the browser refuses the
  // stream (several gzip members, a damaged file) or the core does, the whole
  // file goes to the core instead, which reads what it can and says what is
  // wrong. No copy of the file is kept here. `onPhase(phase, done, total)`
  // follows it: 'inflating' or 'reading' (bytes of total), then 'decoding'.
  async load(key, name, file, onPhase) {
    const gz = new Uint8Array(await file.slice(0, 2).arrayBuffer());
    const gzip = gz[0] === 0x1f && gz[1] === 0x8b;
    const size = await uncompressedSize(file, gzip);
    await this.call('checkSize', { size, fileSize: file.size, gzip });
    const phase = gzip ? 'inflating' : 'reading';
    onPhase?.(phase, 0, file.size);
    const onProgress = (done, total) => onPhase?.(done < total ? phase : 'decoding', done, total);
    let info = null;
    if (typeof DecompressionStream === 'function' && typeof file.stream === 'function') {
      info = await this.stream(key, name, file, gzip, size, onProgress).catch(() => null);
    }
    info ??= await this.call('load', { key, name, file }, { onProgress });
    this.files.set(key, { name, file });
    return info;
  }

  async stream(key, name, file, gzip, size, onProgress) {
    await this.call('loadBegin', { key, size });
    let read = 0;
    let stream = file.stream().pipeThrough(new TransformStream({
      transform(chunk, out) { read += chunk.byteLength; onProgress(read, file.size); out.enqueue(chunk); },
    }));
    if (gzip) stream = stream.pipeThrough(new DecompressionStream('gzip'));
    const reader = stream.getReader();
    let sent = 0; let synced = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const whole = value.byteOffset === 0 && value.byteLength === value.buffer.byteLength;
        const chunk = whole ? value.buffer : value.slice().buffer;
        this.send('loadFeed', { key, chunk }, [chunk]);
        sent += value.byteLength;
        // Now and then wait for the core to catch up: at most a few
        // megabytes wait in the worker's queue.
        if (sent - synced > 8 << 20) { await this.call('loadSync', {}); synced = sent; }
      }
    } catch {
      reader.cancel().catch(() => {});
      await this.call('loadStreamed', { key, name, abandon: true });
      return null;
    }
    return this.call('loadStreamed', { key, name });
  }

  // A request whose answer nobody waits for (the stream's bytes, in order).
  send(op, args, transfer) {
    if (this.worker) this.post(op, args, { transfer });
    else this.host.handle(op, args);
  }

  // Compares the profiles `newKeys` with `baseKeys` (each side merged) as profile `key`.
  async compare(key, baseKeys, newKeys, name) {
    const info = await this.call('compare', { key, baseKeys, newKeys, name });
    this.compares.set(key, { baseKeys, newKeys, name });
    return info;
  }

  async close(key) {
    this.files.delete(key);
    this.compares.delete(key);
    return this.call('close', { key });
  }

  post(op, args, { onProgress, transfer, wasm } = {}) {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.worker.postMessage({ id, op, args, wasm }, transfer || (wasm ? [wasm.buffer] : []));
    });
  }

  receive(msg) {
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.progress) { p.onProgress?.(...msg.progress); return; }
    this.pending.delete(msg.id);
    p.resolve(msg);
  }

  fail(err) {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  // After an internal error the core's memory cannot be trusted: start a
  // fresh one and load the open files again.
  async restart() {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    this.host = null;
    await this.start();
    for (const [key, f] of this.files) await this.call('load', { key, name: f.name, file: f.file });
    for (const [key, c] of this.compares) {
      await this.call('compare', { key, ...c }).catch(() => this.compares.delete(key));
    }
    this.onRestart?.();
  }
}

// Deflate expands at most about 1032:1.
const MAX_DEFLATE_RATIO = 1032;

// The size of a file's profile uncompressed: a gzip file's last four
// bytes hold it (modulo 4 GiB). 0 when they cannot: a size deflate could
// not reach from this file is no trailer (a truncated or damaged file,
// which the core then names).
async function uncompressedSize(file, gzip) {
  let size = file.size;
  if (gzip && file.size >= 18) {
    const t = new DataView(await file.slice(file.size - 4).arrayBuffer());
    size = t.getUint32(0, true);
    while (size < file.size) size += 2 ** 32; // a stream over 4 GiB: its size wrapped
    if (size > file.size * MAX_DEFLATE_RATIO) size = 0;
  }
  return size;
}

function makeWorker() {
  const b = bundled();
  const src = b ? b.workerSource : `import ${JSON.stringify(new URL('./worker.js', import.meta.url).href)};`;
  const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
  // The single file's worker is one classic script; the site's imports modules.
  return b ? new Worker(url) : new Worker(url, { type: 'module' });
}

async function wasmSource() {
  const b = bundled();
  if (b) return b.wasm();
  const res = await fetch(new URL('../pkg/pprof_lens_bg.wasm', import.meta.url));
  if (!res.ok) throw new Error(`could not load the core (pkg/pprof_lens_bg.wasm): HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

function copyOf(u8) { return new Uint8Array(u8); }

function withTimeout(p, ms) {
  return Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), ms))]);
}
