// Benchmark of the page in headless Chromium: time from drop to painted flame
// graph and table, redraw times for zoom and hover on the flame graph, and
// the browser's memory. Median of RUNS runs.
// usage: node scripts/bench-page.mjs [RUNS] [SIZE|compare-SIZE|graph-SIZE|interact-SIZE|sources...]
// (SIZE: medium, large, or a shape's SHAPE-SIZE such as ordinary-large)
// (after scripts/build.sh; the profiles come from scripts/bench.sh's
// bench-data/, generated if missing). compare-SIZE loads SIZE and a second
// profile of the same size and program (the generator's seed 8: mostly
// different stacks, a worst case for the merged tree) and times the
// comparison from the click to the painted diff flame graph and table.
// graph-SIZE times the Graph view: opening it (the core's graph, Graphviz's
// first load, the layout, the SVG drawn), then a 500-node graph and the
// default 80-node one again, with the longest main-thread stall meanwhile.
// interact-SIZE times what a user does next on a loaded profile, each from
// the input to everything shown again: granularity to lines and back, the
// sample type changed and back, a refinement (hide) and its removal, and a
// row clicked until its callers and callees show.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { launch, startServer, openPage, root } from '../tests/browser/helpers.mjs';

// The physical floor for reading a file: `gzip -dc` of it, in milliseconds
// (measured in the same run as the page, so figures are ratios to it).
function gunzipMs(file) {
  const t0 = performance.now();
  execFileSync('sh', ['-c', `gzip -dc '${file}' > /dev/null`]);
  return performance.now() - t0;
}

const runs = Number(process.argv[2] || 3);
const sizes = process.argv.slice(3).length ? process.argv.slice(3) : ['medium', 'large'];
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

// Memory of every process under `pid` (the browser's), as PSS: shared pages
// are split among the processes sharing them instead of counted in each.
function treePss(pid) {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=']).toString().trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  const kids = new Map();
  for (const [p, pp] of out) { if (!kids.has(pp)) kids.set(pp, []); kids.get(pp).push(p); }
  let total = 0; const stack = [...(kids.get(pid) || [])];
  while (stack.length) {
    const p = stack.pop();
    try { total += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))[1]); } catch { /* gone */ }
    stack.push(...(kids.get(p) || []));
  }
  return total / 1024;
}

