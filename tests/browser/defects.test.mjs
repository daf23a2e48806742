// The defects found when the page was tried as a new user would (issue 10),
// one test each, named after what broke: per-tab search/zoom/selection/
// scroll, a new sample type from the top, compare preselection, one file
// dropped to compare, message stacking, name sorting, the header's width,
// tooltips and menus off screen, the refined header, label units and bars,
// colour by package at every granularity, wheel zoom and drag, the PNG's
// background and title, and the loading phases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync, copyFileSync } from 'node:fs';
import { useBrowser, shots, openPage, load, drop, messages, data, root, boxOf, frameAt, pixel } from './helpers.mjs';

const env = useBrowser();
const tmp = `${root}/target/browser-tmp`;
const ready = (page, key) => page.waitForFunction((k) => document.body.dataset.ready === String(k), key, { timeout: 30000 });
const clickTab = async (page, name) => {
  const key = await page.evaluate((n) => window.pprofLens.tabs().find((t) => t.name === n).key, name);
  await page.click(`#tabs .tab[data-key="${key}"] button:first-child`);
  await ready(page, key);
};

test('1. search, zoom, selection and table scroll belong to their tab', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/heap.6.pb.gz'));
  await page.fill('#search', 'loadUser');
  await page.waitForFunction(() => /match/.test(document.getElementById('searchInfo').textContent));
  await page.mouse.click(...await frameAt(page, 'main.handleUsers'));
  await page.waitForFunction(() => document.querySelectorAll('#crumbs .crumb').length > 1);
  await page.evaluate(() => { document.getElementById('tableBox').scrollTop = 120; });
  // A CPU profile opens clean: no search, no grey graph, no zoom, table at the top.
  await load(page, data('go-leaky/cpu.pb.gz'));
  assert.equal(await page.inputValue('#search'), '');
  assert.equal(await page.textContent('#searchInfo'), '');
  assert.equal(await page.evaluate(() => window.pprofLens.flame().layout && window.pprofLens.flame().zoom.depth), 4294967295);
  assert.equal(await page.$$eval('#crumbs .crumb', (c) => c.length), 1);
  assert.equal(await page.evaluate(() => window.pprofLens.table().scroll), 0);
  const cpuFill = await pixel(page, 'flame', 20, 9);
  assert.notDeepEqual(cpuFill, [214, 214, 214], 'not greyed by the other tab\'s search');
  // Back to the heap profile: its search, zoom, selection and scroll return.
  await clickTab(page, 'heap.6.pb.gz');
  assert.equal(await page.inputValue('#search'), 'loadUser');
  await page.waitForFunction(() => /match/.test(document.getElementById('searchInfo').textContent));
  const crumbs = await page.$$eval('#crumbs .crumb', (c) => c.map((b) => b.textContent));
  assert.equal(crumbs.at(-1), 'main.handleUsers');
  const st = await page.evaluate(() => window.pprofLens.state());
  assert.equal(st.selected, 'main.handleUsers');
  assert.equal(await page.evaluate(() => window.pprofLens.table().scroll), 120);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('2. a new sample type starts with the table at the top', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/heap.6.pb.gz'));
  await page.evaluate(() => { document.getElementById('tableBox').scrollTop = 300; });
  assert.ok(await page.evaluate(() => document.getElementById('tableBox').scrollTop) > 0);
  await page.selectOption('#sampleType', '1');
  await page.waitForFunction(() => window.pprofLens.state()?.sampleIndex === 1 && /alloc_space/.test(document.getElementById('header').textContent));
  await page.waitForFunction(() => document.getElementById('tableBox').scrollTop === 0, null, { timeout: 5000 });
  assert.equal(await page.evaluate(() => window.pprofLens.table().scroll), 0);
  await context.close();
});

