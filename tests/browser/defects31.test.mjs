// Defects a new user met with a Go service's profiles (issue 31), one test
// each, named after what broke.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { useBrowser, shots, openPage, load, data, compare, tableRows, oracleRows } from './helpers.mjs';

const env = useBrowser();

// "100.0MB", "-96.0kB", "+1.8MB", "102400kB" → bytes (pprof's byte units are powers of 1024).
const bytes = (t) => {
  if (t.trim() === '0') return 0;
  const m = /^([+-]?[\d.]+)\s*(B|kB|MB|GB|TB)$/.exec(t.trim());
  if (!m) throw new Error(`not a byte value: ${t}`);
  return Number(m[1]) * 1024 ** ['B', 'kB', 'MB', 'GB', 'TB'].indexOf(m[2]);
};

test('1. the Labels panel of a comparison shows the comparison\'s numbers (go tool pprof -tags -diff_base)', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/heap.1.pb.gz'), data('go-leaky/heap.5.pb.gz'));
  await compare(page, { 'heap.1.pb.gz': 'base', 'heap.5.pb.gz': 'new' });
  await page.waitForFunction(() => /bytes \(numeric\)/.test(document.getElementById('labels').textContent));
  const rows = await page.$$eval('#labels .label-value', (rs) => rs.map((r) => ({
    tagfocus: r.dataset.tagfocus, cells: [...r.children].slice(0, 3).map((c) => c.textContent),
  })));
  // The base's marker label is no label of the profiles.
  assert.ok(!/pprof::base/.test(await page.textContent('#labels')), 'pprof::base is not shown');
  // The oracle's rows (value, label), summed into the panel's power-of-two buckets.
  const oracle = readFileSync(data('go-leaky/expected-tags/tags.diff_base.1-5.txt'), 'utf8')
    .split('\n').map((l) => /^\s+(-?[\d.]+[kMGT]?B) \(.*\): (\S+)$/.exec(l)).filter(Boolean)
    .map((m) => ({ value: bytes(m[1]), size: bytes(m[2]) }));
  const total = bytes(/Total (\S+)/.exec(readFileSync(data('go-leaky/expected-tags/tags.diff_base.1-5.txt'), 'utf8'))[1]);
  const bucketRows = rows.filter((r) => /^bytes=\d+b:\d+b$/.test(r.tagfocus));
  assert.ok(bucketRows.length >= 5, JSON.stringify(rows));
  for (const r of bucketRows) {
    const [lo, hi] = r.tagfocus.slice('bytes='.length).split(':').map((x) => parseInt(x, 10));
    const want = oracle.filter((o) => o.size >= lo && o.size <= hi).reduce((a, o) => a + o.value, 0);
    const got = bytes(r.cells[1]);
    // pprof rounds each value to four digits: allow that on every value summed.
    assert.ok(Math.abs(got - want) <= Math.max(1024, Math.abs(want) * 0.01), `${r.cells[0]}: ${r.cells[1]} vs ${want}`);
    // Shares of the key's net change, as pprof's percentages are.
    const pct = parseFloat(r.cells[2]);
    assert.ok(Math.abs(pct - Math.abs(want) / total * 100) < 0.2, `${r.cells[0]}: ${r.cells[2]} vs ${Math.abs(want) / total * 100}`);
  }
  // The 64 kB buffers (and the 96 kB ones in their bucket) are the largest change.
  const top = bucketRows.find((r) => r.tagfocus === 'bytes=65536b:131071b');
  assert.equal(top.cells[2], '68.62%');
  assert.deepEqual(page.errors, []);
  await context.close();
});

const ready = (page, key) => page.waitForFunction((k) => document.body.dataset.ready === String(k), key, { timeout: 30000 });
const clickTab = async (page, name) => {
  const key = await page.evaluate((n) => window.pprofLens.tabs().find((t) => t.name === n).key, name);
  await page.click(`#tabs .tab[data-key="${key}"] button:first-child`);
  await ready(page, key);
};
const clickRow = async (page, name) => {
  const row = await page.evaluate((n) => window.pprofLens.table().name.indexOf(n), name);
  assert.ok(row >= 0, name);
  await page.click(`#top tbody tr[data-row="${row}"]`);
};

