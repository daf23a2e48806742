// The diagnosis in the page: heap and goroutine snapshots of one service
// open together give one finding per leak (issue 25).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, copyFileSync } from 'node:fs';
import { useBrowser, shots, openPage, load, data, root } from './helpers.mjs';

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

test('with a source folder the findings quote their lines, and a suspect\'s Source follows a folder added later', async () => {
  const { context, page } = await openPage(env.browser, env.url, { width: 1440, height: 1000 });
  // The service's source where its profiles say it is (main.go, built with -trimpath).
  const src = `${root}/target/browser-tmp/sessions-src`;
  mkdirSync(src, { recursive: true });
  copyFileSync(data('services/sessions/main.go.txt'), `${src}/main.go`);
  const files = ['heap', 'goroutine'].flatMap((k) => [1, 2, 3, 4, 5].map((i) => data(`services/sessions/${k}.${i}.pb.gz`)));
  await load(page, ...files);
  await page.click('#seriesBtn');
  await page.waitForFunction(() => document.querySelector('#findings .finding'));
  // A suspect's Source before any folder: it says none was searched.
  await page.click('#findings .finding[data-name="main.handleUpload"] summary');
  await page.click('#findings .finding[data-name="main.handleUpload"] button');
  await page.waitForFunction(() => /no source folder yet/.test(document.getElementById('suspectSource').textContent));
  // A folder added (the profile view's input): the findings read their
  // lines, and the Source shown is drawn again from it.
  await page.setInputFiles('#sourceInput', src);
  await page.waitForFunction(() => document.getElementById('findings').dataset.grounded === '1');
  const text = await page.textContent('#findings .finding[data-name="main.handleUpload"]');
  assert.match(text, /main\.go:\d+: b\.Write\(part\)/);
  // Read with the goroutine profiles still: the memory of the leaking
  // goroutines stays theirs.
  assert.ok(await page.$('#findings .finding[data-name="main.notify"][data-pattern="goroutine-memory"]'));
  await page.click('#findings .finding[data-name="main.deliver"] summary');
  await page.$eval('#findings', (f) => f.scrollIntoView());
  await page.screenshot({ path: `${shots}/diagnosis-grounded.png` });
  await page.waitForFunction(() => !/no source folder yet/.test(document.getElementById('suspectSource').textContent)
    && /uploads\[id\] = b/.test(document.getElementById('suspectSource').textContent));
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a goroutine leak\'s card opens its goroutine group', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, ...[1, 2, 3, 4, 5].map((i) => data(`services/jobs/goroutine.${i}.pb.gz`)));
  await page.click('#seriesBtn');
  await page.waitForFunction(() => document.querySelector('#findings .finding[data-pattern="goroutine-leak"]'));
  const card = '#findings .finding[data-name="main.audit"]';
  await page.click(`${card} summary`);
  await page.click(`${card} button:has-text("goroutine group")`);
  // The latest snapshot's tab, refined to the group: its flame graph holds only main.audit's goroutines.
  await page.waitForFunction(() => !document.getElementById('view').hidden && /group=\d+/.test(document.getElementById('chips').textContent)
    && window.pprofLens.table()?.name.includes('main.audit') && !window.pprofLens.table().name.includes('main.scheduleBatch.func2'));
  const tab = await page.evaluate(() => window.pprofLens.tabs().find((t) => t.active).name);
  const names = await page.evaluate(() => window.pprofLens.table().name);
  assert.ok(names.includes('main.audit') && !names.includes('main.scheduleBatch.func2'), JSON.stringify(names));
  assert.equal(tab, 'goroutine.5.pb.gz');
  assert.deepEqual(page.errors, []);
  await context.close();
});