test('3. Compare… preselects two profiles of one kind, and refuses a mixed choice before it fails', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/heap.1.pb.gz'), data('go-leaky/heap.6.pb.gz'), data('go-leaky/cpu.pb.gz'));
  // The CPU tab is active; it has no partner of its kind: the heaps are chosen, the older as base.
  await page.click('#compareBtn');
  const picked = (side) => page.$$eval(`#compareChoices input[value=${side}]:checked`, (r) => r.map((x) => x.getAttribute('aria-label')));
  assert.deepEqual(await picked('base'), ['heap.1.pb.gz: base']);
  assert.deepEqual(await picked('new'), ['heap.6.pb.gz: new']);
  assert.equal(await page.isDisabled('#compareGo'), false);
  await page.check('#compareChoices input[aria-label="cpu.pb.gz: new"]');
  await page.check('#compareChoices input[aria-label="heap.6.pb.gz: none"]');
  assert.equal(await page.isDisabled('#compareGo'), true);
  assert.match(await page.textContent('#compareInfo'), /different kinds of profile/);
  await page.check('#compareChoices input[aria-label="cpu.pb.gz: none"]');
  await page.check('#compareChoices input[aria-label="heap.6.pb.gz: new"]');
  const before = await page.evaluate(() => window.pprofLens.nextKey());
  await page.click('#compareGo');
  await ready(page, before);
  assert.ok(await page.evaluate(() => window.pprofLens.tabs().find((t) => t.active).compare));
  assert.deepEqual(await messages(page), []);
  await context.close();
});

test('4. one file dropped on the compare side just opens; messages stay per file and collapse', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await drop(page, [data('go-leaky/heap.6.pb.gz')], { x: 1200 });
  await ready(page, 1);
  await page.waitForTimeout(200);
  assert.deepEqual(await messages(page), []);
  assert.equal(await page.evaluate(() => window.pprofLens.tabs().length), 1);
  mkdirSync(tmp, { recursive: true });
  const bad = ['a', 'b', 'c', 'd', 'e'].map((n) => { writeFileSync(`${tmp}/${n}.pb.gz`, ''); return `${tmp}/${n}.pb.gz`; });
  await drop(page, bad);
  await page.waitForFunction(() => document.querySelector('#messages .msg-more')?.textContent === '2 more');
  assert.deepEqual(await messages(page), ['c.pb.gz: empty file: it has no bytes, so it holds no profile',
    'd.pb.gz: empty file: it has no bytes, so it holds no profile', 'e.pb.gz: empty file: it has no bytes, so it holds no profile']);
  // The same file failing again is one message, not two.
  await drop(page, [bad[4]]);
  await page.waitForTimeout(300);
  assert.equal((await messages(page)).filter((m) => m.startsWith('e.pb.gz')).length, 1);
  // Dealing with a file clears its message: e.pb.gz, now a real profile, opens.
  copyFileSync(data('go-leaky/heap.1.pb.gz'), `${tmp}/e.pb.gz`);
  await drop(page, [`${tmp}/e.pb.gz`]);
  await page.waitForFunction(() => window.pprofLens.tabs().length === 2);
  assert.ok(!(await messages(page)).some((m) => m.startsWith('e.pb.gz')));
  await context.close();
});

