// The Graph view in headless Chromium: pprof's call graph (the DOT text of
// go tool pprof -dot, the corpus's oracles), laid out by Graphviz in a worker
// loaded only when the view opens; a click selects the function everywhere;
// a comparison is coloured; the single file draws it with no network; a
// graph beyond 2,000 nodes asks first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { useBrowser, shots, openPage, load, data, dist } from './helpers.mjs';

const env = useBrowser();

// Opens the Graph view (or does `act`, say a new node count) and waits for `state`.
async function graph(page, { act = () => page.click('#graphBox summary'), state = 'drawn' } = {}) {
  const before = await page.$eval('#graphBox', (b) => b.dataset.drawn || '');
  await act();
  await page.waitForFunction(([s, b]) => {
    const box = document.getElementById('graphBox');
    return box.dataset.state === s && (s !== 'drawn' || (box.dataset.drawn || '') !== b);
  }, [state, before], { timeout: 60000 });
  return page.evaluate(() => window.pprofLens.graph());
}

// An oracle's edges between graph nodes (not label boxes): "N1->N2" → weight.
function oracleEdges(dot) {
  const out = new Map();
  for (const m of dot.matchAll(/^N(\d+) -> N(\d+) \[label=" ([^"\\]+)/gm)) out.set(`N${m[1]}->N${m[2]}`, m[3]);
  return out;
}

