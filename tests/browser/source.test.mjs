// The Source panel in headless Chromium: a source folder chosen with the
// directory input gives each line the numbers of go tool pprof -list (the
// corpus's oracles), for several functions, sample types and a refinement;
// a comparison gives per-line changes; missing and changed files say so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { useBrowser, shots, openPage, load, data, root, dist, compare } from './helpers.mjs';

const env = useBrowser();
const SRC = data('go-leaky/src');

// The routine of function `name` in a go tool pprof -list oracle: [flat, cum, line, code] per line.
function oracle(path, name) {
  const text = readFileSync(path, 'utf8').split('\n');
  const at = text.findIndex((l) => l.startsWith(`ROUTINE ======================== ${name} in `));
  assert.ok(at >= 0, `${name} in ${path}`);
  const out = [];
  for (const l of text.slice(at + 2)) {
    if (!l || l.startsWith('ROUTINE')) break;
    const m = /^\s*(\S+)\s+(\S+)\s+(\d+):(.*)$/.exec(l);
    out.push([m[1], m[2], m[3], m[4]]);
  }
  return out;
}

async function shown(page) {
  // The routine's own lines (not an expanded inlined callee's), the code without its buttons.
  return page.$$eval('#sourceBody > .routine > table.source > tr[data-line], #sourceBody > .routine > table.source > tbody > tr[data-line]', (trs) => trs.map((tr) => {
    const td = [...tr.cells].map((c) => c.textContent);
    return [td[0], td[1], td[3], tr.querySelector('.src').textContent];
  }));
}

async function selectRow(page, name) {
  // The row of `name` in the table as drawn now (a refinement redraws it).
  await page.waitForFunction((n) => {
    const row = window.pprofLens.table()?.name.indexOf(n);
    if (row === undefined || row < 0) return false;
    document.getElementById('tableBox').scrollTop = row * 20;
    const tr = document.querySelector(`#top tbody tr[data-row="${row}"]`);
    return tr && tr.lastChild.textContent.replace(/ \(inline\)$/, '') === n;
  }, name);
  const row = await page.evaluate((n) => window.pprofLens.table().name.indexOf(n), name);
  const before = await page.$eval('#sourceBody', (b) => b.dataset.ready || '');
  await page.click(`#top tbody tr[data-row="${row}"]`);
  await page.waitForFunction((b) => (document.getElementById('sourceBody').dataset.ready || '') !== b, before);
}

test('a chosen source folder shows go tool pprof -list\'s numbers beside each line', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/heap.6.pb.gz'));
  await page.click('#sourceBox summary');
  // Before any folder: the lines with values, and which path was looked for.
  await selectRow(page, 'main.readDetails');
  assert.match(await page.textContent('#sourceBody'), /Not found: the profile records example\.com\/leaky\/main\.go; searched no source folder yet/);
  await page.setInputFiles('#sourceInput', SRC);
  await page.waitForFunction(() => /main\.go|found/.test(document.getElementById('sourceRoots').textContent) && document.querySelector('#sourceBody td.code')?.textContent);
  const want = (file, name) => oracle(data(`go-leaky/expected/${file}`), name);
  assert.deepEqual(await shown(page), want('list.readDetails.txt', 'main.readDetails'));
  for (const name of ['main.(*Cache).Put', 'main.startTask.func1', 'main.handleDetails']) {
    await selectRow(page, name);
    assert.deepEqual(await shown(page), want('list.main.heap.txt', name), name);
  }
  assert.match(await page.textContent('#sourceRoots'), /src \(1 files, 1 found\)/);
  await page.screenshot({ path: `${shots}/source.png`, fullPage: true });
  // Another sample type.
  await page.selectOption('#sampleType', { label: 'alloc_space (bytes)' });
  await page.waitForFunction(() => /alloc_space/.test(document.getElementById('header').textContent));
  await selectRow(page, 'main.loadUser');
  assert.deepEqual(await shown(page), want('list.main.alloc_space.txt', 'main.loadUser'));
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a refinement and a comparison list per line as -list does with the same flags', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/cpu.pb.gz'));
  await page.setInputFiles('#sourceInput', SRC);
  await page.click('#sourceBox summary');
  await page.click('#refineToggle');
  await page.fill('#refineForm input[name=tagfocus]', 'handler=/api/users');
  await page.click('#refineForm button[type=submit]');
  await page.waitForFunction(() => /tagfocus/.test(document.getElementById('chips').textContent));
  await selectRow(page, 'main.handleUsers');
  assert.deepEqual(await shown(page), oracle(data('go-leaky/expected-extra/list.cpu.lines.tagfocus.txt'), 'main.handleUsers'));
  // A comparison: base → new per line, and Δ as -list -diff_base prints it.
  await load(page, data('go-leaky/heap.1.pb.gz'), data('go-leaky/heap.6.pb.gz'));
  await compare(page, { 'heap.1.pb.gz': 'base', 'heap.6.pb.gz': 'new' });
  await page.evaluate(() => { document.getElementById('sourceBox').open = true; });
  await selectRow(page, 'main.readDetails');
  const rows = await page.$$eval('#sourceBody > .routine > table.source tr[data-line]', (trs) => trs.map((tr) => [...tr.cells].map((c, i) => (c.classList.contains('code') ? tr.querySelector('.src').textContent : c.textContent))));
  const want = oracle(data('go-leaky/expected/list.diff.txt'), 'main.readDetails');
  assert.deepEqual(rows.map((r) => [r[2], r[3], r[5], r[6]]), want);
  const hot = rows.find((r) => r[3] !== '.');
  assert.notEqual(hot[0], hot[1], 'base and new differ on the growing line');
  await context.close();
});

