// The diagnosis in the page: heap and goroutine snapshots of one service
// open together give one finding per leak (issue 25).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, shots, openPage, load, data } from './helpers.mjs';

const env = useBrowser();

test('heap and goroutine snapshots open together give one finding per leak', async () => {
  const { context, page } = await openPage(env.browser, env.url, { width: 1440, height: 1000 });
  const files = ['heap', 'goroutine'].flatMap((k) => [1, 2, 3, 4, 5].map((i) => data(`services/sessions/${k}.${i}.pb.gz`)));
  await load(page, ...files);
  await page.click('#seriesBtn');
  await page.waitForFunction(() => !document.getElementById('seriesView').hidden && document.querySelector('#findings .finding'));
  const cards = await page.$$eval('#findings .finding', (cs) => cs.map((c) => ({
    name: c.dataset.name, pattern: c.dataset.pattern, title: c.querySelector('strong').textContent, text: c.textContent,
  })));
  const card = (name, pattern) => cards.find((c) => c.name === name && c.pattern === pattern);
  assert.ok(card('main.handleUpload', 'growing-map'), JSON.stringify(cards));
  const leak = card('main.notify.func1', 'goroutine-leak');
  assert.match(leak.text, /sending on a channel \(chan send\) in main\.notify\.func1 \(main\.go:\d+\), started in main\.notify/);
  // The memory the leaking goroutines hold is theirs, not a second cause.
  const held = card('main.deliver', 'goroutine-memory');
  assert.ok(held && !/uncertain/.test(held.title), JSON.stringify(held));
  assert.match(held.text, /leaking goroutines of main\.notify\.func1/);
  assert.ok(!cards.some((c) => c.name.startsWith('runtime.')), 'no finding names the runtime');
  assert.match(await page.textContent('#seriesNotes'), /read with the 5 goroutine snapshots/);
  await page.screenshot({ path: `${shots}/diagnosis-joined.png`, fullPage: false });
  assert.deepEqual(page.errors, []);
  await context.close();
});
