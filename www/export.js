// Exports, all made in the page (nothing is sent anywhere): the flame graph
// as SVG or as PNG (on the theme's background, titled with the file, the
// sample type and the total), the table as CSV (the table's own columns),
// and the refined profile as a .pb.gz that go tool pprof reads.
import { flameSvg } from './render/flame.js';
import { shortName } from './tabs.js';

const $ = (id) => document.getElementById(id);

export function download(name, blob) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60000);
}

// The flame graph on the theme's background under a title line, as a canvas.
export function titledFlame(canvas, title) {
  const dpr = canvas.width / (canvas.clientWidth || canvas.width);
  const head = Math.round(28 * dpr);
  const out = document.createElement('canvas');
  out.width = canvas.width; out.height = canvas.height + head;
  const ctx = out.getContext('2d');
  const style = getComputedStyle(document.body);
  ctx.fillStyle = style.backgroundColor || '#fff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = style.color || '#000';
  ctx.font = `${Math.round(13 * dpr)}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';
  ctx.fillText(title, 8 * dpr, head / 2, out.width - 16 * dpr);
  ctx.drawImage(canvas, 0, head);
  return out;
}

export function wireExports({ tabs, client, messages }) {
  const stem = () => shortName(tabs.current()?.name || 'profile').replace(/[^\w.-]+/g, '_');
  const title = () => {
    const t = tabs.current();
    const type = t?.info.sampleTypes[t.state.sampleIndex];
    const total = ($('header').textContent.match(/^(?:Total: .*|Base: .*)$/m) || [''])[0];
    return [t?.name, type && `${type.type} (${type.unit})`, total].filter(Boolean).join(' · ');
  };
  $('exportSvg').addEventListener('click', () => {
    const f = tabs.shownFlame();
    if (!f.layout) return;
    download(`${stem()}.flame.svg`, new Blob([flameSvg(f.layout, f.names, f.opts())], { type: 'image/svg+xml' }));
  });
  $('exportPng').addEventListener('click', () => {
    const c = titledFlame($('sideBox').hidden ? $('flame') : $('flameNew'), title());
    c.toBlob((b) => { if (b) download(`${stem()}.flame.png`, b); }, 'image/png');
  });
  $('exportCsv').addEventListener('click', () => {
    const top = tabs.views.top;
    const cols = top.csvColumns();
    if (!cols.length) return;
    const q = (s) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    const lines = [cols.map((c) => c[0]).join(',')];
    for (const i of top.visible) lines.push(cols.map((c) => q(c[1][i] ?? '')).join(','));
    download(`${stem()}.top.csv`, new Blob([`${lines.join('\n')}\n`], { type: 'text/csv' }));
  });
  $('exportPb').addEventListener('click', async () => {
    if (tabs.active === null) return;
    const b = $('exportPb');
    b.disabled = true;
    b.textContent = 'Exporting…';
    try {
      const raw = await client.exportProfile(tabs.active);
      const gz = await new Response(new Blob([raw]).stream().pipeThrough(new CompressionStream('gzip'))).blob();
      download(`${stem()}.refined.pb.gz`, new Blob([gz], { type: 'application/gzip' }));
    } catch (e) {
      messages.show(`Export: ${e.message}`);
    } finally {
      b.disabled = false;
      b.textContent = 'Export .pb.gz';
    }
  });
  $('exportFolded').addEventListener('click', async () => {
    if (tabs.active === null) return;
    try {
      const text = await client.exportProfile(tabs.active, 'folded');
      download(`${stem()}.folded`, new Blob([text], { type: 'text/plain' }));
    } catch (e) {
      messages.show(`Export: ${e.message}`);
    }
  });
}