test('a changed file says so instead of showing wrong lines; the offline file reads a folder too', async () => {
  const tmp = `${root}/target/browser-tmp/stale/example.com/leaky`;
  mkdirSync(tmp, { recursive: true });
  writeFileSync(`${tmp}/main.go`, readFileSync(`${SRC}/example.com/leaky/main.go`, 'utf8').split('\n').slice(0, 20).join('\n'));
  const context = await env.browser.newContext();
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.goto(pathToFileURL(`${dist}/pprof-lens.html`).href);
  await page.waitForFunction(() => document.body.dataset.core && document.body.dataset.core !== 'none');
  await load(page, data('go-leaky/heap.6.pb.gz'));
  await page.setInputFiles('#sourceInput', `${root}/target/browser-tmp/stale`);
  await page.click('#sourceBox summary');
  await selectRow(page, 'main.readDetails');
  assert.match(await page.textContent('#sourceBody'), /main\.go has 20 lines, but the profile has costs on line 52: the file has changed since the profile was taken/);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a folder dropped on the page becomes a source folder', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/heap.6.pb.gz'));
  // A real drag of a directory, through the browser's own drag and drop.
  const cdp = await context.newCDPSession(page);
  const drag = { items: [], files: [SRC], dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop']) await cdp.send('Input.dispatchDragEvent', { type, x: 100, y: 300, data: drag });
  await page.waitForFunction(() => /Source folders: src/.test(document.getElementById('sourceRoots').textContent));
  assert.equal(await page.evaluate(() => window.pprofLens.tabs().length), 1, 'no profile tab for a folder');
  assert.ok(await page.$eval('#sourceBox', (d) => d.open), 'the panel opens');
  await selectRow(page, 'main.(*Cache).Put');
  assert.deepEqual(await shown(page), oracle(data('go-leaky/expected/list.main.heap.txt'), 'main.(*Cache).Put'));
  assert.match(page.url(), /src=1/, 'the link says a source view is open, nothing more');
  assert.doesNotMatch(decodeURIComponent(page.url()), /example\.com|main\.go/);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a series suspect opens on the line that keeps growing, with its value per snapshot', async () => {
  const { context, page } = await openPage(env.browser, env.url, { width: 1400, height: 1000 });
  await load(page, ...[1, 2, 3, 4, 5, 6].map((i) => data(`go-leaky/heap.${i}.pb.gz`)));
  await page.setInputFiles('#sourceInput', SRC);
  await page.click('#seriesBtn');
  await page.waitForFunction(() => document.body.dataset.series && document.querySelectorAll('#suspects tbody tr').length > 0);
  await page.click('#suspects tbody tr:has-text("main.readDetails")');
  await page.click('#suspectPeek button:has-text("Source of main.readDetails")');
  await page.waitForFunction(() => document.getElementById('suspectSource').dataset.ready);
  const row = await page.$eval('#suspectSource tr.growing', (tr) => ({ line: tr.dataset.line, cells: [...tr.cells].map((c) => c.textContent) }));
  assert.equal(row.line, '52');
  assert.equal(row.cells[5], '149.94MB', 'the last snapshot\'s value, as -list prints it');
  assert.match(row.cells[6], /^\+/, 'growth');
  assert.match(row.cells.at(-1), /data := make\(\[\]byte, 64<<10\)/);
  assert.ok(await page.$eval('#suspectSource tr.growing', (tr) => {
    const r = tr.getBoundingClientRect();
    const box = tr.closest('.suspect-source').getBoundingClientRect();
    return r.top >= box.top && r.bottom <= box.bottom;
  }), 'scrolled into view');
  await page.screenshot({ path: `${shots}/series-source.png` });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a remembered folder comes back on the next visit with one click', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  const text = readFileSync(`${SRC}/example.com/leaky/main.go`, 'utf8');
  // The picker cannot be driven headless: the origin's private file system
  // gives the same kind of handle the picker returns.
  await page.evaluate(async (t) => {
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle('leaky-src', { create: true });
    const leaky = await (await dir.getDirectoryHandle('example.com', { create: true })).getDirectoryHandle('leaky', { create: true });
    const w = await (await leaky.getFileHandle('main.go', { create: true })).createWritable();
    await w.write(t); await w.close();
    document.getElementById('sourceRemember').checked = true;
    await window.pprofLens.addSourceHandle(dir);
  }, text);
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.core && document.body.dataset.core !== 'none');
  await load(page, data('go-leaky/heap.6.pb.gz'));
  await page.waitForSelector('#sourceRemembered button:has-text("Reopen leaky-src")');
  await page.click('#sourceRemembered button:has-text("Reopen leaky-src")');
  await page.waitForFunction(() => /leaky-src/.test(document.getElementById('sourceRoots').textContent));
  await selectRow(page, 'main.(*Cache).Put');
  assert.deepEqual(await shown(page), oracle(data('go-leaky/expected/list.main.heap.txt'), 'main.(*Cache).Put'));
  // Forgetting it removes it for the next visit.
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.core && document.body.dataset.core !== 'none');
  await load(page, data('go-leaky/heap.6.pb.gz'));
  await page.waitForSelector('#sourceRemembered button[title^="Forget"]');
  await page.click('#sourceRemembered button[title^="Forget"]');
  await page.waitForFunction(() => !document.querySelector('#sourceRemembered button'));
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('several roots, a function in two files, and inlined call sites expanding into the callee', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('listing/listing.cpu.pb.gz'));
  await page.setInputFiles('#sourceInput', data('listing/repo'));
  await page.setInputFiles('#sourceInput', data('listing/lib'));
  await page.click('#sourceBox summary');
  await selectRow(page, 'main.helper');
  const heads = await page.$$eval('#sourceBody .routine-head', (h) => h.map((x) => x.textContent));
  assert.deepEqual(heads.map((h) => h.split(' · ')[0]), ['/build/ci/app/gen.go', '/build/ci/app/main.go'], 'both files of main.helper');
  assert.deepEqual((await shown(page)).filter((r) => r[1] !== '.').map((r) => [r[1], r[2]]), [['150ms', '7'], ['200ms', '14']]);
  await selectRow(page, 'main.work');
  await page.click('#sourceBody button.inline-site:has-text("util.Sum")');
  await page.waitForSelector('#sourceBody tr.inline-expansion table.source');
  const inner = await page.$$eval('#sourceBody tr.inline-expansion tr[data-line]', (trs) => trs.filter((tr) => tr.classList.contains('hot')).map((tr) => [tr.cells[1].textContent, tr.dataset.line, tr.querySelector('.src').textContent]));
  // As go tool pprof -list=util.Sum prints them (tests/data/listing/expected-extra/list.sum.inlined.txt).
  assert.deepEqual(inner, [['100ms', '6', '\tfor i := 0; i < n; i++ {'], ['400ms', '7', '\t\ts += i']]);
  assert.match(await page.textContent('#sourceRoots'), /repo \(2 files, 2 found\).*lib \(1 files, 1 found\)/);
  await page.locator('#sourceBox').screenshot({ path: `${shots}/source.png` });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('binary and huge source files are refused with a sentence', async () => {
  const dir = `${root}/target/browser-tmp/odd/example.com/leaky`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/main.go`, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3]));
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/heap.6.pb.gz'));
  await page.setInputFiles('#sourceInput', `${root}/target/browser-tmp/odd`);
  await page.click('#sourceBox summary');
  await selectRow(page, 'main.readDetails');
  assert.match(await page.textContent('#sourceBody'), /example\.com\/leaky\/main\.go is not a text file/);
  writeFileSync(`${dir}/main.go`, Buffer.alloc(11 * 1024 * 1024, 0x61));
  await page.setInputFiles('#sourceInput', `${root}/target/browser-tmp/odd`);
  await selectRow(page, 'main.(*Cache).Put');
  assert.match(await page.textContent('#sourceBody'), /main\.go is 11\.5 MB: source files over 10 MB are not shown/);
  assert.deepEqual(page.errors, []);
  await context.close();
});
