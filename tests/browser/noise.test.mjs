// The noise-aware comparison in the page (headless Chromium): three CPU
// runs a side of a real Go program, the slower pricing step found and the
// rest called noise, with the model said; "hide noise" keeps only real
// changes; the diff flame graph greys frames that are noise; one run a side
// uses the sampling model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useBrowser, shots, openPage, load, data, compare, boxOf, pixel } from './helpers.mjs';

const env = useBrowser();
const run = (n) => data(`cpu-runs/${n}.pb.gz`);
const tested = (page) => page.waitForFunction(() => /Model:|Noise not measured/.test(document.getElementById('noiseInfo').textContent)
  && window.pprofLens.table()?.noise, null, { timeout: 60000 });

test('three runs a side: the slower step grew, the rest is noise, and hide noise keeps only real changes', async () => {
  const { context, page } = await openPage(env.browser, env.url, { width: 1440, height: 900 });
  await load(page, run('base1'), run('base2'), run('base3'), run('slow1'), run('slow2'), run('slow3'));
  await compare(page, {
    'base1.pb.gz': 'base', 'base2.pb.gz': 'base', 'base3.pb.gz': 'base',
    'slow1.pb.gz': 'new', 'slow2.pb.gz': 'new', 'slow3.pb.gz': 'new',
  });
  await tested(page);
  const info = await page.textContent('#noiseInfo');
  assert.match(info, /Model: 3 vs 3 profiles; the runs' spread sets the noise/);
  const t = await page.evaluate(() => window.pprofLens.table());
  const at = (name) => t.name.indexOf(name);
  assert.match(info, /Values shown are each side's sum/);
  assert.equal(t.noise[at('main.priceItems')], 'grew');
  assert.match(t.interval[at('main.priceItems')], /^\[\+\d+\.\d\d, \+\d+\.\d\d\]$/);
  assert.equal(t.noise.filter((v) => v === 'grew').length, 1, 'only the pricing step grew');
  const noisy = t.noise.filter((v) => v === '~').length;
  assert.ok(noisy >= 10, `many rows are noise (${noisy})`);
  // The row's cells say it too.
  const cells = await page.$$eval('#top tbody tr[data-row]', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  await page.screenshot({ path: join(shots, 'noise-3v3.png') });
  const price = cells.find((c) => c.at(-1).startsWith('main.priceItems'));
  assert.ok(price, JSON.stringify(cells.slice(0, 3)));
  assert.equal(price.at(-2), 'grew');
  assert.ok(cells.some((c) => c.at(-2) === '~'), 'a ~ row is shown');
  await page.screenshot({ path: join(shots, 'noise-3v3.png') });

  // The flame graph: the pricing step is coloured, a frame that is noise is grey.
  const grey = await page.evaluate(() => window.pprofLens.flame('view').opts.noise);
  assert.ok(grey, 'the flame graph has the verdicts');
  const priceBox = await boxOf(page, 'main.priceItems');
  const red = await pixel(page, 'flame', priceBox.x, priceBox.y);
  assert.ok(priceBox.change > 0 && red[0] > red[1] + 20, `the pricing step is red: ${red}`);
  // A wide frame whose change is noise is the neutral grey.
  const wide = await page.evaluate(() => {
    const T = window.pprofLens.table(); const f = window.pprofLens.flame('view');
    const noise = new Set(T.node.filter((n, i) => T.noise[i] === '~'));
    let best = -1;
    for (let i = 0; i < f.layout.x.length; i++) {
      if (noise.has(f.layout.node[i]) && f.layout.change[i] !== 0 && (best < 0 || f.layout.width[i] > f.layout.width[best])) best = i;
    }
    return best < 0 ? null : f.names[f.layout.node[best]];
  });
  assert.ok(wide, 'a changed frame is noise');
  const box = await boxOf(page, wide);
  assert.ok(grey[(await page.evaluate((n) => window.pprofLens.flame('view').names.indexOf(n), wide))] === 1);
  assert.deepEqual(await pixel(page, 'flame', box.x, box.y), [221, 221, 226], `${wide} (noise) is the neutral grey`);
  assert.match(await page.textContent('#legend'), /same, or noise/);

  // Hide noise: only rows with a significant change stay.
  const all = t.visible.length;
  await page.check('#hideNoise');
  await page.waitForFunction((n) => window.pprofLens.table().visible.length < n, all);
  const shown = await page.evaluate(() => {
    const T = window.pprofLens.table();
    const real = (v) => v === 'grew' || v === 'shrank';
    return { n: T.visible.length, noise: T.visible.filter((i) => !real(T.noise[i]) && !real(T.noiseFlat[i])).map((i) => T.name[i]) };
  });
  assert.ok(shown.n >= 1 && shown.n < all / 2, `${shown.n} of ${all} rows kept`);
  assert.deepEqual(shown.noise, [], 'no row that is noise, flat and cum, stays');
  assert.match(await page.textContent('#rowInfo'), /\(noise hidden\)/);
  await page.screenshot({ path: join(shots, 'noise-hidden.png') });
  assert.equal((await page.evaluate(() => window.pprofLens.state())).compare.hideNoise, true);

  // Side by side: both sides grey the frames that are noise, and say so.
  await page.click('#sideBySide');
  await page.waitForFunction(() => !document.getElementById('sideBox').hidden && window.pprofLens.flame('new').opts?.noise
    && /grey where the change is noise/.test(document.getElementById('legend').textContent), null, { timeout: 30000 });
  const side = await page.evaluate(() => {
    const f = window.pprofLens.flame('new'); const o = f.opts;
    let grey = null; let coloured = null;
    for (let i = 0; i < f.layout.x.length; i++) {
      if (f.layout.width[i] * o.width < 30) continue;
      const at = { x: (f.layout.x[i] + f.layout.width[i] / 2) * o.width, y: (o.flip ? o.height - (f.layout.depth[i] + 1) * 18 : f.layout.depth[i] * 18) + 9 };
      if (o.noise[f.layout.node[i]] && !grey) grey = at;
      if (!o.noise[f.layout.node[i]] && !coloured) coloured = at;
    }
    return { grey, coloured };
  });
  const [r, g, b] = await pixel(page, 'flameNew', side.grey.x, side.grey.y);
  assert.ok(r === g && g === b, `a frame that is noise is grey on the new side: ${[r, g, b]}`);
  const c = await pixel(page, 'flameNew', side.coloured.x, side.coloured.y);
  assert.ok(!(c[0] === c[1] && c[1] === c[2]), `a frame that changed keeps its package colour: ${c}`);
  await page.screenshot({ path: join(shots, 'noise-side-by-side.png') });
  await context.close();
});

test('one run a side: the sampling model, said as such', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, run('base1'), run('base2'));
  await compare(page, { 'base1.pb.gz': 'base', 'base2.pb.gz': 'new' });
  await tested(page);
  assert.match(await page.textContent('#noiseInfo'), /Model: counted samples \(samples\/count\): Fisher's exact test/);
  const t = await page.evaluate(() => window.pprofLens.table());
  assert.equal(t.noise.filter((v) => v === 'grew' || v === 'shrank').length, 0, 'two runs of one build: all noise');
  await context.close();
});

test('the Source panel of a comparison greys lines whose change is noise', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, run('base1'), run('slow1'));
  await compare(page, { 'base1.pb.gz': 'base', 'slow1.pb.gz': 'new' });
  await tested(page);
  await page.click('#sourceBox summary');
  const row = await page.evaluate(() => window.pprofLens.table().name.indexOf('main.priceItems'));
  await page.click(`#top tbody tr[data-row="${row}"]`);
  await page.waitForFunction(() => /Source of main\.priceItems/.test(document.getElementById('sourceTitle').textContent)
    && document.querySelector('#sourceBody tr[data-noise]'));
  const lines = await page.$$eval('#sourceBody tr[data-noise]', (trs) => trs.map((tr) => [tr.dataset.line, tr.dataset.noise,
    tr.querySelector('td.heat span')?.style.background ?? '']));
  const grew = lines.filter(([, v]) => v === 'grew');
  assert.ok(grew.length >= 1, `a line of the pricing loop grew: ${JSON.stringify(lines)}`);
  assert.notEqual(grew[0][2], 'rgb(221, 221, 226)', 'a line that grew keeps its colour');
  for (const [, v, bg] of lines.filter(([, x]) => x === '~')) assert.equal(bg, 'rgb(221, 221, 226)', `a line of noise (${v}) is grey`);
  await page.locator('#sourceBox').screenshot({ path: join(shots, 'noise-source.png') });
  await context.close();
});
