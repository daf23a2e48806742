// The Graph view's layout engine behind one function: lays out DOT text as
// SVG in a worker of its own (Graphviz, loaded on first use, so it never
// weighs on the page's start), one layout at a time, the newest request
// winning. The single-file build carries the worker's source inline.

const bundled = () => globalThis.__pprofLensBundle; // set by the single-file build

let worker = null;
let next = 1;
const pending = new Map();

function start() {
  const b = bundled();
  const src = b ? b.layoutWorkerSource() : `import ${JSON.stringify(new URL('./layout-worker.js', import.meta.url).href)};`;
  const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
  worker = b ? new Worker(url) : new Worker(url, { type: 'module' });
  worker.onmessage = (ev) => {
    const p = pending.get(ev.data.id);
    if (!p) return;
    pending.delete(ev.data.id);
    if (ev.data.error !== undefined) p.reject(new Error(ev.data.error));
    else p.resolve(ev.data);
  };
  worker.onerror = (ev) => {
    ev.preventDefault?.();
    stop(new Error(ev.message || 'the layout engine failed to start'));
  };
}

// Ends the worker (a layout taking too long, or failed), failing what waits.
export function stop(err = new Error('layout cancelled')) {
  worker?.terminate();
  worker = null;
  for (const p of pending.values()) p.reject(err);
  pending.clear();
}

// Lays out `dot`; resolves with { svg, loadMs, layoutMs } or rejects with
// Graphviz's sentence.
export function layout(dot) {
  if (!worker) start();
  const id = next++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, dot });
  });
}