test('5. sorting by name: the first click sorts A→Z and shows ▲', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/cpu.pb.gz'));
  await page.click('#top thead th[data-sort=name]');
  await page.waitForFunction(() => document.querySelector('#top th[data-sort=name]').classList.contains('sorted'));
  assert.ok(await page.evaluate(() => document.querySelector('#top th[data-sort=name]').classList.contains('asc')), '▲');
  const names = await page.evaluate(() => window.pprofLens.table().name);
  assert.deepEqual(names, [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  await page.click('#top thead th[data-sort=name]');
  await page.waitForFunction(() => !document.querySelector('#top th[data-sort=name]').classList.contains('asc'));
  const desc = await page.evaluate(() => window.pprofLens.table().name);
  assert.deepEqual(desc, [...names].reverse());
  assert.equal((await page.evaluate(() => window.pprofLens.state())).sort.by, 'name');
  await context.close();
});

test('6. the header stays one row with many tabs; same-named tabs are told apart; disabled looks disabled', async () => {
  const { context, page } = await openPage(env.browser, env.url, { width: 1400, height: 900 });
  const barHeight = () => page.evaluate(() => document.querySelector('header.bar').getBoundingClientRect().height);
  const oneRow = await barHeight();
  assert.ok(await page.evaluate(() => getComputedStyle(document.getElementById('compareBtn')).opacity) < 0.6, 'disabled Compare looks disabled');
  const files = ['heap.1', 'heap.2', 'heap.3', 'heap.4', 'heap.5'].map((f) => data(`go-leaky/${f}.pb.gz`));
  await load(page, ...files);
  assert.equal(await barHeight(), oneRow, 'five tabs: one row');
  for (const id of ['.logo', '#themeBtn', '#compareBtn']) {
    const lines = await page.$eval(`header ${id}`, (e) => Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight || 16)));
    assert.ok(lines <= 2, `${id} does not wrap`);
  }
  await load(page, ...files, data('go-leaky/heap.6.pb.gz'), data('go-leaky/cpu.pb.gz'));
  assert.equal(await page.evaluate(() => window.pprofLens.tabs().length), 12);
  assert.equal(await barHeight(), oneRow, 'twelve tabs: still one row');
  assert.ok(await page.$eval('#tabs', (t) => t.scrollWidth > t.clientWidth), 'the tabs scroll');
  const labels = await page.evaluate(() => window.pprofLens.tabs().filter((t) => t.name === 'heap.1.pb.gz').map((t) => t.label));
  assert.equal(labels.length, 2);
  assert.notEqual(labels[0], labels[1]);
  await page.screenshot({ path: `${shots}/header-12-tabs.png`, clip: { x: 0, y: 0, width: 1400, height: 60 } });
  await context.close();
});

test('7. tooltips and the right-click menu stay inside the window', async () => {
  const { context, page } = await openPage(env.browser, env.url, { width: 1024, height: 700 });
  await load(page, data('rust/rust.cpu.pb.gz'));
  const inside = (sel) => page.$eval(sel, (e) => {
    const r = e.getBoundingClientRect();
    return r.left >= 0 && r.top >= 0 && r.right <= window.innerWidth && r.bottom <= window.innerHeight;
  });
  // The deepest frame, hovered near the right edge and the bottom of the window.
  const long = '<alloc::collections::btree::map::BTreeMap';
  const b = await boxOf(page, await page.evaluate((p) => window.pprofLens.flame().names.find((n) => n.startsWith(p)), long));
  const r = await page.$eval('#flameOverlay', (e) => e.getBoundingClientRect().toJSON());
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  const r2 = await page.$eval('#flameOverlay', (e) => e.getBoundingClientRect().toJSON());
  const [x, y] = [r2.left + Math.min(b.x + 200, r.width - 5), r2.top + b.y];
  await page.mouse.move(x, y);
  await page.waitForSelector('#tooltip:not([hidden])');
  assert.ok(await inside('#tooltip'), 'tooltip inside');
  // The menu of the long name, opened near the right edge.
  await page.mouse.click(x, y, { button: 'right' });
  await page.waitForSelector('#ctxMenu:not([hidden])');
  assert.ok(await inside('#ctxMenu'), 'menu inside');
  await page.screenshot({ path: `${shots}/menu-inside.png` });
  await page.keyboard.press('Escape');
  // The long name's own menu, from its table row, near the right edge.
  const row = await page.evaluate((p) => window.pprofLens.table().name.findIndex((n) => n.startsWith(p)), long);
  const w = await page.$eval(`#top tbody tr[data-row="${row}"]`, (e) => e.getBoundingClientRect().width);
  await page.click(`#top tbody tr[data-row="${row}"]`, { button: 'right', position: { x: Math.min(w, 1000) - 20, y: 5 } });
  await page.waitForSelector('#ctxMenu:not([hidden])');
  assert.match(await page.textContent('#ctxMenu'), /Focus on <alloc::collections::btree/);
  const where = await page.$eval('#ctxMenu', (e) => JSON.stringify([e.getBoundingClientRect(), innerWidth, innerHeight]));
  assert.ok(await inside('#ctxMenu'), `menu inside the window: ${where}`);
  await page.screenshot({ path: `${shots}/menu-long-name.png` });
  await context.close();
});

