// Shared pieces of the browser tests: Debian's chromium driven by
// playwright-core, the dist/ server on loopback, and page helpers.
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const data = (p) => join(root, 'tests', 'data', p);
export const dist = join(root, 'dist');

export const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync'];

// Screenshots land in target/screenshots/; UPDATE_SCREENSHOTS=1 refreshes the README's in docs/.
export const shots = process.env.UPDATE_SCREENSHOTS === '1' ? join(root, 'docs') : join(root, 'target', 'screenshots');

// One browser and one server of dist/ for a test file: registers its
// before and after hooks; `env.browser` and `env.url` are set once started.
export function useBrowser() {
  const env = {};
  before(async () => {
    if (!existsSync(`${dist}/index.html`)) throw new Error('dist/ is missing: run scripts/build.sh first');
    mkdirSync(shots, { recursive: true });
    env.browser = await launch();
    Object.assign(env, await startServer());
  });
  after(async () => { await env.browser?.close(); env.server?.close(); });
  return env;
}

export async function launch() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });
}

export async function startServer() {
  const server = await serve(dist);
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

// Opens the page and waits until the core runs. Collects page errors.
export async function openPage(browser, url, { width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.core && document.body.dataset.core !== 'none', null, { timeout: 30000 });
  return { context, page };
}

// Loads files through the file input and waits until the last one is shown.
export async function load(page, ...files) {
  const before = await page.evaluate(() => window.pprofLens.nextKey());
  await page.setInputFiles('#file', files);
  await page.waitForFunction((want) => Number(document.body.dataset.ready) >= want, before + files.length - 1, { timeout: 60000 });
}

// Drops files onto the page as a user's drag and drop would; `x` is where
// (the right half of the window is the compare target).
export async function drop(page, files, { x = 10 } = {}) {
  const payload = files.map((f) => ({ name: f.split('/').pop(), b64: readFileSync(f).toString('base64') }));
  await page.evaluate(([items, at]) => {
    const dt = new DataTransfer();
    for (const it of items) {
      const bin = atob(it.b64);
      const u = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i);
      dt.items.add(new File([u], it.name));
    }
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true, clientX: at, clientY: 200 }));
  }, [payload, x]);
}

// The table rows as pprof prints them: [flat, flat%, sum%, cum, cum%, name],
// once pprof's inline labels have joined the names (they come after the rows).
export async function tableRows(page) {
  await page.waitForFunction(() => window.pprofLens.table() && !window.pprofLens.table().labelsPending);
  return page.evaluate(() => {
    const R = window.pprofLens.table();
    return R.name.map((n, i) => [R.flatText[i], R.flatPct[i], R.sumPct[i], R.cumText[i], R.cumPct[i], n + (R.inline[i] ? ` ${R.inline[i]}` : '')]);
  });
}

// The rows of a go tool pprof -top oracle, split the same way.
export function oracleRows(path) {
  const lines = readFileSync(path, 'utf8').split('\n');
  const start = lines.findIndex((l) => /^\s+flat\s+flat%/.test(l));
  return lines.slice(start + 1).filter((l) => l.trim()).map((l) => {
    const f = l.trim().split(/\s+/);
    return [f[0], f[1], f[2], f[3], f[4], f.slice(5).join(' ')];
  });
}

// Counts non-background pixels of the flame canvas.
export async function paintedPixels(page) {
  return page.evaluate(() => {
    const c = document.getElementById('flame');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  });
}

export async function messages(page) {
  return page.evaluate(() => [...document.querySelectorAll('#messages .msg span')].map((s) => s.textContent));
}

// The page point at the centre of the first box of function `name` in a
// flame graph: 'flame' (the main one) or a side-by-side side (1 base, 2 new).
export async function frameAt(page, name, view = 'flame') {
  const b = await boxOf(page, name, view);
  if (!b) throw new Error(`no box of ${name} in flame graph ${view}`);
  const id = { flame: 'flameOverlay', 1: 'flameOverlayBase', 2: 'flameOverlayNew' }[view];
  const [left, top] = await page.evaluate((i) => {
    const r = document.getElementById(i).getBoundingClientRect();
    return [r.left, r.top];
  }, id);
  return [left + b.x, top + b.y];
}

// Opens the compare panel, puts each profile (by tab name) on its side, and
// waits for the comparison to be shown. `sides`: { name: 'base' | 'new' | 'none' }.
export async function compare(page, sides) {
  await page.click('#compareBtn');
  const rows = await page.$$eval('#compareChoices tbody tr', (trs) => trs.map((tr) => tr.cells[0].textContent));
  for (const [i, name] of rows.entries()) {
    const side = sides[name] ?? 'none';
    await page.check(`#compareChoices tbody tr:nth-child(${i + 1}) input[value=${side}]`);
  }
  const before = await page.evaluate(() => window.pprofLens.nextKey());
  await page.click('#compareGo');
  await page.waitForFunction((k) => Number(document.body.dataset.ready) >= k, before, { timeout: 60000 });
}

// The flame layout's box of node `name` (first found) with its centre in CSS pixels.
export async function boxOf(page, name, view = 'flame') {
  return page.evaluate(([n, v]) => {
    const f = window.pprofLens.flame({ flame: 'view', 1: 'base', 2: 'new' }[v]);
    const lay = f.layout;
    const o = f.opts;
    for (let i = 0; i < lay.x.length; i++) {
      if (f.names[lay.node[i]] === n) {
        const x = (lay.x[i] + lay.width[i] / 2) * o.width;
        const y = (o.flip ? o.height - (lay.depth[i] + 1) * 18 : lay.depth[i] * 18) + 9;
        return { i, x, y, lo: lay.lo[i], hi: lay.hi[i], depth: lay.depth[i], change: lay.change[i] };
      }
    }
    return null;
  }, [name, view]);
}

// The colour [r, g, b] of canvas `id` at CSS pixel (x, y).
export async function pixel(page, id, x, y) {
  return page.evaluate(([cid, px, py]) => {
    const c = document.getElementById(cid);
    const dpr = c.width / c.clientWidth;
    const d = c.getContext('2d').getImageData(Math.round(px * dpr), Math.round(py * dpr), 1, 1).data;
    return [d[0], d[1], d[2]];
  }, [id, x, y]);
}
