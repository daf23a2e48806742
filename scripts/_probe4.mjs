import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startServer, openPage, FLAGS } from '../tests/browser/helpers.mjs';
function pss(pid) {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=']).toString().trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  const kids = new Map(); for (const [p, pp] of out) { if (!kids.has(pp)) kids.set(pp, []); kids.get(pp).push(p); }
  let t = 0; const st = [...(kids.get(pid) || [])];
  while (st.length) { const p = st.pop(); try { t += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))[1]); } catch {} st.push(...(kids.get(p) || [])); }
  return (t / 1024).toFixed(0);
}
const { server, url } = await startServer();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...FLAGS, ...(process.env.GC ? ['--js-flags=--expose-gc'] : [])] });
const { page } = await openPage(browser, url, { width: 1400, height: 900 });
console.log('empty', pss(process.pid));
await page.setInputFiles('#file', process.argv[2]);
await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 600000 });
await page.waitForFunction(() => window.pprofLens.table() && !window.pprofLens.table().labelsPending, null, { timeout: 600000 });
console.log('loaded', pss(process.pid), 'wasm', (await page.evaluate(async () => (await window.pprofLens.stats()).wasmMemory)) / 1048576);
if (process.env.GC) {
  for (const w of page.workers()) console.log('worker gc', await w.evaluate(() => { gc(); return 1; }).catch((e) => e.message));
  await page.evaluate(() => gc());
  await new Promise((r) => setTimeout(r, 1000));
  console.log('after gc', pss(process.pid));
}
await browser.close(); server.close();