test('8. a refined view says what it shows of the total and which filters are active', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/cpu.pb.gz'));
  await page.click('#refineToggle');
  await page.fill('#refineForm input[name=focus]', 'sortRecords');
  await page.click('#refineForm button[type=submit]');
  await page.waitForFunction(() => /Active filters/.test(document.getElementById('header').textContent));
  const head = await page.textContent('#header');
  assert.match(head, /Active filters:\n\s+focus=sortRecords/);
  assert.match(head, /Showing nodes accounting for [\d.]+s, [\d.]+% of [\d.]+s total/);
  await context.close();
});

test('9. the labels panel shows numbers with units, each bar in its own row', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/heap.6.pb.gz'));
  await page.waitForFunction(() => /bytes \(numeric\)/.test(document.getElementById('labels').textContent));
  const rows = await page.$$eval('#labels .label-value', (rs) => rs.map((r) => {
    const box = r.getBoundingClientRect(); const bar = r.querySelector('.label-bar').getBoundingClientRect();
    const text = r.children[0].getBoundingClientRect();
    // A thin bar under its own text, not a block over it.
    return { text: r.children[0].textContent, inRow: bar.top >= box.top - 0.5 && bar.bottom <= box.bottom + 0.5 && bar.height <= 6 && bar.top >= text.bottom - 1 };
  }));
  assert.ok(rows.length > 0);
  assert.ok(rows.every((r) => /[kMG]?B\b/.test(r.text)), `units: ${rows.map((r) => r.text).join(', ')}`);
  assert.ok(!rows.some((r) => /^\d+$/.test(r.text)), 'no raw numbers');
  assert.ok(rows.every((r) => r.inRow), 'bars inside their rows');
  await context.close();
});

test('10. colour by package at every granularity, and by crate for Rust', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/cpu.pb.gz'));
  await page.selectOption('#granularity', 'lines');
  await page.waitForFunction(() => window.pprofLens.state()?.query.granularity === 'lines' && document.body.dataset.ready);
  await page.waitForTimeout(300);
  const colours = await page.evaluate(async () => {
    const { packageOf, hueOf } = await import('./www/render/flame.js');
    const names = window.pprofLens.flame().names.filter((n) => n.startsWith('main.'));
    return { names: names.length, hues: [...new Set(names.map((n) => hueOf(packageOf(n))))].length,
      rust: ['my_service::main', 'my_service::storage::put', '<my_service::A as core::ops::Drop>::drop'].map((n) => packageOf(n)) };
  });
  assert.ok(colours.names > 3);
  assert.equal(colours.hues, 1, 'every main.* line one colour');
  assert.deepEqual(colours.rust, ['my_service', 'my_service', 'my_service']);
  // On the canvas: two main.* lines of the same colour.
  const lines = await page.evaluate(() => window.pprofLens.flame().names.filter((n) => n.startsWith('main.')));
  const [a, b] = [await boxOf(page, lines[0]), await boxOf(page, lines.find((n) => !n.startsWith(lines[0].split(' ')[0])))];
  if (a && b && a.x > 0 && b.x > 0) assert.deepEqual(await pixel(page, 'flame', a.x, a.y), await pixel(page, 'flame', b.x, b.y));
  await context.close();
});

