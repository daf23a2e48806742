// Saved views (pprof's Config menu): a view's sample type, granularity and
// refinements saved under a name in this browser, listed after a reload,
// applied to a profile, refused with a sentence where they cannot apply,
// and deleted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage, load, data, shots } from './helpers.mjs';

const env = useBrowser();

const ready = (page, f) => page.waitForFunction(f, null, { timeout: 30000 });

test('a view saved by name is listed after a reload and applies to the profile', async () => {
  const { context, page } = await openPage(env.browser, env.url, { width: 1400, height: 900 });
  await load(page, data('go-leaky/cpu.pb.gz'));
  await page.selectOption('#sampleType', '0');
  await ready(page, () => window.pprofLens.state()?.sampleIndex === 0 && document.body.dataset.ready);
  await page.selectOption('#granularity', 'lines');
  await ready(page, () => window.pprofLens.state()?.query.granularity === 'lines' && document.body.dataset.ready);
  await page.fill('#viewName', 'sort lines');
  await page.click('#saveView');
  assert.deepEqual(await page.$$eval('#savedViews option', (os) => os.map((o) => o.textContent)), ['Saved views…', 'sort lines']);
  await page.screenshot({ path: `${shots}/saved-views.png` });
  // Back to functions and cpu, then the saved view again.
  await page.selectOption('#granularity', 'functions');
  await page.selectOption('#sampleType', '1');
  await ready(page, () => window.pprofLens.state()?.sampleIndex === 1 && window.pprofLens.state()?.query.granularity === 'functions' && document.body.dataset.ready);
  // A reload keeps it (this browser's storage), and it applies to the profile opened again.
  await page.reload();
  await load(page, data('go-leaky/cpu.pb.gz'));
  await page.evaluate(() => { delete document.body.dataset.ready; });
  await page.selectOption('#savedViews', 'sort lines');
  await ready(page, () => document.body.dataset.ready);
  const s = await page.evaluate(() => window.pprofLens.state());
  assert.equal(s.query.granularity, 'lines');
  assert.equal(s.sampleIndex, 0);
  assert.equal(await page.$eval('#sampleType', (e) => e.value), '0');
  assert.match(await page.textContent('#header'), /Type: samples/);
  // A heap profile has no "samples": the refinements apply, and the page says so.
  await load(page, data('go-leaky/heap.6.pb.gz'));
  await page.selectOption('#savedViews', '');
  await page.evaluate(() => { delete document.body.dataset.ready; });
  await page.selectOption('#savedViews', 'sort lines');
  await ready(page, () => document.body.dataset.ready);
  assert.equal((await page.evaluate(() => window.pprofLens.state())).query.granularity, 'lines');
  assert.match(await page.textContent('#messages'), /is of samples, which this profile does not have/);
  // Deleted, it is gone.
  await page.click('#deleteView');
  assert.deepEqual(await page.$$eval('#savedViews option', (os) => os.map((o) => o.textContent)), ['No saved views']);
  assert.deepEqual(page.errors, []);
  await context.close();
});