test('2. the Source panel follows the tab and its selection', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/cpu.pb.gz'), data('go-leaky/heap.6.pb.gz'));
  await clickTab(page, 'cpu.pb.gz');
  await page.click('#sourceBox summary');
  await clickRow(page, 'main.sortRecords');
  await page.waitForFunction(() => /Source of main\.sortRecords/.test(document.getElementById('sourceTitle').textContent));
  assert.match(await page.textContent('#sourceBody'), /flat \d[\d.]*m?s, cum/);
  // Another tab: the panel shows that tab's selection (none yet), not the CPU listing.
  await clickTab(page, 'heap.6.pb.gz');
  await page.waitForFunction(() => !/main\.sortRecords/.test(document.getElementById('sourceTitle').textContent));
  assert.doesNotMatch(await page.textContent('#sourceBody'), /sortRecords/);
  await page.evaluate(() => { document.getElementById('sourceBox').open = true; });
  await clickRow(page, 'main.handleUsers');
  await page.waitForFunction(() => /Source of main\.handleUsers/.test(document.getElementById('sourceTitle').textContent));
  const body = await page.textContent('#sourceBody');
  assert.match(body, /flat [\d.]+[kMG]?B, cum [\d.]+[kMG]?B/, 'heap units under the heap profile');
  assert.doesNotMatch(body, /sortRecords/);
  // Back: the CPU tab's selection again.
  await clickTab(page, 'cpu.pb.gz');
  await page.waitForFunction(() => /Source of main\.sortRecords/.test(document.getElementById('sourceTitle').textContent));
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('3. Series is not offered for a set it would refuse, and its refusal goes once a series is shown', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/cpu.pb.gz'), data('go-leaky/heap.1.pb.gz'), data('go-leaky/goroutine.end.pb.gz'));
  assert.equal(await page.$eval('#seriesBtn', (b) => b.disabled), true);
  assert.match(await page.$eval('#seriesBtn', (b) => b.title), /two or more snapshots of one kind/);
  await load(page, data('go-leaky/heap.2.pb.gz'));
  assert.equal(await page.$eval('#seriesBtn', (b) => b.disabled), false);
  await page.click('#seriesBtn');
  await page.waitForFunction(() => !document.getElementById('seriesView').hidden && document.querySelector('#suspects tbody tr'));
  // Unchecking a heap snapshot leaves one: refused, and said so.
  const box = (name) => page.evaluate((n) => {
    const key = window.pprofLens.tabs().find((t) => t.name === n).key;
    document.querySelector(`#seriesPick input[data-key="${key}"]`).click();
  }, name);
  await box('heap.2.pb.gz');
  await page.waitForFunction(() => /Series: .*needs at least two snapshots/.test(document.getElementById('messages').textContent));
  // Checking it again shows the series, and the refusal is gone.
  await box('heap.2.pb.gz');
  await page.waitForFunction(() => !/needs at least two snapshots/.test(document.getElementById('messages').textContent));
  assert.ok(await page.$('#suspects tbody tr'));
  await context.close();
});

