// A core subset of the browser tests in Debian's Firefox ESR, driven by
// puppeteer-core over WebDriver BiDi (stock Firefox, no separate driver):
// load, table (against go tool pprof's oracle), flame graph, compare,
// series, the Graph view, and the single offline file. The page's CSP
// refuses functions built from strings (puppeteer's waitForFunction), so
// the tests poll with evaluate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import puppeteer from 'puppeteer-core';
import { data, dist, oracleRows, startServer } from '../browser/helpers.mjs';

const FIREFOX = '/usr/bin/firefox-esr';
const env = {};

before(async () => {
  if (!existsSync(`${dist}/index.html`)) throw new Error('dist/ is missing: run scripts/build.sh first');
  env.browser = await puppeteer.launch({
    browser: 'firefox', executablePath: FIREFOX, headless: true, protocol: 'webDriverBiDi',
    extraPrefsFirefox: { 'network.proxy.type': 0, 'app.update.enabled': false, 'browser.shell.checkDefaultBrowser': false },
  });
  Object.assign(env, await startServer());
});
after(async () => { await env.browser?.close(); env.server?.close(); });

// Polls `f` (a function of no arguments, or of `arg`) in the page until it returns a truthy value.
async function until(page, f, arg, ms = 60000) {
  const t0 = Date.now();
  for (;;) {
    const v = await page.evaluate(f, arg);
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${f}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

async function open(url = env.url) {
  const page = await env.browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.goto(url);
  await until(page, () => document.body.dataset.core && document.body.dataset.core !== 'none');
  return page;
}

async function load(page, ...files) {
  const before = await page.evaluate(() => window.pprofLens.nextKey());
  const input = await page.$('#file');
  await input.uploadFile(...files);
  await until(page, (want) => Number(document.body.dataset.ready) >= want, before + files.length - 1);
}

async function rows(page) {
  await until(page, () => window.pprofLens.table() && !window.pprofLens.table().labelsPending);
  return page.evaluate(() => {
    const R = window.pprofLens.table();
    return R.name.map((n, i) => [R.flatText[i], R.flatPct[i], R.sumPct[i], R.cumText[i], R.cumPct[i], n + (R.inline[i] ? ` ${R.inline[i]}` : '')]);
  });
}

test('Firefox: a profile opens with pprof\'s numbers, its flame graph drawn', async () => {
  const page = await open();
  await load(page, data('go-leaky/cpu.pb.gz'));
  assert.deepEqual(await rows(page), oracleRows(data('go-leaky/expected-extra/cpu.all.txt')));
  const painted = await page.evaluate(() => ({ boxes: Number(document.getElementById('flame').dataset.boxes), h: document.getElementById('flame').height }));
  assert.ok(painted.boxes > 50 && painted.h > 100, JSON.stringify(painted));
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('Firefox: compare and series', async () => {
  const page = await open();
  await load(page, data('go-leaky/heap.1.pb.gz'), data('go-leaky/heap.6.pb.gz'));
  const keys = await page.evaluate(() => window.pprofLens.tabs().map((t) => t.key));
  await page.evaluate((k) => window.pprofLens.compare([k[0]], [k[1]]), keys);
  await until(page, () => window.pprofLens.tabs().some((t) => t.compare && t.active) && document.body.dataset.ready);
  const t = await rows(page);
  assert.ok(t.length > 5, 'the comparison has rows');
  await page.click('#seriesBtn');
  await until(page, () => document.body.dataset.series || document.querySelector('#messages .msg'));
  assert.ok(await page.evaluate(() => !!document.body.dataset.series), 'the series is shown');
  assert.ok(await page.evaluate(() => document.querySelectorAll('#snapshots tbody tr').length === 2));
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('Firefox: the Graph view lays out and draws', async () => {
  const page = await open();
  await load(page, data('go-leaky/heap.6.pb.gz'));
  await page.click('#graphBox summary');
  await until(page, () => ['drawn', 'failed'].includes(window.pprofLens.graph().state), undefined, 120000);
  const g = await page.evaluate(() => window.pprofLens.graph());
  assert.equal(g.state, 'drawn');
  assert.ok(g.facts.nodes.length > 5 && /<svg/.test(g.svg));
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('Firefox: the single offline file opens from file:// and reads a profile', async () => {
  const page = await open(`file://${dist}/pprof-lens.html`);
  await load(page, data('go-leaky/cpu.pb.gz'));
  assert.deepEqual(await rows(page), oracleRows(data('go-leaky/expected-extra/cpu.all.txt')));
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('Firefox: a source folder chosen through the directory input shows go tool pprof -list\'s lines', async () => {
  const page = await open();
  await load(page, data('go-leaky/heap.6.pb.gz'));
  await page.click('#sourceBox summary');
  const input = await page.$('#sourceInput');
  // Firefox's WebDriver BiDi refuses a directory for input.setFiles (NS_ERROR_FILE_IS_DIRECTORY):
  // the folder's file is given as a user picking it would.
  await input.uploadFile(data('go-leaky/src/example.com/leaky/main.go'));
  await until(page, () => /found/.test(document.getElementById('sourceRoots').textContent));
  // The row of main.readDetails, clicked.
  const row = await page.evaluate(() => window.pprofLens.table().name.findIndex((n) => n.startsWith('main.readDetails')));
  await page.evaluate((r) => { document.getElementById('tableBox').scrollTop = r * 20; }, row);
  await until(page, (r) => !!document.querySelector(`#top tbody tr[data-row="${r}"]`), row);
  await page.click(`#top tbody tr[data-row="${row}"]`);
  await until(page, () => document.querySelector('#sourceBody td.code')?.textContent);
  const lines = await page.$$eval('#sourceBody > .routine > table.source tr[data-line]', (trs) => trs.map((tr) => [tr.cells[0].textContent, tr.cells[3].textContent]));
  // go tool pprof -list=main.readDetails: the line that holds the memory.
  const want = readFileSync(data('go-leaky/expected/list.readDetails.txt'), 'utf8');
  const hot = /^\s*(\S+)\s+\S+\s+(\d+):/m.exec(want.split('\n').slice(3).find((l) => /^\s*\d/.test(l) && !/^\s*\.\s/.test(l)));
  assert.ok(lines.some(([flat, n]) => n === hot[2] && flat === hot[1]), `${JSON.stringify(hot)} in ${JSON.stringify(lines.slice(0, 40))}`);
  assert.deepEqual(page.errors, []);
  await page.close();
});
