// Line charts on canvas: the total over time (with the top suspects stacked
// under it), and row sparklines.

// The total over time: a red line with a dot per snapshot.
export function drawLine(ctx, xs, ys, opts) {
  drawStacked(ctx, xs, ys, [], opts);
}

export function sparkline(canvas, ys) {
  const ctx = canvas.getContext('2d');
  drawLine(ctx, ys.map((_, i) => i), ys, { width: canvas.width, height: canvas.height, pad: 3 });
}

// Palette of the stacked chart's layers (the top suspects, in rank order).
export const LAYER_COLORS = ['#d9534f', '#f0ad4e', '#5b8def', '#4cae4c', '#9b59b6', '#17a2b8'];

// The total over time (a red line) with `layers` (each an array of values,
// one per x) stacked from the axis under it, and what is left between the
// stack and the total shaded grey ("everything else"). Returns the x pixel
// of each point, for hover.
export function drawStacked(ctx, xs, total, layers, { width, height, pad = 28, labels = null }) {
  ctx.clearRect(0, 0, width, height);
  const n = total.length;
  if (!n) return [];
  const minX = Math.min(...xs); const maxX = Math.max(...xs);
  const maxY = Math.max(...total, ...xs.map((_, i) => layers.reduce((s, l) => s + Math.max(0, l[i]), 0)), 1);
  const px = (x) => pad + (maxX > minX ? ((x - minX) / (maxX - minX)) * (width - 2 * pad) : (width - 2 * pad) / 2);
  const py = (y) => height - pad - (y / maxY) * (height - 2 * pad);
  const area = (lo, hi, color) => {
    ctx.fillStyle = color;
    ctx.beginPath();
    xs.forEach((x, i) => (i ? ctx.lineTo(px(x), py(hi[i])) : ctx.moveTo(px(x), py(hi[i]))));
    for (let i = n - 1; i >= 0; i--) ctx.lineTo(px(xs[i]), py(lo[i]));
    ctx.closePath(); ctx.fill();
  };
  let base = new Array(n).fill(0);
  layers.forEach((l, k) => {
    const top = base.map((b, i) => b + Math.max(0, l[i]));
    area(base, top, LAYER_COLORS[k % LAYER_COLORS.length] + 'cc');
    base = top;
  });
  if (layers.length) area(base, total.map((t, i) => Math.max(t, base[i])), 'rgba(140,140,150,0.25)');
  ctx.strokeStyle = '#c8c8d0'; ctx.lineWidth = 1;
  ctx.beginPath(); ctx.moveTo(pad, pad / 2); ctx.lineTo(pad, height - pad); ctx.lineTo(width - pad / 2, height - pad); ctx.stroke();
  ctx.strokeStyle = '#c0262d'; ctx.lineWidth = 2;
  ctx.beginPath();
  xs.forEach((x, i) => (i ? ctx.lineTo(px(x), py(total[i])) : ctx.moveTo(px(x), py(total[i]))));
  ctx.stroke();
  ctx.fillStyle = '#c0262d';
  xs.forEach((x, i) => { ctx.beginPath(); ctx.arc(px(x), py(total[i]), 3, 0, 2 * Math.PI); ctx.fill(); });
  if (labels) {
    ctx.fillStyle = '#444'; ctx.font = '11px system-ui, sans-serif'; ctx.textAlign = 'center';
    xs.forEach((x, i) => ctx.fillText(labels.x[i], px(x), height - pad + 14));
    ctx.textAlign = 'left';
    ctx.fillText(labels.maxY, 2, pad / 2 + 8);
  }
  return xs.map(px);
}
