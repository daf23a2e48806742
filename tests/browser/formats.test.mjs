// Profiles from other producers in headless Chromium: strings that are not
// UTF-8 open (shown with U+FFFD) and names follow pprof's symbolizer rule,
// with go tool pprof's numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage, load, data, tableRows, oracleRows } from './helpers.mjs';

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
