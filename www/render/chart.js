// Line charts on canvas: the total over time, and row sparklines.

export function drawLine(ctx, xs, ys, { width, height, pad = 28, labels = null }) {
  ctx.clearRect(0, 0, width, height);
  const n = ys.length;
  if (!n) return;
  const minX = Math.min(...xs); const maxX = Math.max(...xs);
  const maxY = Math.max(...ys, 1);
  const px = (x) => pad + (maxX > minX ? ((x - minX) / (maxX - minX)) * (width - 2 * pad) : (width - 2 * pad) / 2);
  const py = (y) => height - pad - (y / maxY) * (height - 2 * pad);
  ctx.strokeStyle = '#c8c8d0'; ctx.lineWidth = 1;
  ctx.beginPath(); ctx.moveTo(pad, pad / 2); ctx.lineTo(pad, height - pad); ctx.lineTo(width - pad / 2, height - pad); ctx.stroke();
  ctx.strokeStyle = '#c0262d'; ctx.lineWidth = 2;
  ctx.beginPath();
  xs.forEach((x, i) => (i ? ctx.lineTo(px(x), py(ys[i])) : ctx.moveTo(px(x), py(ys[i]))));
  ctx.stroke();
  ctx.fillStyle = '#c0262d';
  xs.forEach((x, i) => { ctx.beginPath(); ctx.arc(px(x), py(ys[i]), 3, 0, 2 * Math.PI); ctx.fill(); });
  if (labels) {
    ctx.fillStyle = '#444'; ctx.font = '11px system-ui, sans-serif'; ctx.textAlign = 'center';
    xs.forEach((x, i) => ctx.fillText(labels.x[i], px(x), height - pad + 14));
    ctx.textAlign = 'left';
    ctx.fillText(labels.maxY, 2, pad / 2 + 8);
  }
}

export function sparkline(canvas, ys) {
  const ctx = canvas.getContext('2d');
  drawLine(ctx, ys.map((_, i) => i), ys, { width: canvas.width, height: canvas.height, pad: 3 });
}
