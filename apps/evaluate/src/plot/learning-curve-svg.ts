/** One line of a plot. */
export interface Series {
  label: string;
  color: string;
  points: { x: number; y: number }[];
  /** Draw markers only (e.g. sparse evaluation scores). */
  markers?: boolean;
}

export interface LinePlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** Only whole-number ticks on the x axis (generations). */
  integerX?: boolean;
  /** Horizontal reference lines (e.g. the paper's score). */
  references?: { y: number; label: string; color: string }[];
}

/**
 * A line plot as a standalone SVG document: axes with "nice" ticks, one polyline per series,
 * markers for sparse series, dashed reference lines and a legend. Pure string output (no DOM).
 */
export function linePlotSvg(series: Series[], options: LinePlotOptions): string {
  const W = options.width ?? 720;
  const H = options.height ?? 420;
  const m = { left: 70, right: 20, top: 40, bottom: 55 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const ys = [...series.flatMap((s) => s.points.map((p) => p.y)), ...(options.references ?? []).map((r) => r.y)].filter(Number.isFinite);
  const [x0, x1] = extent(xs.length ? xs : [0, 1]);
  const [y0, y1] = extent(ys.length ? ys : [0, 1]);
  const xt = niceTicks(x0, x1, 8, options.integerX);
  const yt = niceTicks(y0, y1, 6);
  const xMin = xt[0]!;
  const xMax = xt[xt.length - 1]!;
  const yMin = yt[0]!;
  const yMax = yt[yt.length - 1]!;
  const sx = (x: number) => m.left + ((x - xMin) / (xMax - xMin || 1)) * pw;
  const sy = (y: number) => m.top + ph - ((y - yMin) / (yMax - yMin || 1)) * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(options.title)}</text>`);
  for (const t of yt) {
    out.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${f(sy(t))}" y2="${f(sy(t))}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${m.left - 8}" y="${f(sy(t) + 4)}" text-anchor="end">${formatTick(t)}</text>`);
  }
  for (const t of xt) {
    out.push(`<line x1="${f(sx(t))}" x2="${f(sx(t))}" y1="${m.top + ph}" y2="${m.top + ph + 5}" stroke="#333"/>`);
    out.push(`<text x="${f(sx(t))}" y="${m.top + ph + 19}" text-anchor="middle">${formatTick(t)}</text>`);
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="${H - 12}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`);
  for (const r of options.references ?? []) {
    out.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${f(sy(r.y))}" y2="${f(sy(r.y))}" stroke="${r.color}" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${m.left + pw - 4}" y="${f(sy(r.y) - 5)}" text-anchor="end" fill="${r.color}">${escapeXml(r.label)}</text>`);
  }
  for (const s of series) {
    const pts = s.points.filter((p) => Number.isFinite(p.y));
    if (s.markers) {
      for (const p of pts) out.push(`<circle cx="${f(sx(p.x))}" cy="${f(sy(p.y))}" r="3.5" fill="${s.color}"/>`);
    } else if (pts.length > 0) {
      out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.8" points="${pts.map((p) => `${f(sx(p.x))},${f(sy(p.y))}`).join(' ')}"/>`);
    }
  }
  series.forEach((s, i) => {
    const y = m.top + 14 + i * 17;
    const x = m.left + 10;
    out.push(s.markers ? `<circle cx="${x + 9}" cy="${y - 4}" r="3.5" fill="${s.color}"/>` : `<line x1="${x}" x2="${x + 18}" y1="${y - 4}" y2="${y - 4}" stroke="${s.color}" stroke-width="2"/>`);
    out.push(`<text x="${x + 24}" y="${y}">${escapeXml(s.label)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function extent(v: number[]): [number, number] {
  let lo = Math.min(...v);
  let hi = Math.max(...v);
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  return [lo, hi];
}

/** Round tick values covering [lo, hi] with about `count` steps of 1, 2 or 5 × 10^k (at least 1 when `integer`). */
export function niceTicks(lo: number, hi: number, count: number, integer = false): number[] {
  const raw = Math.max((hi - lo) / Math.max(1, count), integer ? 1 : 0);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? 10 * mag;
  const start = Math.floor(lo / step) * step;
  const ticks: number[] = [];
  for (let t = start; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  if (ticks[ticks.length - 1]! < hi) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}

const f = (x: number) => x.toFixed(1);
const formatTick = (t: number) => (Math.abs(t) >= 1e4 || (Math.abs(t) < 1e-3 && t !== 0) ? t.toExponential(1) : String(Number(t.toPrecision(6))));

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
