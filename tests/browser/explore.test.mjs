// Exploring in the page (headless Chromium): every refinement from the UI
// against go tool pprof's output with the same flags, the right-click menu,
// callers and callees against pprof's -peek, the labels panel, and refusals
// that leave the view as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, shots, openPage, load, tableRows, oracleRows, messages, data, dist, frameAt } from './helpers.mjs';

const env = useBrowser();

const extra = (f) => oracleRows(data(`go-leaky/expected-extra/${f}`));

// Waits for the view after an action that re-views the active profile.
async function reviewed(page, act) {
  const n = await page.evaluate(() => Number(document.getElementById('flame').dataset.painted || 0));
  await act();
  await page.waitForFunction((k) => Number(document.getElementById('flame').dataset.painted || 0) > k
    || !document.getElementById('flameEmpty').hidden, n);
  await page.waitForFunction(() => window.pprofLens.table());
  await page.waitForTimeout(100);
}

async function refine(page, fields) {
  if (await page.isHidden('#refineForm')) await page.click('#refineToggle');
  for (const f of ['focus', 'ignore', 'hide', 'show', 'show_from', 'tagfocus', 'tagignore']) {
    await page.fill(`#refineForm input[name=${f}]`, fields[f] || '');
  }
  await reviewed(page, () => page.click('#refineForm button[type=submit]'));
}

