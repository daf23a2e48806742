// The worker: hosts the wasm core off the main thread. Messages carry a
// request id; results go back with typed arrays transferred, not copied.
import { start, handle } from './host.js';

let started = null;

self.onmessage = async (ev) => {
  const { id, op, args, wasm } = ev.data;
  if (op === 'start') {
    started = start(wasm);
    try { await started; self.postMessage({ id, result: true }); } catch (e) { self.postMessage({ id, error: String(e) }); }
    return;
  }
  await started;
  let last = 0;
  const progress = (done, total) => {
    const now = Date.now();
    if (now - last > 50 || done === total) { last = now; self.postMessage({ id, progress: [done, total] }); }
  };
  const out = await handle(op, args, progress);
  self.postMessage({ id, ...out }, transferables(out.result));
};

function transferables(r) {
  const t = [];
  // A typed array result is moved whole (never enumerated: it may hold 100 MB).
  if (ArrayBuffer.isView(r)) return [r.buffer];
  if (r && typeof r === 'object') {
    for (const v of Object.values(r)) if (ArrayBuffer.isView(v)) t.push(v.buffer);
  }
  return t;
}