const SPECS = { medium: '100000:20000', large: '1000000:50000' };
const { server, url } = await startServer();
for (const size of sizes.filter((s) => s.startsWith('compare-'))) await benchCompare(size.slice(8));
for (const size of sizes.filter((s) => s.startsWith('graph-'))) await benchGraph(size.slice(6));
for (const size of sizes.filter((s) => s.startsWith('interact-'))) await benchInteract(size.slice(9));
if (sizes.includes('sources')) await benchSources();
for (const size of sizes.filter((s) => !/^(compare|graph|interact)-/.test(s) && s !== 'sources')) {
  const file = `${root}/bench-data/${size}.pb.gz`;
  if (!existsSync(file)) execFileSync(`${root}/target/release/pprof-lens-gen`, [size, file], { stdio: 'inherit' });
  const bytes = readFileSync(file).length;
  const r = { wasm: [], load: [], table: [], all: [], sort: [], sortPolled: [], filter: [], zoom: [], zoomOut: [], hover: [], paint: [], rss: [], layout: [], draw: [], gz: [], firstZoom: [], settled: [] };
  for (let i = 0; i < runs; i++) {
    r.gz.push(gunzipMs(file));
    const browser = await launch();
    const { page } = await openPage(browser, url, { width: 1400, height: 900 });
    // Pick the file as a user would (a disk-backed File), then wait for the
    // page's own measurement: drop → flame graph painted, and → table ready.
    await page.setInputFiles('#file', file);
    const t0 = Date.now();
    await page.waitForFunction(() => document.body.dataset.ready || document.getElementById('messages').textContent,
      null, { timeout: 600000 });
    const refused = await page.textContent('#messages');
    if (refused) {
      console.log(`${size}.pb.gz (${(bytes / 1e6).toFixed(1)} MB): refused after ${Date.now() - t0} ms: ${refused}`);
      await browser.close();
      break;
    }
    const m = await page.evaluate(async () => {
      const P = window.pprofLens; // the page's test surface (www/testing.js)
      const stats = await P.stats();
      const tm = P.timings();
      const out = { wasm: stats.wasmMemory / 1048576, load: tm.lastFlameMs, table: tm.lastTableMs, all: tm.lastLoadMs, paint: tm.paintMs, zoom: [], zoomOut: [], hover: [], layout: [], draw: [], ops: { ...stats.opMs, feeds: stats.opSumMs.loadFeed } };
      // One zoom at once (the widest box of the third row: its stacks are
      // sorted on the way), then the flame graph's sort finished while idle.
      const L = P.flame('view').layout;
      const widest = [...L.width.keys()].filter((i) => L.depth[i] === 2).sort((a, b) => L.width[b] - L.width[a])[0];
      if (widest !== undefined) {
        await P.zoomTo('view', { lo: L.lo[widest], hi: L.hi[widest], depth: 2 });
        out.firstZoom = P.timings().layoutMs;
        await P.zoomOut('view');
      }
      const waited = performance.now();
      while (P.timings().settledAt === null && performance.now() - waited < 120000) await new Promise((ok) => setTimeout(ok, 5));
      out.settled = P.timings().settledAt - P.timings().tablePaintedAt;
      // Zoom into the five widest boxes below the root row and back.
      const idx = [...L.width.keys()].filter((i) => L.depth[i] === 2).sort((a, b) => L.width[b] - L.width[a]).slice(0, 5);
      for (const i of idx) {
        await P.zoomTo('view', { lo: L.lo[i], hi: L.hi[i], depth: L.depth[i] }); out.zoom.push(P.timings().zoomDrawMs);
        out.layout.push(P.timings().layoutMs); out.draw.push(P.timings().paintMs);
        const t2 = performance.now(); await P.zoomOut('view'); out.zoomOut.push(performance.now() - t2);
        out.layout.push(P.timings().layoutMs); out.draw.push(P.timings().paintMs);
      }
      // The table: sort by cum (the core's call and the rows drawn), then a
      // filter typed into it (synchronous: the rows filtered and drawn).
      const cumTh = document.querySelector('#top th[data-sort="cum"]');
      let t0 = performance.now();
      cumTh.click();
      // The header is marked sorted once the rows are in, then drawn at once.
      while (!cumTh.classList.contains('sorted')) await new Promise((ok) => setTimeout(ok, 0));
      out.sortPolled = performance.now() - t0;
      out.sort = P.timings().sortMs ?? out.sortPolled; // the page's own click → rows drawn
      out.ops.topOrder = (await P.stats()).opMs.topOrder;
      out.rows = P.table().name.length;
      const filter = document.getElementById('filter');
      t0 = performance.now();
      filter.value = 'pkg1'; filter.dispatchEvent(new Event('input'));
      out.filter = performance.now() - t0;
      filter.value = ''; filter.dispatchEvent(new Event('input'));
      // Hover: hit test + overlay redraw over 100 positions.
      const c = document.getElementById('flameOverlay'); const r = c.getBoundingClientRect();
      for (let k = 0; k < 100; k++) {
        const t = performance.now();
        const ev = new MouseEvent('mousemove', { clientX: r.left + (k / 100) * r.width, clientY: r.top + 9 + (k % 12) * 18 });
        c.dispatchEvent(ev);
        out.hover.push(performance.now() - t);
      }
      return out;
    });
    r.load.push(m.load); r.table.push(m.table); r.all.push(m.all); r.sort.push(m.sort); r.sortPolled.push(m.sortPolled); r.filter.push(m.filter); r.rows = m.rows; r.paint.push(m.paint); r.layout.push(median(m.layout)); r.draw.push(median(m.draw)); r.zoomOut.push(median(m.zoomOut)); r.wasm.push(m.wasm); r.zoom.push(median(m.zoom)); r.hover.push(median(m.hover));
    if (m.firstZoom !== undefined) r.firstZoom.push(m.firstZoom);
    r.settled.push(m.settled);
    r.rss.push(treePss(process.pid));
    r.ops = r.ops || {};
    for (const [k, v] of Object.entries(m.ops || {})) (r.ops[k] = r.ops[k] || []).push(v);
    await browser.close();
  }
  if (!r.load.length) continue;
  const gz = median(r.gz);
  const x = (ms) => `${(ms / gz).toFixed(2)}x`;
  console.log(`${size}.pb.gz (${(bytes / 1e6).toFixed(1)} MB): gzip -dc ${(gz / 1000).toFixed(2)}s; drop→painted median ${(median(r.load) / 1000).toFixed(2)}s = ${x(median(r.load))} `
    + `[${r.load.map((v) => (v / 1000).toFixed(2)).join(', ')}]; table rows shown ${(median(r.table) / 1000).toFixed(2)}s = ${x(median(r.table))}; with inline labels ${(median(r.all) / 1000).toFixed(2)}s = ${x(median(r.all))}; table sort ${median(r.sort).toFixed(0)}ms (polled from outside: ${median(r.sortPolled).toFixed(0)}ms), filter ${median(r.filter).toFixed(0)}ms (${r.rows} rows); full flame repaint ${median(r.paint).toFixed(1)}ms; `
    + `flame graph sorted in full (while idle) ${median(r.settled).toFixed(0)}ms after the table; first zoom right after load: layout request ${median(r.firstZoom).toFixed(1)}ms; then zoom in: redrawn ${median(r.zoom).toFixed(1)}ms, exact layout request ${median(r.layout).toFixed(1)}ms + draw ${median(r.draw).toFixed(1)}ms; zoom out (request + draw) ${median(r.zoomOut).toFixed(1)}ms; hover ${median(r.hover).toFixed(2)}ms; browser PSS ${median(r.rss).toFixed(0)} MB (wasm memory ${median(r.wasm).toFixed(0)} MB); `
    + `core calls (last of each, median): ${['feeds', 'loadStreamed', 'load', 'view', 'flame', 'nodeNames', 'viewHeader', 'top', 'topOrder'].filter((k) => r.ops[k]).map((k) => `${k} ${median(r.ops[k]).toFixed(0)}ms = ${x(median(r.ops[k]))}`).join(', ')}`);
}
server.close();

