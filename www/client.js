// The only file that speaks to the worker. Starts it (a blob worker, so it
// inherits the page's Content-Security-Policy), falls back to running the
// core on the main thread where a worker is refused, correlates requests and
// replies by id, and restarts the core after an internal error, reloading
// the files that were open.

const bundled = () => globalThis.__pprofLensBundle; // set by the single-file build

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

  // Sends one request; resolves with the result or rejects with an Error
  // whose message is the core's sentence.
  async call(op, args, { onProgress, transfer } = {}) {
    const out = this.worker ? await this.post(op, args, { onProgress, transfer }) : await this.host.handle(op, args, onProgress);
    if (out.panic) {
      await this.restart();
      throw new Error(out.error);
    }
    if (out.error !== undefined) throw new Error(out.error);
    return out.result;
  }

  // Loads a File (or Blob); its bytes go to the core without a copy kept here.
  async load(key, name, file, onProgress) {
    const bytes = await file.arrayBuffer();
    const info = await this.call('load', { key, name, bytes }, { onProgress, transfer: [bytes] });
    this.files.set(key, { name, file });
    return info;
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
    for (const [key, f] of this.files) {
      const bytes = await f.file.arrayBuffer();
      await this.call('load', { key, name: f.name, bytes }, { transfer: [bytes] });
    }
    for (const [key, c] of this.compares) {
      await this.call('compare', { key, ...c }).catch(() => this.compares.delete(key));
    }
    this.onRestart?.();
  }
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
