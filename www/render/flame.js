// Canvas drawing of flame graph boxes. Pure drawing: gets boxes and styles,
// paints; no state, no requests.

export const ROW = 18;

// The package (or crate, or directory) of a node's name, for colouring,
// at every granularity: the function part of "func file:line" (lines) or
// "0xaddr func file:line" (addresses); Go's "a/b/pkg.(*T).M" → "a/b/pkg";
// Rust's and C++'s "crate::module::f" → "crate" (also "<crate::T as
// Trait>::f"); a source file (files granularity) → its directory.
const SOURCE = /\.(go|rs|c|cc|cpp|cxx|h|hh|hpp|js|mjs|cjs|ts|py|java|kt|scala|rb|cs|swift|php|s)$/i;
export function packageOf(name) {
  const parts = name.split(' ');
  let s = /^0x[0-9a-f]+$/i.test(parts[0]) && parts.length > 1 ? parts[1] : parts[0];
  if (SOURCE.test(s)) {
    const slash = s.lastIndexOf('/');
    return slash > 0 ? s.slice(0, slash) : s;
  }
  if (s.includes('::')) {
    s = s.replace(/^[<&*\s]+/, '');
    return s.slice(0, s.indexOf('::')) || s;
  }
  const slash = s.lastIndexOf('/');
  const dot = s.indexOf('.', slash + 1);
  if (dot > 0) return s.slice(0, dot);
  return s;
}

const hueCache = new Map();
export function hueOf(pkg) {
  let h = hueCache.get(pkg);
  if (h === undefined) {
    let x = 2166136261;
    for (let i = 0; i < pkg.length; i++) { x ^= pkg.charCodeAt(i); x = Math.imul(x, 16777619) >>> 0; }
    h = x % 360;
    hueCache.set(pkg, h);
  }
  return h;
}

// Diff palettes: the colour of growth and of shrinkage at full strength.
// 'rg' is red/green; 'cb' (colour-blind safe) is orange/blue.
export const PALETTES = {
  rg: { grow: [214, 39, 40], shrink: [44, 160, 44] },
  cb: { grow: [230, 97, 1], shrink: [33, 102, 172] },
};
const NEUTRAL = [221, 221, 226];

// The fill of a box whose relative change is `c` (−1..1; exactly ±1 for
// frames only in one profile, drawn saturated). Changes are mixed into a
// neutral grey; the strongest partial change stops short of saturation so
// new and gone frames stand out.
export function diffColor(c, palette = 'rg') {
  const pal = PALETTES[palette] || PALETTES.rg;
  const target = c > 0 ? pal.grow : pal.shrink;
  const a = Math.abs(c);
  const t = a >= 1 ? 1 : 0.8 * Math.sqrt(a);
  const mix = (i) => Math.round(NEUTRAL[i] + (target[i] - NEUTRAL[i]) * t);
  return `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`;
}

// The fill of box `i` (frame `name`): by package, by change in a
// comparison, grey when a search is on and it does not match.
export function boxFill(b, i, name, opts) {
  if (opts.match && !opts.match[b.node[i]]) return 'hsl(0, 0%, 84%)';
  if (b.change && b.change.length === b.x.length && b.x.length > 0) {
    // A change that is sampling noise is drawn in the neutral grey.
    return opts.noise?.[b.node[i]] ? diffColor(0, opts.palette) : diffColor(b.change[i], opts.palette);
  }
  const inl = b.inlined[i] === 1;
  // Side by side in a comparison: a frame whose change is noise is grey.
  if (opts.noise?.[b.node[i]]) return `hsl(0, 0%, ${inl ? 88 : 82}%)`;
  return `hsl(${hueOf(packageOf(name))}, ${inl ? 45 : 70}%, ${inl ? 80 : 68}%)`;
}

// The flame graph as an SVG document (what drawBoxes paints, as vectors).
export function flameSvg(b, names, opts) {
  const { width, height, flip } = opts;
  const esc = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="11">`];
  for (let i = 0; i < b.x.length; i++) {
    const w = b.width[i] * width;
    if (w < 0.5) continue;
    const x = b.x[i] * width;
    const y = rowY(b.depth[i], b.maxDepth, height, flip);
    const name = names[b.node[i]] ?? '';
    out.push(`<g><title>${esc(name)}</title><rect x="${x.toFixed(2)}" y="${y}" width="${Math.max(w - 0.5, 0.5).toFixed(2)}" height="${ROW - 1}" fill="${boxFill(b, i, name, opts)}"/>`);
    const max = Math.floor((w - 6) / 6.6);
    if (max >= 3) {
      const label = name.length > max ? `${name.slice(0, max - 1)}…` : name;
      out.push(`<text x="${(x + 3).toFixed(2)}" y="${y + 13}">${esc(label)}</text>`);
    }
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n');
}

// Draws every box. `b` is the flame layout (typed arrays; `change` set for a
// comparison), `names` the node names, `opts` { width, height, flip, match
// (Uint8Array|null), palette, noise (Uint8Array|null: 1 for a node whose
// change is not significant, drawn grey) }.
export function drawBoxes(ctx, b, names, opts) {
  const { width, height, flip, match } = opts;
  const diff = b.change && b.change.length === b.x.length && b.x.length > 0;
  ctx.clearRect(0, 0, width, height);
  ctx.font = '11px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';
  ctx.textBaseline = 'middle';
  const charW = ctx.measureText('m').width || 6.6;
  const n = b.x.length;
  for (let i = 0; i < n; i++) {
    const x = b.x[i] * width;
    const w = b.width[i] * width;
    if (w < 0.5) continue;
    const y = rowY(b.depth[i], b.maxDepth, height, flip);
    const name = names[b.node[i]] ?? '';
    const inl = b.inlined[i] === 1;
    const dim = match && !match[b.node[i]];
    ctx.fillStyle = boxFill(b, i, name, opts);
    ctx.fillRect(x, y, Math.max(w - 0.5, 0.5), ROW - 1);
    if (inl && w > 4) {
      // Inlined frames: a dark notch on the left edge.
      ctx.fillStyle = 'rgba(0,0,0,0.55)';
      ctx.fillRect(x, y, 2, ROW - 1);
    }
    if (w > 3 * charW) {
      const max = Math.floor((w - 6) / charW);
      const label = name.length > max ? name.slice(0, Math.max(max - 1, 1)) + '…' : name;
      ctx.fillStyle = dim ? '#777' : (diff && Math.abs(b.change[i]) > 0.7 ? '#fff' : '#111');
      ctx.fillText(label, x + (inl ? 5 : 3), y + ROW / 2);
    }
  }
}

// Outlines the boxes in `which` (indices into the layout) on the overlay.
export function drawOutlines(ctx, b, which, opts, color) {
  const { width, height, flip } = opts;
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  for (const i of which) {
    const x = b.x[i] * width;
    const w = Math.max(b.width[i] * width, 2);
    const y = rowY(b.depth[i], b.maxDepth, height, flip);
    ctx.strokeRect(x + 1, y + 1, w - 2, ROW - 3);
  }
}

export function rowY(depth, maxDepth, height, flip) {
  return flip ? height - (depth + 1) * ROW : depth * ROW;
}

// Index of the box under (px, py), or -1. Boxes are scanned per row.
export function hitTest(b, px, py, opts) {
  const { width, height, flip } = opts;
  const depth = flip ? Math.floor((height - py) / ROW) : Math.floor(py / ROW);
  const fx = px / width;
  for (let i = 0; i < b.x.length; i++) {
    if (b.depth[i] === depth && fx >= b.x[i] && fx < b.x[i] + b.width[i]) return i;
  }
  return -1;
}
