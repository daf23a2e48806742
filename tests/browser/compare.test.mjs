// Comparing profiles in the page (headless Chromium): the diff table against
// go tool pprof -diff_base / -base / -normalize and merged sides, the diff
// flame graph's colours, side by side in step, the compare drop target, the
// growth flame graph of a leak suspect, and clear refusals that lose nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useBrowser, shots, openPage, load, drop, tableRows, oracleRows, messages, data, compare, boxOf, pixel, frameAt,
} from './helpers.mjs';

const env = useBrowser();

const H = (n) => data(`go-leaky/heap.${n}.pb.gz`);
const oracle = (f) => oracleRows(data(`go-leaky/expected-extra/${f}`));
const ready = (page) => page.waitForFunction(() => document.body.dataset.busy !== '1'
  && window.pprofLens.table() && document.querySelector('#header').textContent.includes('Type:'));

test('the diff table has go tool pprof\'s numbers for -diff_base, -base, -normalize and merged sides', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, H(1), H(2), H(5), H(6));
  await compare(page, { 'heap.1.pb.gz': 'base', 'heap.6.pb.gz': 'new' });
  assert.deepEqual(await tableRows(page), oracle('diff_base.all.txt'), '-diff_base');
  // Header: both totals.
  assert.match(await page.textContent('#header'), /Base: 38428\.90kB\s+New: 224685\.61kB/);

  await page.selectOption('#compareMode', 'base');
  await page.waitForFunction(() => window.pprofLens.table().flatPct[0] === '68.63%');
  assert.deepEqual(await tableRows(page), oracle('base.all.txt'), '-base');

  await page.selectOption('#compareMode', 'diff_base');
  await page.check('#normalize');
  await page.waitForFunction(() => /normalized/.test(document.querySelector('#header').textContent)
    && window.pprofLens.table().flatPct[0] !== '333.08%');
  assert.deepEqual(await tableRows(page), oracle('diff_base.normalize.all.txt'), '-normalize');

  // Each side's own values and the new/gone marks.
  const r = await page.evaluate(() => {
    const R = window.pprofLens.table();
    const i = R.name.indexOf('main.readDetails');
    return { base: R.baseCum[i], now: R.newCum[i], marks: [...new Set(R.mark.filter(Boolean))].sort() };
  });
  assert.equal(r.base, '25536kB');
  assert.equal(r.now, '26259.89kB', 'normalised: 153536.02kB scaled by 38428.90 / 224685.61');
  assert.deepEqual(r.marks, ['gone', 'new']);

  // Refinements apply to comparisons too.
  await page.selectOption('#compareMode', 'diff_base');
  await page.uncheck('#normalize');
  await page.waitForFunction(() => !/normalized/.test(document.querySelector('#header').textContent));
  await page.click('#refineToggle');
  await page.fill('#refineForm input[name=focus]', 'handleDetails');
  await page.fill('#refineForm input[name=hide]', 'runtime');
  await page.click('#refineForm button[type=submit]');
  await page.waitForFunction(() => /focus=handleDetails/.test(document.getElementById('chips').textContent)
    && window.pprofLens.table().name.length < 15);
  assert.deepEqual(await tableRows(page), oracle('diff_base.focus.all.txt'), '-diff_base with -focus and -hide');

  // Two files a side, merged.
  await compare(page, { 'heap.1.pb.gz': 'base', 'heap.2.pb.gz': 'base', 'heap.5.pb.gz': 'new', 'heap.6.pb.gz': 'new' });
  assert.match(await page.textContent('#tabs'), /2 files → 2 files/);
  assert.deepEqual(await tableRows(page), oracle('diff_base.merged.all.txt'), 'merged sides');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('the diff flame graph colours growth red and shrinkage green, or orange and blue', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, H(1), H(6));
  await compare(page, { 'heap.1.pb.gz': 'base', 'heap.6.pb.gz': 'new' });
  const grew = await boxOf(page, 'main.readDetails');
  assert.ok(grew && grew.change > 0.5, `main.readDetails grew (${grew?.change})`);
  const [r, g, b] = await pixel(page, 'flame', grew.x, grew.y);
  assert.ok(r > g + 80 && r > b + 80, `red: ${[r, g, b]}`);
  await page.screenshot({ path: `${shots}/compare.png` });

  await page.selectOption('#palette', 'cb');
  const [r2, g2, b2] = await pixel(page, 'flame', grew.x, grew.y);
  assert.ok(r2 > b2 + 100 && g2 < r2, `orange: ${[r2, g2, b2]}`);
  const legend = await page.textContent('#legend');
  assert.match(legend, /larger of base and new/);

  // The other way round the same frame shrank: green, blue in the colour-blind palette.
  await compare(page, { 'heap.6.pb.gz': 'base', 'heap.1.pb.gz': 'new' });
  await page.selectOption('#palette', 'rg');
  const shrank = await boxOf(page, 'main.readDetails');
  assert.ok(shrank.change < -0.5);
  const [r3, g3, b3] = await pixel(page, 'flame', shrank.x, shrank.y);
  assert.ok(g3 > r3 + 40 && g3 > b3 + 40, `green: ${[r3, g3, b3]}`);
  await page.selectOption('#palette', 'cb');
  const [r4, g4, b4] = await pixel(page, 'flame', shrank.x, shrank.y);
  assert.ok(b4 > r4 + 60, `blue: ${[r4, g4, b4]}`);

  // The tooltip says base → new and the change.
  await page.mouse.move(...await frameAt(page, 'main.readDetails'));
  await page.waitForFunction(() => !document.getElementById('tooltip').hidden
    && /→/.test(document.getElementById('tooltip').textContent));
  const tip = await page.textContent('#tooltip');
  assert.match(tip, /base 153536\.02kB → new 25536kB/);
  assert.match(tip, /change -128000\.01kB \(-83\.4%\)/);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('side by side: the base and the new flame graph zoom and hover in step', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, H(1), H(6));
  await compare(page, { 'heap.1.pb.gz': 'base', 'heap.6.pb.gz': 'new' });
  await page.click('#sideBySide');
  await page.waitForFunction(() => !document.getElementById('sideBox').hidden
    && window.pprofLens.flame('base').layout && window.pprofLens.flame('new').layout);
  await page.waitForTimeout(300);
  // One scale: the new side (224685.61kB) fills the width, the base (38428.90kB) a sixth of it.
  const extents = () => page.evaluate(() => [1, 2].map((s) => Math.round(window.pprofLens.flame(s === 1 ? 'base' : 'new').extent * 1000) / 1000));
  assert.deepEqual(await extents(), [0.171, 1]);
  // Hover main.handleDetails on the base side: the same frame is outlined on the new side.
  await page.mouse.move(...await frameAt(page, 'main.handleDetails', 1));
  await page.waitForFunction(() => window.pprofLens.flame('new').peer >= 0);
  const peer = await page.evaluate(() => {
    const s = window.pprofLens.flame('new');
    return s.names[s.layout.node[s.peer]];
  });
  assert.equal(peer, 'main.handleDetails');
  // Zoom into it on the new side: the base side follows.
  await page.mouse.click(...await frameAt(page, 'main.handleDetails', 2));
  await page.waitForFunction(() => window.pprofLens.flame('base').zoom.depth !== 4294967295);
  const zoomed = await page.evaluate(async () => {
    const L = window.pprofLens;
    return [(await L.zoomInfo('base')).name, (await L.zoomInfo('new')).name];
  });
  assert.deepEqual(zoomed, ['main.handleDetails', 'main.handleDetails']);
  await page.waitForFunction(() => window.pprofLens.flame('base').extent > 0.16 && window.pprofLens.flame('base').extent < 0.17);
  assert.deepEqual(await extents(), [0.166, 1], 'zoomed: 25548.63kB against 153608.02kB');
  await page.screenshot({ path: `${shots}/side-by-side.png` });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('dropping files on the compare target compares the older half with the newer', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  const width = await page.evaluate(() => window.innerWidth);
  await drop(page, [H(6), H(1)], { x: width - 20 });
  await page.waitForFunction(() => window.pprofLens.tabs().some((t) => t.compare), null, { timeout: 60000 });
  await page.waitForFunction(() => window.pprofLens.tabs().find((t) => t.active)?.compare
    && document.body.dataset.ready === String(window.pprofLens.active()));
  assert.match(await page.textContent('#tabs'), /heap\.1 → heap\.6/);
  assert.deepEqual(await tableRows(page), oracle('diff_base.all.txt'));
  await context.close();
});

