/**
 * A small scanline rasteriser for flat-coloured convex polygons on an RGB uint8 frame (HWC).
 *
 * Coverage follows OpenGL's rule without anti-aliasing: a pixel is filled when its centre
 * (x + 0.5, y + 0.5) lies inside the polygon (left edges inclusive, right edges exclusive), so
 * shapes come out as gym's OpenGL renderer drew them. Coordinates are in pixels, x to the right,
 * y downwards.
 */
export class RgbCanvas {
  readonly data: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
      throw new Error(`RgbCanvas needs positive integer sizes, got ${width}×${height}`);
    }
    this.data = new Uint8Array(width * height * 3);
  }

  /** Fills the whole frame with one colour. */
  clear(r: number, g: number, b: number): void {
    const d = this.data;
    if (r === g && g === b) {
      d.fill(r);
      return;
    }
    d[0] = r;
    d[1] = g;
    d[2] = b;
    // Doubling copies: 3, 6, 12, … bytes.
    for (let filled = 3; filled < d.length; filled *= 2) d.copyWithin(filled, 0, Math.min(filled, d.length - filled));
  }

  /** Fills the pixels whose centres lie in the axis-aligned rectangle [x0, x1) × [y0, y1). */
  fillRect(x0: number, y0: number, x1: number, y1: number, r: number, g: number, b: number): void {
    const xa = Math.max(0, Math.ceil(Math.min(x0, x1) - 0.5));
    const xb = Math.min(this.width, Math.ceil(Math.max(x0, x1) - 0.5));
    const ya = Math.max(0, Math.ceil(Math.min(y0, y1) - 0.5));
    const yb = Math.min(this.height, Math.ceil(Math.max(y0, y1) - 0.5));
    const d = this.data;
    for (let y = ya; y < yb; y++) {
      let i = (y * this.width + xa) * 3;
      for (let x = xa; x < xb; x++, i += 3) {
        d[i] = r;
        d[i + 1] = g;
        d[i + 2] = b;
      }
    }
  }

  /**
   * Fills a convex polygon given as interleaved vertices `xy = [x0, y0, x1, y1, ...]` (first `n`
   * vertices used; either winding). Non-convex input fills the span between the outermost edge
   * crossings of each row.
   */
  fillConvex(xy: ArrayLike<number>, n: number, r: number, g: number, b: number): void {
    let minY = Infinity;
    let maxY = -Infinity;
    let minX = Infinity;
    let maxX = -Infinity;
    for (let k = 0; k < n; k++) {
      const x = xy[2 * k]!;
      const y = xy[2 * k + 1]!;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
    }
    // Off-frame or degenerate: nothing to draw.
    if (!(maxY > 0 && minY < this.height && maxX > 0 && minX < this.width)) return;
    const rowStart = Math.max(0, Math.ceil(minY - 0.5));
    const rowEnd = Math.min(this.height, Math.ceil(maxY - 0.5));
    const d = this.data;
    const w = this.width;
    for (let row = rowStart; row < rowEnd; row++) {
      const yc = row + 0.5;
      let left = Infinity;
      let right = -Infinity;
      let ax = xy[2 * (n - 1)]!;
      let ay = xy[2 * (n - 1) + 1]!;
      for (let k = 0; k < n; k++) {
        const bx = xy[2 * k]!;
        const by = xy[2 * k + 1]!;
        // Half-open in y so a vertex shared by two edges is counted once.
        if ((ay <= yc && yc < by) || (by <= yc && yc < ay)) {
          const x = ax + ((yc - ay) * (bx - ax)) / (by - ay);
          if (x < left) left = x;
          if (x > right) right = x;
        }
        ax = bx;
        ay = by;
      }
      if (left >= right) continue;
      const xa = Math.max(0, Math.ceil(left - 0.5));
      const xb = Math.min(w, Math.ceil(right - 0.5));
      let i = (row * w + xa) * 3;
      for (let x = xa; x < xb; x++, i += 3) {
        d[i] = r;
        d[i + 1] = g;
        d[i + 2] = b;
      }
    }
  }
}

/**
 * The 8-bit value OpenGL stores for a float colour channel: clamp to [0, 1], then round
 * c·255 computed in single precision (so 0.9 → 229, 0.41 → 105, 0.3 → 77).
 */
export function glChannel(c: number): number {
  const f = Math.fround(Math.min(1, Math.max(0, c))) * 255;
  return Math.round(f);
}
