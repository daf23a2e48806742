// Builds DIST/pprof-lens.html: the page as one self-contained file that works
// opened from file:// (Chromium refuses fetch() of .wasm and module scripts
// there). ES modules are wrapped into one inline module script with a tiny
// module table; the worker's modules become a string run from a blob: URL;
// the wasm is inlined as base64 in a data block. The page's
// Content-Security-Policy is rewritten to allow exactly these inline parts
// (by hash) and nothing else: no connection at all.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { posix } from 'node:path';

const dist = process.argv[2] || 'dist';
const read = (p) => readFileSync(`${dist}/${p}`, 'utf8');

// Turns one ES module into a factory body returning its exports.
function wrap(path) {
  let src = read(path);
  const exports = [];
  const dir = posix.dirname(path);
  const key = (spec) => posix.normalize(posix.join(dir, spec));
  src = src.replace(/^import\s+(?:(\w+)\s*,?\s*)?(?:\{([^}]*)\})?\s*from\s*['"]([^'"]+)['"];?/gm, (_, def, named, spec) => {
    const parts = [];
    if (def) parts.push(`default: ${def}`);
    if (named) for (const n of named.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [a, b] = n.split(/\s+as\s+/);
      parts.push(b ? `${a}: ${b}` : a);
    }
    return `const { ${parts.join(', ')} } = __m[${JSON.stringify(key(spec))}];`;
  });
  src = src.replace(/^export\s+(async\s+function|function|class|const|let)\s+(\w+)/gm, (_, kw, name) => {
    exports.push(name);
    return `${kw} ${name}`;
  });
  src = src.replace(/^export\s*\{([^}]*)\};?/gm, (_, list) => {
    for (const n of list.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [a, b] = n.split(/\s+as\s+/);
      exports.push(b ? `${b}: ${a}` : a);
    }
    return '';
  });
  src = src.replace(/^export\s+default\s+([\w$]+);?/gm, (_, name) => { exports.push(`default: ${name}`); return ''; });
  if (/^\s*(import|export)\s/m.test(src)) throw new Error(`single-file: unhandled import/export in ${path}`);
  return `__m[${JSON.stringify(path)}] = (() => {\n${src}\nreturn { ${exports.join(', ')} };\n})();\n`;
}

// The static imports of `path`, then `path`: every module once, each after
// what it imports (main.js's dynamic import of host.js is the bundle's).
function ordered(path, seen = new Set(), out = []) {
  if (seen.has(path)) return out;
  seen.add(path);
  const dir = posix.dirname(path);
  for (const [, spec] of read(path).matchAll(/^import\s+[^'"]*from\s*['"]([^'"]+)['"]/gm)) {
    const dep = posix.normalize(posix.join(dir, spec));
    if (!dep.startsWith('pkg/')) ordered(dep, seen, out);
  }
  out.push(path);
  return out;
}

const bundle = (paths) => `const __m = {};\n${paths.map(wrap).join('\n')}`;

const core = ['pkg/pprof_lens.js', 'www/host.js'];
// A classic worker (module workers from blob: URLs are refused under file://):
// no import.meta there, and the wasm arrives by message anyway.
const workerSource = bundle([...core, 'www/worker.js']).replaceAll('import.meta.url', 'self.location.href');
const wasmB64 = readFileSync(`${dist}/pkg/pprof_lens_bg.wasm`).toString('base64');
// The Graph view's layout worker: Graphviz's module (its closing export
// list turned into the module table's entry) and layout-worker.js, one
// classic script kept as base64 and started only when the Graph view opens.
const gv = read('vendor/graphviz.js');
const gvExport = /export\s*\{([^}]*)\};?\s*(\/\/# sourceMappingURL=\S*\s*)?$/.exec(gv);
if (!gvExport) throw new Error('single-file: vendor/graphviz.js has no closing export list');
const gvNames = gvExport[1].split(',').map((n) => n.trim().split(/\s+as\s+/)).map(([a, b]) => `${b ?? a}: ${a}`);
const layoutSource = `const __m = {};
__m["vendor/graphviz.js"] = (() => {\n${gv.slice(0, gvExport.index)}\nreturn { ${gvNames.join(', ')} };\n})();
${wrap('www/layout-worker.js')}`;
const layoutB64 = Buffer.from(layoutSource, 'utf8').toString('base64');
const main = `${bundle(core)}
globalThis.__pprofLensBundle = {
  modules: { 'host.js': __m['www/host.js'] },
  workerSource: ${JSON.stringify(workerSource)},
  wasm() { return this.bytes('pprof-lens-wasm'); },
  layoutWorkerSource() { return new TextDecoder().decode(this.bytes('pprof-lens-layout')); },
  bytes(id) {
    const s = atob(document.getElementById(id).textContent.trim());
    const u = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);
    return u;
  },
};
${ordered('www/main.js').map(wrap).join('\n')}`;

const css = read('www/style.css');
const sha = (s) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
const csp = `default-src 'none'; script-src ${sha(main)} 'wasm-unsafe-eval'; worker-src blob:; connect-src 'none'; style-src ${sha(css)}; img-src data:; base-uri 'none'; form-action 'none'`;

let html = read('index.html');
const replaceOnce = (re, to) => {
  if (!re.test(html)) throw new Error(`single-file: pattern not found: ${re}`);
  html = html.replace(re, () => to);
};
replaceOnce(/<meta http-equiv="Content-Security-Policy" content="[^"]*">/, `<meta http-equiv="Content-Security-Policy" content="${csp}">`);
replaceOnce(/<link rel="stylesheet" href="www\/style.css">/, `<style>${css}</style>`);
replaceOnce(/<script type="module" src="www\/main.js"><\/script>/,
  `<script type="application/octet-stream" id="pprof-lens-wasm">${wasmB64}</script>
<script type="application/octet-stream" id="pprof-lens-layout">${layoutB64}</script>\n<script type="module">${main}</script>`);
writeFileSync(`${dist}/pprof-lens.html`, html);
console.log(`single-file: ${dist}/pprof-lens.html (${(html.length / 1024).toFixed(0)} KiB)`);