// The Source panel on a big folder: 20,000 files (a module cache's worth,
// generated once into bench-data/sources/) with the corpus program among
// them; times choosing the folder → the first function's lines shown, and
// switching to another function once its file is read.
async function benchSources() {
  const { mkdirSync, writeFileSync, copyFileSync } = await import('node:fs');
  const dir = `${root}/bench-data/sources`;
  if (!existsSync(`${dir}/example.com/leaky/main.go`)) {
    for (let i = 0; i < 20000; i++) {
      const d = `${dir}/mod${i % 200}/pkg${i % 37}`;
      mkdirSync(d, { recursive: true });
      writeFileSync(`${d}/file${i}.go`, `package pkg${i % 37}\n\nfunc F${i}() int { return ${i} }\n`);
    }
    mkdirSync(`${dir}/example.com/leaky`, { recursive: true });
    copyFileSync(`${root}/tests/data/go-leaky/src/example.com/leaky/main.go`, `${dir}/example.com/leaky/main.go`);
  }
  const r = { first: [], next: [] };
  for (let i = 0; i < runs; i++) {
    const browser = await launch();
    const { page } = await openPage(browser, url, { width: 1400, height: 900 });
    await page.setInputFiles('#file', `${root}/tests/data/go-leaky/heap.6.pb.gz`);
    await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 60000 });
    await page.click('#sourceBox summary');
    const pick = async (name) => page.evaluate((n) => {
      const row = window.pprofLens.table().name.indexOf(n);
      document.getElementById('tableBox').scrollTop = row * 20;
      return row;
    }, name);
    const row = await pick('main.readDetails');
    await page.waitForSelector(`#top tbody tr[data-row="${row}"]`);
    await page.click(`#top tbody tr[data-row="${row}"]`);
    // The folder: from the input's change event (the browser has listed the
    // folder) to the code on screen.
    await page.evaluate(() => document.getElementById('sourceInput').addEventListener('change', () => { window.changedAt = performance.now(); }, { capture: true }));
    await page.setInputFiles('#sourceInput', dir);
    await page.waitForFunction(() => document.querySelector('#sourceBody td.code')?.textContent, null, { timeout: 120000, polling: 'raf' });
    r.first.push(await page.evaluate(() => performance.now() - window.changedAt));
    const row2 = await pick('main.(*Cache).Put');
    await page.waitForSelector(`#top tbody tr[data-row="${row2}"]`);
    const t1 = await page.evaluate(() => performance.now());
    await page.click(`#top tbody tr[data-row="${row2}"]`);
    await page.waitForFunction(() => /Put/.test(document.getElementById('sourceTitle').textContent), null, { polling: 'raf' });
    r.next.push((await page.evaluate(() => performance.now())) - t1);
    await browser.close();
  }
  console.log(`sources (20,000 files): choose the folder → first function's lines shown ${median(r.first).toFixed(0)}ms `
    + `[${r.first.map((x) => x.toFixed(0)).join(', ')}]; switch function (click → lines shown) ${median(r.next).toFixed(0)}ms`);
}

