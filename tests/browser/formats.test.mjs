// Profiles from other producers in headless Chromium: strings that are not
// UTF-8 open (shown with U+FFFD) and names follow pprof's symbolizer rule,
// with go tool pprof's numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage, load, data, dist, tableRows, oracleRows } from './helpers.mjs';

const env = useBrowser();

test('strings that are not UTF-8 open, and names follow pprof\'s rule', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('names/names.cpu.pb.gz'));
  // The oracle's bytes that are not UTF-8 read as U+FFFD, as the page shows them.
  assert.deepEqual(await tableRows(page), oracleRows(data('names/expected-extra/names.top.txt')));
  const names = (await page.evaluate(() => window.pprofLens.table())).name;
  assert.ok(names.includes('main.caf\uFFFD') && names.includes('ns::Foo::bar') && names.includes('std::vector::push_back'), names.join(', '));
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('Go ?debug=1 text profiles open with their own names, and several form a series', async () => {
  let { context, page } = await openPage(env.browser, env.url, { width: 1280, height: 1000 });
  await load(page, data('text/leaky.heap.debug1.txt'));
  const rows = await tableRows(page);
  // The text's names (pprof would print <unknown>), pprof's values.
  const read = rows.find((r) => r[5] === 'main.readDetails');
  assert.ok(read, rows.map((r) => r[5]).join(', '));
  assert.deepEqual(read.slice(0, 2), ['153536.02kB', '68.33%']); // 149.94MB in the page's unit
  assert.match(await page.textContent('#header'), /Type: inuse_space/);
  // The mutex profile, and a series of two heap texts.
  await load(page, data('text/mutex.debug1.txt'));
  assert.ok((await tableRows(page)).some((r) => r[5] === 'main.contend'));
  assert.deepEqual(page.errors, []);
  await context.close();
  // How many people collect snapshots: several debug=1 heap texts.
  ({ context, page } = await openPage(env.browser, env.url, { width: 1280, height: 1000 }));
  await load(page, data('text/heap.debug1.txt'), data('text/allocs.debug1.txt'));
  await page.click('#seriesBtn');
  await page.waitForFunction(() => document.body.dataset.series || document.querySelector('#messages .msg'));
  const msgs = await page.evaluate(() => [...document.querySelectorAll('#messages .msg span')].map((s) => s.textContent));
  assert.ok(await page.evaluate(() => !!document.body.dataset.series), `series: ${msgs}`);
  // No timestamps in debug=1 texts: file order, and the page says so.
  assert.match(await page.textContent('#seriesNotes'), /no time: kept in file order/);
  assert.deepEqual(await page.$$eval('#snapshots tbody tr', (rs) => rs.map((r) => r.children[1].textContent)), ['heap.debug1.txt', 'allocs.debug1.txt']);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('legacy profiles (gperftools, Java, threadz) open in the page with pprof\'s numbers', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  for (const [file, oracle] of [
    ['legacy/cpu.prof', 'legacy/expected-extra/legacy.cpu.prof.addresses.txt'],
    ['legacy/java.heapz.prof', 'legacy/expected-extra/legacy.java.heapz.prof.lines.txt'],
  ]) {
    await load(page, data(file));
    const rows = await tableRows(page);
    const want = oracleRows(data(oracle));
    // The oracles print every node; the page's table too (at its own granularity).
    assert.ok(rows.length > 0, file);
    if (file.endsWith('cpu.prof')) {
      // [binary] names at functions granularity: the total is pprof's.
      assert.match(await page.textContent('#header'), /Showing|Type: cpu/);
    } else {
      assert.deepEqual(rows.map((r) => r[5]).sort(), [...new Set(want.map((r) => r[5].replace(/ \S+\.java(:\d+)?$/, '')))].sort());
    }
  }
  await load(page, data('legacy/threadz.prof'));
  assert.match(await page.textContent('#header'), /Type: thread/);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('goroutine groups show their labels, and groups told apart only by labels say so', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/labels.debug1.txt'));
  const rows = await page.$$eval('#goroutines tbody tr', (trs) => trs.map((tr) => tr.lastChild.textContent));
  assert.equal(rows[0], 'handler=/api/users, tenant=a (same stack as 1 other group, told apart by labels)');
  assert.equal(rows[2], '');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('folded stacks open, and a view exported as folded stacks reads back with the same numbers', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('folded/mixed.folded'));
  const mixed = await tableRows(page);
  assert.ok(mixed.some((r) => r[5] === 'com/acme/Json.encode' && r[0] === '50' && r[3] === '75'), JSON.stringify(mixed));
  assert.ok(mixed.some((r) => r[5] === 'Garbage Collection'));
  // The CPU profile's sample counts, exported as folded and opened again.
  await load(page, data('go-leaky/cpu.pb.gz'));
  await page.selectOption('#sampleType', '0');
  await page.waitForFunction(() => window.pprofLens.state()?.sampleIndex === 0 && document.body.dataset.ready);
  await page.waitForFunction(() => !window.pprofLens.table()?.labelsPending);
  const plain = (rows) => rows.map((r) => [r[0], r[3], r[5].replace(/ \((partial-)?inline\)$/, '')]);
  const want = plain(await tableRows(page));
  const [d] = await Promise.all([page.waitForEvent('download'), page.click('#exportFolded')]);
  assert.equal(d.suggestedFilename(), 'cpu.folded');
  const { copyFileSync, mkdirSync, readFileSync } = await import('node:fs');
  assert.match(readFileSync(await d.path(), 'utf8').split('\n')[0], /^runtime\.main;main\.main;.* \d+$/);
  const dir = `${dist}/../target/browser-tmp`;
  mkdirSync(dir, { recursive: true });
  copyFileSync(await d.path(), `${dir}/cpu.folded`);
  await load(page, `${dir}/cpu.folded`);
  assert.deepEqual(plain(await tableRows(page)), want);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a Node.js .cpuprofile and .heapprofile open with their functions', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('v8/work.cpuprofile'));
  assert.deepEqual(await page.$$eval('#messages .msg', (ms) => ms.map((m) => m.textContent)), []);
  assert.match(await page.textContent('#header'), /Type: cpu/);
  const names = (await tableRows(page)).map((r) => r[5]);
  for (const n of ['sortMany', 'makeStrings', 'fib', '(garbage collector)']) assert.ok(names.includes(n), `${n} in ${names}`);
  await page.selectOption('#sampleType', '0');
  await page.waitForFunction(() => window.pprofLens.state()?.sampleIndex === 0 && document.body.dataset.ready);
  assert.deepEqual((await tableRows(page)).find((r) => r[5] === 'sortMany').slice(0, 1), ['486']);
  await load(page, data('v8/work.heapprofile'));
  assert.ok((await tableRows(page)).some((r) => r[5] === 'compileForInternalLoader'));
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('perf script text and a speedscope file open in the page', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('perf/app.perf.txt'));
  assert.match(await page.textContent('#header'), /Type: cpu-clock/);
  assert.ok((await tableRows(page)).some((r) => r[5] === 'compute' && r[0] === '20.20ms'));
  await load(page, data('speedscope/app.speedscope.json'));
  assert.ok((await tableRows(page)).some((r) => r[5] === 'layout' && r[0] === '16ms'));
  assert.deepEqual(await page.$$eval('#messages .msg', (ms) => ms.map((m) => m.textContent)), []);
  assert.deepEqual(page.errors, []);
  await context.close();
});