test('refinements from the UI give go tool pprof\'s numbers for the same flags', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/cpu.pb.gz'));
  await refine(page, { focus: 'sortRecords|encodeOrders', ignore: 'insertionSort', hide: 'runtime' });
  assert.deepEqual(await tableRows(page), extra('cpu.refine.all.txt'), 'focus, ignore, hide');
  assert.deepEqual((await page.textContent('#chips')).split('×').filter(Boolean),
    ['focus=sortRecords|encodeOrders', 'ignore=insertionSort', 'hide=runtime']);
  await refine(page, { show: 'main' });
  assert.deepEqual(await tableRows(page), extra('cpu.show-main.txt'), 'show');
  await refine(page, { show_from: 'sortRecords' });
  assert.deepEqual(await tableRows(page), extra('cpu.show_from.txt'), 'show_from');
  await refine(page, { tagignore: 'handler=^/api/report$' });
  assert.deepEqual(await tableRows(page), extra('cpu.tagignore.all.txt'), 'tagignore');
  await refine(page, {});
  for (const [g, oracle] of [['files', 'cpu.files.all.txt'], ['filefunctions', 'cpu.filefunctions.txt'], ['addresses', 'cpu.addresses.txt']]) {
    await reviewed(page, () => page.selectOption('#granularity', g));
    assert.deepEqual(await tableRows(page), extra(oracle), g);
  }
  await reviewed(page, () => page.selectOption('#granularity', 'lines'));
  await reviewed(page, () => page.check('#noinlines'));
  assert.deepEqual(await tableRows(page), extra('cpu.lines.noinlines.txt'), 'lines, noinlines');
  // Chips are removed one by one.
  assert.deepEqual((await page.textContent('#chips')).split('×').filter(Boolean), ['granularity=lines', 'noinlines']);
  await reviewed(page, () => page.click('#chips .chip:nth-child(2) button'));
  await reviewed(page, () => page.click('#chips .chip:nth-child(1) button'));
  assert.equal(await page.textContent('#chips'), '');
  assert.deepEqual(await tableRows(page), extra('cpu.all.txt'), 'back to everything');

  // A numeric tag range on a heap profile.
  await load(page, data('go-leaky/heap.6.pb.gz'));
  await refine(page, { tagfocus: '1kb:64kb' });
  assert.deepEqual(await tableRows(page), extra('heap.6.tagfocus-range.txt'), 'tagfocus range');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('labels panel: values with their share; a click focuses on the value', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/cpu.pb.gz'));
  await page.waitForSelector('#labels .label-value');
  const rows = await page.$$eval('#labels .label-value', (rs) => rs.map((r) => [...r.children].slice(0, 3).map((c) => c.textContent)));
  assert.deepEqual(rows.find((r) => r[0] === '/api/users'), ['/api/users', '0.27s', '4.53%']);
  await reviewed(page, () => page.click('#labels .label-value[data-tagfocus="handler=^/api/users$"]'));
  assert.deepEqual(await tableRows(page), extra('cpu.tagfocus.all.txt'));
  assert.match(await page.textContent('#chips'), /tagfocus=handler=\^\/api\/users\$/);
  // Numeric labels, bucketed with units.
  await load(page, data('go-leaky/heap.6.pb.gz'));
  await page.waitForFunction(() => /bytes \(numeric\)/.test(document.getElementById('labels').textContent));
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('right-click menu refines by a function; callers and callees match pprof -peek', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/cpu.pb.gz'));
  const row = await page.evaluate(() => window.pprofLens.table().name.indexOf('main.sortRecords'));
  await page.click(`#top tbody tr[data-row="${row}"]`);
  await page.waitForFunction(() => /main\.sortRecords/.test(document.getElementById('peekTitle').textContent));
  const cells = (id) => page.$$eval(`#${id} tbody tr`, (rs) => rs.map((r) => [...r.cells].map((c) => c.textContent)));
  // pprof -peek=main.sortRecords: called by main.tick.func3 (5.54s, 100%);
  // calls sort.Ints 5.30s (95.67%), runtime.makeslice 0.03s (0.54%).
  assert.deepEqual(await cells('callers'), [['main.tick.func3', '5.54s', '100%']]);
  assert.deepEqual(await cells('callees'), [['sort.Ints', '5.30s', '95.67%'], ['runtime.makeslice', '0.03s', '0.54%']]);
  assert.match(await page.textContent('#peekTitle'), /flat 0\.21s, cum 5\.54s \(92\.95%\)/);
  // A click on a callee moves there.
  await page.click('#callees tbody tr:first-child');
  await page.waitForFunction(() => /of sort\.Ints/.test(document.getElementById('peekTitle').textContent));

  // Right-click on a frame of the flame graph: Show from.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(100); // the scroll event (which closes menus) comes a frame later
  const at = await frameAt(page, 'main.sortRecords');
  await page.mouse.click(at[0], at[1], { button: 'right' });
  await page.waitForSelector('#ctxMenu:not([hidden])');
  const items = await page.$$eval('#ctxMenu button', (bs) => bs.map((b) => b.textContent));
  assert.deepEqual(items.map((t) => t.split(' main.')[0]), ['Focus on', 'Ignore', 'Hide', 'Show only', 'Show from', 'Callers and callees of', 'Source of']);
  await reviewed(page, () => page.click('#ctxMenu button:nth-child(5)'));
  assert.match(await page.textContent('#chips'), /show_from=\^main\\\.sortRecords\$/);
  assert.equal((await tableRows(page)).find((r) => r[5] === 'main.sortRecords')[3], '5.54s');
  assert.ok(!(await tableRows(page)).some((r) => r[5] === 'main.main'), 'callers above show_from are gone');
  // Right-click a row: Ignore.
  await page.click('#top tbody tr[data-row="0"]', { button: 'right' });
  await reviewed(page, () => page.click('#ctxMenu button:nth-child(2)'));
  assert.match(await page.textContent('#chips'), /ignore=/);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('refusals: a bad regex or an unknown label is named next to its field; no match shows why', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/cpu.pb.gz'));
  const before = await tableRows(page);
  await page.click('#refineToggle');
  await page.fill('#refineForm input[name=focus]', 'sort(');
  await page.click('#refineForm button[type=submit]');
  await page.waitForFunction(() => document.querySelector('.ferr[data-for=focus]').textContent);
  assert.match(await page.textContent('.ferr[data-for=focus]'), /^parsing focus regexp: .*open group without closing/);
  assert.deepEqual(await tableRows(page), before, 'the view is as it was');
  assert.equal(await page.textContent('#chips'), '');
  await page.fill('#refineForm input[name=focus]', '');
  await page.fill('#refineForm input[name=tagfocus]', 'nokey=x');
  await page.click('#refineForm button[type=submit]');
  await page.waitForFunction(() => document.querySelector('.ferr[data-for=tagfocus]').textContent);
  assert.equal(await page.textContent('.ferr[data-for=tagfocus]'), 'tagfocus: no sample has a label "nokey"');
  assert.deepEqual(await tableRows(page), before);
  await refine(page, { focus: 'nomatchanywhere' });
  assert.ok(await page.isVisible('#flameEmpty'));
  assert.match(await page.textContent('#flameEmpty'), /No samples left: focus=nomatchanywhere matches nothing/);
  assert.deepEqual(await messages(page), []);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('the URL hash keeps the view; after a reload the same file brings it back', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/cpu.pb.gz'));
  await page.selectOption('#sampleType', '0');
  await page.waitForFunction(() => /Type: samples/.test(document.getElementById('header').textContent));
  await refine(page, { hide: 'runtime' });
  // Zoom into main.sortRecords with a click in the flame graph.
  await page.evaluate(() => window.scrollTo(0, 0));
  const at = await frameAt(page, 'main.sortRecords');
  await page.mouse.click(at[0], at[1]);
  await page.waitForFunction(() => /zoom=/.test(location.hash) && /sel=/.test(location.hash));
  await page.fill('#search', 'partition');
  await page.waitForFunction(() => /search=partition/.test(location.hash));
  const hash = await page.evaluate(() => location.hash);
  assert.doesNotMatch(hash, /pb\.gz.*pb\.gz/, 'one file name, nothing else of the profile');
  const before = { rows: await tableRows(page), crumbs: await page.textContent('#crumbs') };

  await page.reload();
  await page.waitForFunction(() => document.body.dataset.core && document.body.dataset.core !== 'none');
  assert.match(await page.textContent('#waiting'), /view of cpu\.pb\.gz\. Open or drop that file/);
  await load(page, data('go-leaky/cpu.pb.gz'));
  await page.waitForFunction(() => document.getElementById('waiting').hidden && document.getElementById('search').value === 'partition');
  assert.deepEqual(await tableRows(page), before.rows);
  assert.equal(await page.textContent('#crumbs'), before.crumbs);
  assert.match(await page.textContent('#crumbs'), /main\.sortRecords$/);
  assert.equal(await page.evaluate(() => location.hash), hash);
  assert.equal(await page.inputValue('#sampleType'), '0');
  assert.match(await page.textContent('#chips'), /hide=runtime/);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('keyboard: ? help, arrows move a cursor through frames, + and - zoom, Esc resets', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/cpu.pb.gz'));
  await page.keyboard.press('?');
  assert.ok(await page.isVisible('#shortcuts'));
  await page.keyboard.press('Escape');
  assert.ok(await page.isHidden('#shortcuts'));
  const cur = () => page.evaluate(() => { const f = window.pprofLens.flame(); return f.cursor < 0 ? null : f.names[f.layout.node[f.cursor]]; });
  await page.keyboard.press('ArrowDown');
  assert.equal(await cur(), 'runtime.main', 'the widest root frame first');
  await page.keyboard.press('ArrowDown');
  assert.equal(await cur(), 'main.main');
  await page.keyboard.press('ArrowUp');
  assert.equal(await cur(), 'runtime.main');
  await page.keyboard.press('ArrowRight');
  assert.notEqual(await cur(), 'runtime.main');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await cur(), 'runtime.main');
  // The cursor's function is selected in the table too.
  assert.equal(await page.textContent('#top tr.selected td.name'), 'runtime.main');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('+');
  await page.waitForFunction(() => document.querySelectorAll('#crumbs .crumb').length === 3);
  await page.keyboard.press('-');
  await page.waitForFunction(() => document.querySelectorAll('#crumbs .crumb').length === 2);
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.querySelectorAll('#crumbs .crumb').length === 1);
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'search');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('exports: SVG and PNG of the flame graph, CSV of the table, and a .pb.gz that reads back the same', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/cpu.pb.gz'));
  await refine(page, { focus: 'sortRecords|encodeOrders', ignore: 'insertionSort', hide: 'runtime' });
  const want = await tableRows(page);
  const save = async (id) => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.click(`#${id}`)]);
    return { name: d.suggestedFilename(), path: await d.path() };
  };
  const { readFileSync, copyFileSync, mkdirSync } = await import('node:fs');
  const svg = await save('exportSvg');
  assert.equal(svg.name, 'cpu.flame.svg');
  const svgText = readFileSync(svg.path, 'utf8');
  const parsed = await page.evaluate((t) => {
    const doc = new DOMParser().parseFromString(t, 'image/svg+xml');
    return { error: doc.querySelector('parsererror')?.textContent ?? null, rects: doc.querySelectorAll('rect').length, text: [...doc.querySelectorAll('title')].map((x) => x.textContent) };
  }, svgText);
  assert.equal(parsed.error, null, 'the SVG parses');
  assert.ok(parsed.rects > 10 && parsed.text.includes('main.sortRecords'));
  const png = await save('exportPng');
  assert.deepEqual([...readFileSync(png.path).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  const csv = await save('exportCsv');
  const lines = readFileSync(csv.path, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'flat,flat%,sum%,cum,cum%,name');
  assert.deepEqual(lines.slice(1).map((l) => l.split(',')), want.map((r) => r));
  const pb = await save('exportPb');
  assert.equal(pb.name, 'cpu.refined.pb.gz');
  // Open the export again: no filters, the same flat and cum (the total is now the export's own).
  const dir = `${dist}/../target/browser-tmp`;
  mkdirSync(dir, { recursive: true });
  copyFileSync(pb.path, `${dir}/cpu.refined.pb.gz`);
  await load(page, `${dir}/cpu.refined.pb.gz`);
  const back = await tableRows(page);
  assert.deepEqual(back.map((r) => [r[0], r[3], r[5]]), want.map((r) => [r[0], r[3], r[5]]));
  assert.equal(await page.textContent('#chips'), '');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('dark mode follows the system, and the toggle overrides it', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await page.emulateMedia({ colorScheme: 'dark' });
  await load(page, data('go-leaky/heap.6.pb.gz'));
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(await bg(), 'rgb(23, 23, 27)');
  await page.screenshot({ path: `${shots}/dark.png` });
  await page.click('#themeBtn'); // auto → dark
  assert.equal(await bg(), 'rgb(23, 23, 27)');
  await page.click('#themeBtn'); // dark → light
  assert.equal(await bg(), 'rgb(255, 255, 255)');
  await page.click('#themeBtn'); // back to following the system
  assert.equal(await bg(), 'rgb(23, 23, 27)');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('the pivot flame graph: callers drawn upward from the function, callees downward', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/cpu.pb.gz'));
  const row = await page.evaluate(() => window.pprofLens.table().name.indexOf('main.sortRecords'));
  await page.click(`#top tbody tr[data-row="${row}"]`);
  await page.waitForFunction(() => !document.getElementById('pivotBox').hidden
    && window.pprofLens.flame('callers').layout?.x.length && window.pprofLens.flame('callees').layout?.x.length);
  const boxes = (side) => page.evaluate((s) => {
    const f = window.pprofLens.flame(s === 3 ? 'callers' : 'callees'); const L = f.layout;
    return [...L.x.keys()].map((i) => [f.names[L.node[i]], L.depth[i], Math.round(L.width[i] * 1000) / 1000]);
  }, side);
  const up = await boxes(3);
  const down = await boxes(4);
  // pprof -peek=main.sortRecords: called by main.tick.func3 (5.54s, 100%); calls sort.Ints 5.30s (95.67%).
  assert.deepEqual(up.filter((b) => b[1] <= 1), [['main.sortRecords', 0, 1], ['main.tick.func3', 1, 1]]);
  assert.deepEqual(down.find((b) => b[0] === 'sort.Ints' && b[1] === 1), ['sort.Ints', 1, 0.957]);
  // The callers graph grows upward: its root row is the bottom one.
  assert.equal(await page.evaluate(() => window.pprofLens.flame('callers').flip), true);
  await page.locator('.explore').screenshot({ path: `${shots}/explore.png` });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a link of the first hash format (no version) still opens its view; the new one carries v=2 and the table order', async () => {
  const { context, page } = await openPage(env.browser, `${env.url}#file=cpu.pb.gz&type=samples&focus=sortRecords&search=partition`);
  assert.match(await page.textContent('#waiting'), /This link shows a view of cpu\.pb\.gz/);
  await load(page, data('go-leaky/cpu.pb.gz'));
  await page.waitForFunction(() => /Type: samples/.test(document.getElementById('header').textContent));
  assert.match(await page.textContent('#chips'), /focus=sortRecords/);
  assert.equal(await page.inputValue('#search'), 'partition');
  await page.click('#top thead th[data-sort=cum]');
  await page.waitForFunction(() => /sort=cum/.test(location.hash));
  const hash = new URLSearchParams((await page.evaluate(() => location.hash)).slice(1));
  assert.equal(hash.get('v'), '2');
  assert.equal(hash.get('focus'), 'sortRecords');
  await context.close();
});