test('11. the wheel zooms around the pointer and dragging pans', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/cpu.pb.gz'));
  const r = await page.$eval('#flameOverlay', (e) => e.getBoundingClientRect().toJSON());
  const at = [r.left + r.width * 0.3, r.top + 9];
  const under = () => page.evaluate(([x, y]) => {
    const f = window.pprofLens.flame();
    const c = document.getElementById('flameOverlay').getBoundingClientRect();
    const fx = (x - c.left) / f.opts.width;
    const d = Math.floor((y - c.top) / 18);
    for (let i = 0; i < f.layout.x.length; i++) if (f.layout.depth[i] === d && fx >= f.layout.x[i] && fx < f.layout.x[i] + f.layout.width[i]) return f.names[f.layout.node[i]];
    return null;
  }, at);
  const before = await under();
  await page.mouse.move(...at);
  await page.mouse.wheel(0, -600);
  await page.waitForFunction(() => window.pprofLens.flame().scale > 2);
  assert.equal(await under(), before, 'the frame under the pointer stays under it');
  const off = (await page.evaluate(() => window.pprofLens.flame())).offset;
  assert.ok(off > 0);
  await page.mouse.down();
  await page.mouse.move(at[0] + 150, at[1], { steps: 5 });
  await page.mouse.up();
  const f = await page.evaluate(() => window.pprofLens.flame());
  assert.ok(f.offset < off, 'dragged right: earlier frames come into view');
  assert.equal(f.zoom.depth, 4294967295, 'a drag is not a click');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => window.pprofLens.flame().scale === 1);
  await context.close();
});

test('12. the PNG export is on the theme\'s background with a title', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/cpu.pb.gz'));
  const [d] = await Promise.all([page.waitForEvent('download'), page.click('#exportPng')]);
  const b64 = readFileSync(await d.path()).toString('base64');
  const px = await page.evaluate(async (s) => {
    const bin = atob(s);
    const blob = new Blob([Uint8Array.from(bin, (ch) => ch.charCodeAt(0))], { type: 'image/png' });
    const bmp = await createImageBitmap(blob);
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = c.getContext('2d'); ctx.drawImage(bmp, 0, 0);
    const head = ctx.getImageData(0, 0, bmp.width, 20).data;
    let ink = 0;
    for (let i = 0; i < head.length; i += 4) if (head[i] < 128) ink++;
    return { corner: [...ctx.getImageData(0, 0, 1, 1).data], ink, bg: getComputedStyle(document.body).backgroundColor };
  }, b64);
  assert.equal(px.corner[3], 255, 'opaque');
  assert.equal(`rgb(${px.corner.slice(0, 3).join(', ')})`, px.bg, 'the theme\'s background');
  assert.ok(px.ink > 50, 'a title is written');
  await context.close();
});

test('13. loading says its phase: reading, inflating or decoding, laying out', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await page.evaluate(() => {
    window.phases = [];
    new MutationObserver(() => {
      const p = document.getElementById('progress');
      const last = window.phases.at(-1);
      if (p.dataset.phase && p.dataset.phase !== last) window.phases.push(p.dataset.phase);
      if (/Reading.*100%/.test(p.textContent)) window.phases.push('BAD: reading 100%');
    }).observe(document.getElementById('progress'), { attributes: true, subtree: true, childList: true, characterData: true });
  });
  await load(page, data('go-leaky/cpu.pb.gz'));
  const phases = await page.evaluate(() => window.phases);
  assert.equal(phases[0], 'reading');
  assert.ok(phases.includes('decoding'), phases.join(','));
  assert.equal(phases.at(-1), 'layout');
  assert.ok(!phases.some((p) => p.startsWith('BAD')));
  await context.close();
});