async function benchCompare(size) {
  const a = `${root}/bench-data/${size}.pb.gz`;
  const b = `${root}/bench-data/${size}-b.pb.gz`;
  if (!existsSync(a)) execFileSync(`${root}/target/release/pprof-lens-gen`, [size, a], { stdio: 'inherit' });
  if (!existsSync(b)) execFileSync(`${root}/target/release/pprof-lens-gen`, [`${SPECS[size]}:8`, b], { stdio: 'inherit' });
  const r = { one: [], cmp: [], cmpFlame: [], pss: [], wasm: [] };
  for (let i = 0; i < runs; i++) {
    const browser = await launch();
    const { page } = await openPage(browser, url, { width: 1400, height: 900 });
    await page.setInputFiles('#file', a);
    await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 300000 });
    r.one.push(await page.evaluate(() => window.pprofLens.timings().lastLoadMs));
    await page.setInputFiles('#file', b);
    await page.waitForFunction(() => document.body.dataset.ready === '2', null, { timeout: 300000 });
    const m = await page.evaluate(async () => {
      const P = window.pprofLens;
      const t0 = performance.now();
      await P.compare([1], [2]);
      const out = { cmp: performance.now() - t0, cmpFlame: P.timings().flamePaintedAt - t0 };
      out.wasm = (await P.stats()).wasmMemory / 1048576;
      out.errors = [...document.querySelectorAll('#messages .msg span')].map((s) => s.textContent);
      return out;
    });
    if (m.errors.length) throw new Error(`compare failed: ${m.errors.join('; ')}`);
    r.cmp.push(m.cmp); r.cmpFlame.push(m.cmpFlame); r.wasm.push(m.wasm);
    r.pss.push(treePss(process.pid));
    await browser.close();
  }
  const s = (xs) => (median(xs) / 1000).toFixed(2);
  console.log(`compare ${size}: loading one profile (drop → table ready) ${s(r.one)}s; comparing two (click → diff flame graph painted) `
    + `${s(r.cmpFlame)}s, → table ready ${s(r.cmp)}s [${r.cmp.map((x) => (x / 1000).toFixed(2)).join(', ')}] = ${(median(r.cmp) / median(r.one)).toFixed(2)}x one load; `
    + `browser PSS ${median(r.pss).toFixed(0)} MB (wasm memory ${median(r.wasm).toFixed(0)} MB)`);
}

async function benchInteract(size) {
  const file = `${root}/bench-data/${size}.pb.gz`;
  if (!existsSync(file)) execFileSync(`${root}/target/release/pprof-lens-gen`, [size, file], { stdio: 'inherit' });
  const r = {};
  const add = (k, v) => (r[k] = r[k] || []).push(v);
  for (let i = 0; i < runs; i++) {
    add('gz', gunzipMs(file));
    const browser = await launch();
    const { page } = await openPage(browser, url, { width: 1400, height: 900 });
    await page.setInputFiles('#file', file);
    await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 300000 });
    // Input → the view drawn again, in the page: the flame graph painted,
    // the table's rows shown, and everything (pprof's inline labels join
    // the rows last; the page marks itself ready then).
    const redrawn = async (k, act) => {
      const m = await page.evaluate(async (act) => {
        delete document.body.dataset.ready;
        const t0 = performance.now();
        if (act.select) {
          const el = document.getElementById(act.select);
          el.value = act.value; el.dispatchEvent(new Event('change', { bubbles: true }));
        } else {
          document.querySelector('#refineForm input[name=hide]').value = act.hide;
          document.getElementById('refineForm').requestSubmit();
        }
        while (!document.body.dataset.ready) await new Promise((ok) => setTimeout(ok, 2));
        const tm = window.pprofLens.timings();
        return { flame: tm.flamePaintedAt - t0, table: tm.tablePaintedAt - t0, all: performance.now() - t0 };
      }, act);
      add(k, m.table); add(`${k} flame`, m.flame); add(`${k} all`, m.all);
    };
    await redrawn('lines', { select: 'granularity', value: 'lines' });
    await redrawn('functions', { select: 'granularity', value: 'functions' });
    const ops = (await page.evaluate(() => window.pprofLens.stats())).opMs;
    for (const [k, v] of Object.entries(ops)) add(`op ${k}`, v);
    await redrawn('type', { select: 'sampleType', value: '1' });
    await redrawn('typeBack', { select: 'sampleType', value: '0' });
    if (await page.isHidden('#refineForm')) await page.click('#refineToggle');
    await redrawn('refine', { hide: 'encode|grpc' });
    await redrawn('unrefine', { hide: '' });
    // A row of the table (the third: not the root) clicked until its
    // callers and callees are shown.
    await page.waitForFunction(() => !window.pprofLens.table()?.labelsPending, null, { timeout: 300000 });
    const name = await page.evaluate(() => window.pprofLens.table().name[2]);
    const t0 = Date.now();
    await page.click('#top tbody tr[data-row="2"]');
    await page.waitForFunction((n) => document.getElementById('peekTitle').textContent.includes(n), name, { timeout: 300000, polling: 5 });
    add('select', Date.now() - t0);
    await browser.close();
  }
  const ms = (k) => `${median(r[k]).toFixed(0)}ms`;
  const step = (k) => `${ms(k)} (flame graph ${ms(`${k} flame`)}, inline labels too ${ms(`${k} all`)})`;
  console.log(`interact ${size}: gzip -dc ${ms('gz')}; input → flame graph and table shown: granularity to lines ${step('lines')}, back to functions ${step('functions')}; `
    + `sample type changed ${step('type')}, back ${step('typeBack')}; a refinement (hide) ${step('refine')}, removed ${step('unrefine')}; `
    + `a row selected → callers and callees shown ${ms('select')}; core calls of the redraw to functions: `
    + Object.keys(r).filter((k) => k.startsWith('op ')).map((k) => `${k.slice(3)} ${ms(k)}`).join(', '));
}