test('7. the suspects table fits the series\' kind, and churn is listed apart from the suspects', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  const heaps = [1, 2, 3, 4, 5, 6].map((i) => data(`go-leaky/heap.${i}.pb.gz`));
  await load(page, ...heaps);
  await page.click('#seriesBtn');
  await page.waitForFunction(() => document.querySelector('#findings .finding') && document.querySelector('#suspects tbody tr'));
  const suspects = await page.$$eval('#suspects tbody tr', (rs) => rs.map((r) => r.children[1].textContent));
  const churn = await page.$$eval('#findings .finding[data-pattern="churn"]', (cs) => cs.map((c) => c.dataset.name));
  assert.ok(churn.length > 0);
  assert.deepEqual(suspects.filter((s) => churn.includes(s)), [], `churn among the suspects: ${suspects}`);
  assert.equal(await page.$eval('#suspects thead th:nth-child(7)', (th) => getComputedStyle(th).display), 'table-cell', 'heap: kept shown');
  // A goroutine series: counts, not allocations, so no "kept".
  await page.click('#seriesBack');
  await load(page, data('go-leaky/goroutine.start.pb.gz'), data('go-leaky/goroutine.end.pb.gz'));
  await page.evaluate(() => { document.getElementById('seriesView').hidden = true; });
  const before = await page.evaluate(() => document.body.dataset.series || '');
  await page.click('#seriesBtn');
  await page.waitForFunction((b) => (document.body.dataset.series || '') !== b, before);
  // Choose the goroutine profiles only.
  await page.evaluate(() => {
    for (const t of window.pprofLens.tabs()) {
      const box = document.querySelector(`#seriesPick input[data-key="${t.key}"]`);
      if (box && box.checked !== t.name.startsWith('goroutine')) box.click();
    }
  });
  await page.waitForFunction(() => document.getElementById('suspects').classList.contains('no-kept'));
  assert.equal(await page.$eval('#suspects thead th:nth-child(7)', (th) => getComputedStyle(th).display), 'none');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('6. the right-click menus of rows and frames offer Source, which opens the panel on the function', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/cpu.pb.gz'));
  const row = await page.evaluate(() => window.pprofLens.table().name.indexOf('main.sortRecords'));
  await page.click(`#top tbody tr[data-row="${row}"]`, { button: 'right' });
  await page.click('#ctxMenu button:has-text("Source of main.sortRecords")');
  await page.waitForFunction(() => document.getElementById('sourceBox').open
    && /Source of main\.sortRecords/.test(document.getElementById('sourceTitle').textContent));
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('5. tabs fit at common widths: three whole at 1024 px, more shrink with an ellipsis and arrows; wide tables scroll inside', async () => {
  const { context, page } = await openPage(env.browser, env.url, { width: 1024, height: 800 });
  await load(page, data('go-leaky/cpu.pb.gz'), data('go-leaky/heap.1.pb.gz'), data('go-leaky/goroutine.end.debug2.txt'));
  const fits = () => page.evaluate(() => {
    const strip = document.getElementById('tabs').getBoundingClientRect();
    return [...document.querySelectorAll('#tabs .tab')].map((t) => {
      const r = t.getBoundingClientRect();
      return { inside: r.left >= strip.left - 1 && r.right <= strip.right + 1, width: r.width };
    });
  });
  const three = await fits();
  assert.equal(three.length, 3);
  assert.ok(three.every((t) => t.inside), `three tabs fit at 1024 px: ${JSON.stringify(three)}`);
  // The goroutine dump's groups table does not widen the page.
  await page.waitForFunction(() => !document.getElementById('goroutinesBox').hidden);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways page scroll');
  await page.screenshot({ path: `${shots}/tabs-1024.png` });
  // Eight tabs at 1440 px: names shrink to an ellipsis (the full name on
  // hover) and arrows say that the strip scrolls.
  await page.setViewportSize({ width: 1440, height: 800 });
  await load(page, ...[2, 3, 4, 5, 6].map((i) => data(`go-leaky/heap.${i}.pb.gz`)));
  const arrows = await page.evaluate(() => ['tabsLeft', 'tabsRight'].map((id) => !document.getElementById(id).hidden));
  const strip = await page.evaluate(() => { const s = document.getElementById('tabs'); return s.scrollWidth > s.clientWidth + 1; });
  assert.ok(!strip || arrows.some(Boolean), `arrows when the strip scrolls: ${arrows}`);
  const clipped = await page.$$eval('#tabs .tab button:first-child', (bs) => bs.filter((b) => b.scrollWidth > b.clientWidth).map((b) => b.title));
  assert.ok(clipped.every((t) => /\.pb\.gz|\.txt/.test(t)), 'a clipped name keeps its full name in the title');
  await page.screenshot({ path: `${shots}/tabs-1440.png` });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('8. pprof\'s default trimming of the table, with its Dropped line, and all rows back', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/cpu.pb.gz'));
  const all = await page.evaluate(() => window.pprofLens.table().name.length);
  await page.check('#trimRows');
  await page.waitForFunction((n) => window.pprofLens.table()?.name.length < n, all);
  assert.deepEqual(await tableRows(page), oracleRows(data('go-leaky/expected/cpu.default.top.txt')), 'go tool pprof -top');
  assert.match(await page.textContent('#rowInfo'), /Dropped 75 nodes \(cum <= 0\.03s\)/);
  assert.match(await page.evaluate(() => location.hash), /trim=1/);
  await page.uncheck('#trimRows');
  await page.waitForFunction((n) => window.pprofLens.table()?.name.length === n, all);
  assert.doesNotMatch(await page.textContent('#rowInfo'), /Dropped/);
  await context.close();
});

test('6. the Source panel lists every function matching a regex, as -list does', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/cpu.pb.gz'));
  await page.click('#sourceBox summary');
  await page.fill('#sourceList', '^main\\.');
  await page.press('#sourceList', 'Enter');
  await page.waitForFunction(() => /Source of \d+ functions matching \^main\\\./.test(document.getElementById('sourceTitle').textContent));
  const heads = await page.$$eval('#sourceBody .routine-head', (hs) => hs.map((h) => h.textContent));
  const want = readFileSync(data('go-leaky/expected/list.main.cpu.txt'), 'utf8').split('\n').filter((l) => l.startsWith('ROUTINE ='));
  assert.equal(heads.length, want.length, `${heads.length} routines, as go tool pprof -list lists ${want.length}`);
  // Each names its function, in pprof's order.
  assert.deepEqual(heads.map((h) => h.split(' in ')[0]), want.map((l) => l.replace(/^ROUTINE =+ /, '').split(' in ')[0]));
  await page.locator('#sourceBox').screenshot({ path: `${shots}/source-list.png` });
  // A bad regex is named, and a selection takes over again.
  await page.fill('#sourceList', 'main.(');
  await page.press('#sourceList', 'Enter');
  await page.waitForFunction(() => /invalid regex/.test(document.getElementById('sourceBody').textContent));
  const row = await page.evaluate(() => window.pprofLens.table().name.indexOf('main.sortRecords'));
  await page.click(`#top tbody tr[data-row="${row}"]`);
  await page.waitForFunction(() => /Source of main\.sortRecords/.test(document.getElementById('sourceTitle').textContent));
  assert.equal(await page.inputValue('#sourceList'), '');
  await context.close();
});