test('refusals: different kinds, an empty base, normalising to nothing; nothing open is lost', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, H(6), data('go-leaky/cpu.pb.gz'), data('go-leaky/heap.empty.pb.gz'));
  const tabs = await page.evaluate(() => window.pprofLens.tabs().length);
  await page.click('#compareBtn');
  // A choice of different kinds cannot be made: Compare is disabled and says why.
  await page.check('#compareChoices input[aria-label="heap.6.pb.gz: base"]');
  await page.check('#compareChoices input[aria-label="cpu.pb.gz: new"]');
  await page.check('#compareChoices input[aria-label="heap.empty.pb.gz: none"]');
  assert.ok(await page.isDisabled('#compareGo'));
  const m = await page.textContent('#compareInfo');
  assert.match(m, /Cannot compare heap\.6\.pb\.gz \(.*\) with cpu\.pb\.gz \(.*\): they are different kinds of profile/);
  assert.match(m, /inuse_space\/bytes/);
  await page.click('#compareCancel');
  assert.equal(await page.evaluate(() => window.pprofLens.tabs().length), tabs, 'no tab added or lost');
  assert.ok(!(await page.isHidden('#view')), 'the open profile is shown again');

  // An empty base: everything is new, percentages are not defined.
  await compare(page, { 'heap.empty.pb.gz': 'base', 'heap.6.pb.gz': 'new' });
  assert.match(await page.textContent('#header'), /base's total of inuse_space is zero/);
  const rows = await tableRows(page);
  assert.ok(rows.length > 10 && rows.every((r) => r[1] === 'n/a'), 'no percentages');
  assert.ok(await page.evaluate(() => window.pprofLens.table().mark.every((m) => m === 'new')));
  // Normalising to an empty base is refused and the comparison stays as it was.
  // (A click, not check(): the refusal may untick the box before check() looks.)
  await page.click('#normalize');
  await page.waitForFunction(() => document.querySelectorAll('#messages .msg').length > 0);
  assert.match((await messages(page))[0], /no samples: there is no total to normalise to/);
  await page.waitForFunction(() => !document.getElementById('normalize').checked);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a leak suspect\'s growth flame graph: last snapshot minus first, focused on it', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, ...[1, 2, 3, 4, 5, 6].map(H));
  await page.click('#seriesBtn');
  await page.waitForFunction(() => document.querySelectorAll('#suspects tbody tr').length > 3);
  const name = await page.textContent('#suspects tbody tr:first-child td:nth-child(2)');
  await page.click('#suspects tbody tr:first-child');
  await page.waitForSelector('#suspectPeek button.growth');
  const before = await page.evaluate(() => window.pprofLens.nextKey());
  await page.click('#suspectPeek button.growth');
  await page.waitForFunction((k) => Number(document.body.dataset.ready) >= k, before, { timeout: 60000 });
  const chips = await page.textContent('#chips');
  assert.equal(chips.replace('×', ''), `focus=^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const boxes = await page.evaluate(() => window.pprofLens.flame().layout.x.length);
  assert.ok(boxes > 2, 'the growth flame graph is drawn');
  const b = await boxOf(page, name);
  assert.ok(b && b.change > 0, `${name} grew`);
  assert.deepEqual(page.errors, []);
  await context.close();
});