async function benchGraph(size) {
  const file = `${root}/bench-data/${size}.pb.gz`;
  if (!existsSync(file)) execFileSync(`${root}/target/release/pprof-lens-gen`, [size, file], { stdio: 'inherit' });
  const r = { open: [], load: [], core: [], layout: [], n500: [], n500layout: [], n500nodes: [], stall: [], n80: [], n80layout: [] };
  for (let i = 0; i < runs; i++) {
    const browser = await launch();
    const { page } = await openPage(browser, url, { width: 1400, height: 900 });
    await page.setInputFiles('#file', file);
    await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 300000 });
    // Waits for the Graph view to be drawn after `act`; returns its timings
    // and the longest gap between animation frames meanwhile (a frozen page
    // shows as one long gap).
    const drawn = async (act) => {
      const before = await page.$eval('#graphBox', (b) => b.dataset.drawn || '');
      await page.evaluate(() => {
        window.benchGap = 0; let last = performance.now();
        const tick = (t) => { window.benchGap = Math.max(window.benchGap, t - last); last = t; window.benchRaf = requestAnimationFrame(tick); };
        window.benchRaf = requestAnimationFrame(tick);
      });
      await act();
      await page.waitForFunction((b) => (document.getElementById('graphBox').dataset.drawn || '') !== b, before, { timeout: 300000 });
      return page.evaluate(() => {
        cancelAnimationFrame(window.benchRaf);
        const g = window.pprofLens.graph();
        return { ...g.timings, nodes: g.facts.nodes.length, gap: window.benchGap };
      });
    };
    const first = await drawn(() => page.click('#graphBox summary'));
    r.open.push(first.totalMs); r.load.push(first.loadMs); r.core.push(first.graphMs); r.layout.push(first.layoutMs);
    const big = await drawn(() => page.selectOption('#graphNodes', '500'));
    r.n500.push(big.totalMs); r.n500layout.push(big.layoutMs); r.n500nodes.push(big.nodes); r.stall.push(big.gap);
    const again = await drawn(() => page.selectOption('#graphNodes', '0'));
    r.n80.push(again.totalMs); r.n80layout.push(again.layoutMs);
    await browser.close();
  }
  const ms = (xs) => `${median(xs).toFixed(0)}ms`;
  console.log(`graph ${size}: open the Graph view → drawn ${ms(r.open)} (the core's graph ${ms(r.core)}, Graphviz's first load ${ms(r.load)}, layout ${ms(r.layout)}); `
    + `${median(r.n500nodes)}-node graph ${ms(r.n500)} (layout ${ms(r.n500layout)}; longest main-thread stall meanwhile ${ms(r.stall)}); `
    + `default 80-node graph after the first load ${ms(r.n80)} (layout ${ms(r.n80layout)}) [${r.n80.map((x) => x.toFixed(0)).join(', ')}]`);
}