test('the Graph view draws go tool pprof -dot\'s graph, loading Graphviz only when it opens', async () => {
  const { context, page } = await openPage(env.browser, env.url, { width: 1280, height: 1000 });
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await load(page, data('go-leaky/cpu.pb.gz'));
  assert.ok(!requests.some((u) => /graphviz|layout-worker/.test(u)), 'nothing of Graphviz before the view opens');
  const g = await graph(page);
  assert.ok(requests.some((u) => u.endsWith('/vendor/graphviz.js')), 'Graphviz is loaded from this origin when the view opens');
  // The DOT is pprof's, byte for byte (the export gives this same text).
  const oracle = readFileSync(data('go-leaky/expected/dot.cpu.txt'), 'utf8');
  assert.equal(g.facts.dot, oracle);
  // Every node of the oracle is a box, every edge carries its weight.
  const nodes = await page.$$eval('#graphCanvas g.node[data-pos]', (gs) => gs.map((x) => x.dataset.pos));
  assert.equal(nodes.length, [...oracle.matchAll(/^N\d+ \[label=/gm)].length);
  const want = oracleEdges(oracle);
  const drawn = await page.$$eval('#graphCanvas g.edge', (gs) => gs.map((x) => [x.dataset.title, x.querySelector('text')?.textContent.trim() ?? '']));
  const between = drawn.filter(([t]) => /^N\d+->N\d+$/.test(t));
  assert.equal(between.length, want.size);
  for (const [t, label] of between) assert.equal(label, want.get(t), t);
  // Hovering a node shows its facts (the graph opens on its top, readable).
  await page.$eval('#graphCanvas', (c) => c.scrollIntoView({ block: 'end' }));
  const top = g.facts.nodes.findIndex((n) => n.name === 'main.tick.func3');
  await page.hover(`#graphCanvas g.node[data-pos="${top}"] polygon`);
  assert.match(await page.textContent('#graphTip'), /main\.tick\.func3.*cum 5\.54s \(92\.95%\)/s);
  await page.screenshot({ path: `${shots}/graph.png` });
  await page.click('#graphFit');
  const pos = g.facts.nodes.findIndex((n) => n.name === 'sort.partition');
  await page.hover(`#graphCanvas g.node[data-pos="${pos}"] polygon`);
  assert.match(await page.textContent('#graphTip'), /sort\.partition.*flat 3\.34s \(56\.04%\) · cum 4\.39s \(73\.66%\)/s);
  // A bigger node count: every node above pprof's node fraction fits in 200.
  const more = await graph(page, { act: () => page.selectOption('#graphNodes', '200') });
  assert.equal(more.facts.nodes.length, g.facts.nodes.length, 'all 53 nodes fit in 200');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('clicking a box selects the function in the table, the flame graph and callers/callees', async () => {
  const { context, page } = await openPage(env.browser, env.url, { width: 1280, height: 1000 });
  await load(page, data('go-leaky/heap.6.pb.gz'));
  const g = await graph(page);
  assert.equal(g.facts.dot, readFileSync(data('go-leaky/expected/dot.heap.6.txt'), 'utf8'));
  await page.click('#graphFit');
  await page.$eval('#graphCanvas', (c) => c.scrollIntoView({ block: 'center' }));
  const pos = g.facts.nodes.findIndex((n) => n.name === 'main.loadUser');
  const box = await page.$eval(`#graphCanvas g.node[data-pos="${pos}"]`, (n) => { const r = n.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; });
  await page.mouse.click(box[0], box[1]);
  await page.waitForFunction(() => window.pprofLens.state().selected === 'main.loadUser');
  assert.match(await page.textContent('#peekTitle'), /main\.loadUser/);
  const table = await page.evaluate(() => window.pprofLens.table());
  const row = table.name.indexOf('main.loadUser');
  assert.ok(await page.$(`#top tbody tr.selected[data-row="${row}"]`), 'the table row is selected');
  assert.ok(await page.$(`#graphCanvas g.node.selected[data-pos="${pos}"]`), 'the box is marked');
  // The open view and its node count are the tab's: kept in the link.
  assert.match(await page.evaluate(() => location.hash), /graph=1/);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a comparison\'s graph takes the diff colours, with base → new on hover', async () => {
  const { context, page } = await openPage(env.browser, env.url, { width: 1280, height: 1000 });
  await load(page, data('go-leaky/goroutine.start.pb.gz'), data('go-leaky/goroutine.end.pb.gz'));
  const keys = await page.evaluate(() => window.pprofLens.tabs().map((t) => t.key));
  await page.evaluate(([b, n]) => window.pprofLens.compare([b], [n]), keys);
  await page.waitForFunction(() => window.pprofLens.tabs().some((t) => t.compare && t.active));
  const g = await graph(page);
  // The same graph as go tool pprof -dot -diff_base=START END.
  assert.equal(g.facts.dot, readFileSync(data('go-leaky/expected-extra/dot.goroutine.diff.txt'), 'utf8'));
  // Growth is red, shrinkage green (pprof's dotColor on the net values).
  const fills = await page.$$eval('#graphCanvas g.node[data-pos] polygon', (ps) => ps.map((p) => p.getAttribute('fill')));
  const rgb = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
  assert.ok(fills.some((f) => { const [r, gr] = rgb(f); return r > gr; }), `a red box: ${fills}`);
  assert.ok(fills.some((f) => { const [r, gr] = rgb(f); return gr > r; }), `a green box: ${fills}`);
  const grown = g.facts.nodes.find((n) => n.name === 'main.startTask.func1');
  assert.ok(grown.baseCum && grown.newCum, 'base and new per node');
  const pos = g.facts.nodes.indexOf(grown);
  await page.click('#graphFit');
  await page.hover(`#graphCanvas g.node[data-pos="${pos}"] polygon`);
  assert.match(await page.textContent('#graphTip'), new RegExp(`cum: base ${grown.baseCum} → new ${grown.newCum}`));
  await page.evaluate(() => document.getElementById('graphBox').scrollIntoView());
  await page.screenshot({ path: `${shots}/graph-compare.png` });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('the single file draws the graph from file:// with no network', async () => {
  const { context, page } = await openPage(env.browser, pathToFileURL(`${dist}/pprof-lens.html`).href);
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  await load(page, data('node/node.cpu.pb.gz'));
  const g = await graph(page);
  assert.equal(g.facts.dot, readFileSync(data('node/expected/dot.node.cpu.txt'), 'utf8'));
  assert.ok(await page.$$eval('#graphCanvas g.node', (n) => n.length) > 5);
  assert.deepEqual(requests.filter((u) => !u.startsWith('blob:') && !u.startsWith('data:')), []);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('beyond 2,000 nodes the view asks before laying out; the other views keep working', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('synth/chain2500.pb.gz'));
  const first = await graph(page);
  assert.ok(first.facts.nodes.length <= 80, 'pprof\'s 80 nodes by default');
  await graph(page, { act: () => page.selectOption('#graphNodes', '4294967295'), state: 'ask' });
  assert.match(await page.textContent('#graphInfo'), /This graph has 2,500 nodes/);
  // Meanwhile the table and the flame graph are there.
  assert.equal((await page.evaluate(() => window.pprofLens.table())).name.length, 2500);
  const g = await graph(page, { act: () => page.selectOption('#graphNodes', '500') });
  assert.ok(g.facts.nodes.length > 400 && g.facts.nodes.length <= 500, `${g.facts.nodes.length} nodes`);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a graph Graphviz refuses says so, and the other views keep working', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  // A label value with a quote: pprof writes label boxes unescaped, so this
  // DOT is not valid (go tool pprof -http fails on it the same way).
  await load(page, data('names/quoted-label.cpu.pb.gz'));
  await graph(page, { state: 'failed' });
  assert.match(await page.textContent('#graphInfo'), /could not be laid out \(.+\); the other views still work/);
  assert.equal((await page.evaluate(() => window.pprofLens.table())).name.length, 2);
  // The next profile's graph is drawn (the layout worker started afresh).
  await load(page, data('go-leaky/mutex.pb.gz'));
  const g = await graph(page);
  assert.ok(g.facts.nodes.length > 0 && g.state === 'drawn');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('defect 4: the graph opens at a readable scale, has a full-window view, and takes the dark theme', async () => {
  const { context, page } = await openPage(env.browser, env.url, { width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await load(page, data('go-leaky/heap.6.pb.gz'));
  await page.click('#graphBox summary');
  await page.waitForFunction(() => window.pprofLens.graph().state === 'drawn', null, { timeout: 60000 });
  const view = () => page.evaluate(() => {
    const c = document.getElementById('graphCanvas');
    const [x, y, w, h] = c.querySelector('svg').getAttribute('viewBox').split(' ').map(Number);
    return { x, y, w, h, cw: c.clientWidth, ch: c.clientHeight, bg: getComputedStyle(c).backgroundColor };
  });
  // One layout unit a pixel (the labels at Graphviz's size), not the whole graph squeezed in.
  let v = await view();
  assert.ok(Math.abs(v.w - v.cw) < 2 && Math.abs(v.h - v.ch) < 2, JSON.stringify(v));
  // The theme's panel colour, not a white rectangle.
  assert.notEqual(v.bg, 'rgb(255, 255, 255)');
  const edgeText = await page.$eval('#graphCanvas g.edge text', (t) => getComputedStyle(t).fill);
  assert.notEqual(edgeText, 'rgb(0, 0, 0)');
  // The whole window, and Escape back.
  await page.click('#graphFull');
  v = await view();
  assert.ok(await page.$eval('#graphBox', (b) => b.classList.contains('graph-full')));
  assert.ok(v.ch > 700, `full-window canvas ${v.ch} px tall`);
  await page.screenshot({ path: `${shots}/graph-full-dark.png` });
  await page.keyboard.press('Escape');
  assert.ok(!(await page.$eval('#graphBox', (b) => b.classList.contains('graph-full'))));
  // Fit shows the whole graph.
  await page.click('#graphFit');
  v = await view();
  assert.ok(v.x === 0 && v.y === 0 && (v.w > v.cw || v.h > v.ch), JSON.stringify(v));
  assert.deepEqual(page.errors, []);
  await context.close();
});