test('14. a profile too large for the page is refused before it is read, saying its size and the limit', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  await load(page, data('go-leaky/heap.1.pb.gz'));
  // A 2 MB gzip file whose trailer says 2 GB uncompressed (the size the
  // page reads first; deflate can expand 2 MB that far): refused at once,
  // and the open profile stays.
  mkdirSync(tmp, { recursive: true });
  const { gzipSync } = await import('node:zlib');
  const { randomBytes } = await import('node:crypto');
  const gz = gzipSync(randomBytes(2_000_000));
  gz.writeUInt32LE(2_000_000_000, gz.length - 4);
  writeFileSync(`${tmp}/huge.pb.gz`, gz);
  const t0 = Date.now();
  await drop(page, [`${tmp}/huge.pb.gz`]);
  await page.waitForFunction(() => document.getElementById('messages').textContent.includes('huge.pb.gz'));
  assert.ok(Date.now() - t0 < 5000);
  const m = (await messages(page)).find((x) => x.startsWith('huge.pb.gz'));
  assert.match(m, /this profile is 2\.00 GB uncompressed .*more than the 1\.40 GB the page can open.*WebAssembly.*4 GB.*pprof-lens command-line tool/);
  assert.deepEqual((await page.evaluate(() => window.pprofLens.tabs())).map((t) => t.name), ['heap.1.pb.gz']);
  // A gzip file cut where its last four bytes read as more than the limit:
  // no deflate stream of that size could say so, so it is named truncated,
  // not too large.
  const whole = readFileSync(data('go-leaky/heap.1.pb.gz'));
  let cut = whole.length - 40;
  while (whole.readUInt32LE(cut - 4) <= 1.4e9) cut--;
  writeFileSync(`${tmp}/cut.pb.gz`, whole.subarray(0, cut));
  await drop(page, [`${tmp}/cut.pb.gz`]);
  await page.waitForFunction(() => document.getElementById('messages').textContent.includes('cut.pb.gz'));
  const c = (await messages(page)).find((x) => x.startsWith('cut.pb.gz'));
  assert.match(c, /^cut\.pb\.gz: truncated gzip stream/);
  assert.deepEqual((await page.evaluate(() => window.pprofLens.tabs())).map((t) => t.name), ['heap.1.pb.gz']);
  await context.close();
});

// A raw pprof profile with one stack `depth` frames deep (f0 → f1 → … cycling
// over 1000 functions), written here with a minimal protobuf encoder.
function deepProfile(depth) {
  const varint = (n) => { const o = []; do { let b = n & 0x7f; n = Math.floor(n / 128); if (n) b |= 0x80; o.push(b); } while (n); return o; };
  const field = (f, w, p) => [...varint(f * 8 + w), ...p];
  const msg = (f, body) => varint(f * 8 + 2).concat(varint(body.length), body);
  const num = (f, v) => field(f, 0, varint(v));
  const strings = ['', 'samples', 'count', ...Array.from({ length: 1000 }, (_, i) => `f${i}`)];
  const out = [...msg(1, [...num(1, 1), ...num(2, 2)])];
  const ids = Array.from({ length: depth }, (_, i) => (depth - 1 - i) % 1000 + 1); // leaf first
  const sample = msg(2, msg(1, ids.flatMap(varint)).concat(msg(2, varint(1))));
  for (const b of sample) out.push(b);
  for (let i = 1; i <= 1000; i++) out.push(...msg(4, [...num(1, i), ...msg(4, [...num(1, i), ...num(2, 10)])]));
  for (let i = 1; i <= 1000; i++) out.push(...msg(5, [...num(1, i), ...num(2, i + 2)]));
  for (const s of strings) out.push(...msg(6, [...Buffer.from(s)]));
  return Buffer.from(out);
}

test('a 100,000-frame stack opens in the page (pprof reads it) and the flame graph draws its outer rows', async () => {
  const { context, page } = await openPage(env.browser, env.url);
  mkdirSync(tmp, { recursive: true });
  writeFileSync(`${tmp}/deep.pb`, deepProfile(100000));
  await load(page, `${tmp}/deep.pb`);
  assert.deepEqual(await messages(page), []);
  assert.equal(await page.evaluate(() => window.pprofLens.table().name.length), 1000);
  assert.equal(await page.$eval('#flameBox', (b) => b.dataset.clipped), '100000');
  const h = await page.$eval('#flame', (c) => c.height);
  assert.ok(h > 1000 && h <= 32000, `canvas height ${h}`);
  assert.deepEqual(page.errors, []);
  await context.close();
});
