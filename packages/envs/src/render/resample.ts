/**
 * Antialiased bilinear resampling of uint8 HWC images, computed the way Pillow's
 * `Image.resize(size, BILINEAR)` does it (Resample.c): a separable triangle filter whose support
 * widens with the down-scale factor (so shrinking averages every source pixel, no aliasing),
 * 22-bit fixed-point weights, the horizontal pass first and an 8-bit intermediate image.
 * This is the resize behind scipy.misc.imresize, used by the World Models reference pipeline.
 */

/** Fixed-point precision of Pillow's 8-bit resampling. */
const PRECISION_BITS = 32 - 8 - 2;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

interface Coefficients {
  /** First source index of each output pixel's window. */
  start: Int32Array;
  /** Window length of each output pixel. */
  count: Int32Array;
  /** Fixed-point weights, `ksize` per output pixel. */
  weights: Int32Array;
  ksize: number;
}

const coefficientCache = new Map<string, Coefficients>();

/** Triangle (bilinear) filter weights from `inSize` samples to `outSize`, cached. */
function bilinearCoefficients(inSize: number, outSize: number): Coefficients {
  const key = `${inSize}>${outSize}`;
  const cached = coefficientCache.get(key);
  if (cached) return cached;
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1.0);
  const support = 1.0 * filterScale; // the bilinear filter's support is 1
  const ksize = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * ksize);
  const w = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1.0 / filterScale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      const d = Math.abs((x + xmin - center + 0.5) * ss);
      const v = d < 1 ? 1 - d : 0;
      w[x] = v;
      total += v;
    }
    for (let x = 0; x < xmax; x++) {
      const v = total !== 0 ? w[x]! / total : w[x]!;
      weights[xx * ksize + x] = v < 0 ? Math.trunc(-0.5 + v * ONE) : Math.trunc(0.5 + v * ONE);
    }
    start[xx] = xmin;
    count[xx] = xmax;
  }
  const c = { start, count, weights, ksize };
  coefficientCache.set(key, c);
  return c;
}

function clip8(v: number): number {
  if (v >= ONE * 256) return 255;
  if (v <= 0) return 0;
  return v >> PRECISION_BITS;
}

/**
 * Resizes a uint8 image `src` [inH, inW, C] to [outH, outW, C] (antialiased bilinear, as Pillow).
 */
export function resizeBilinear(
  src: Uint8Array,
  inH: number,
  inW: number,
  channels: number,
  outH: number,
  outW: number,
): Uint8Array {
  if (src.length !== inH * inW * channels) {
    throw new Error(`resizeBilinear: image has ${src.length} values, expected ${inH}×${inW}×${channels} = ${inH * inW * channels}`);
  }
  if (!(outH > 0 && outW > 0 && Number.isInteger(outH) && Number.isInteger(outW))) {
    throw new Error(`resizeBilinear: output size must be positive integers, got ${outH}×${outW}`);
  }
  // Horizontal pass: [inH, inW, C] → [inH, outW, C] (skipped when the width is unchanged).
  let tmp = src;
  if (outW !== inW) {
    const h = bilinearCoefficients(inW, outW);
    tmp = new Uint8Array(inH * outW * channels);
    for (let y = 0; y < inH; y++) {
      const rowIn = y * inW * channels;
      const rowOut = y * outW * channels;
      for (let xx = 0; xx < outW; xx++) {
        const x0 = h.start[xx]!;
        const n = h.count[xx]!;
        const k = xx * h.ksize;
        for (let c = 0; c < channels; c++) {
          let ss = HALF;
          for (let x = 0; x < n; x++) ss += src[rowIn + (x0 + x) * channels + c]! * h.weights[k + x]!;
          tmp[rowOut + xx * channels + c] = clip8(ss);
        }
      }
    }
  }
  if (outH === inH) return tmp === src ? src.slice() : tmp;
  // Vertical pass: [inH, outW, C] → [outH, outW, C].
  const v = bilinearCoefficients(inH, outH);
  const out = new Uint8Array(outH * outW * channels);
  const stride = outW * channels;
  for (let yy = 0; yy < outH; yy++) {
    const y0 = v.start[yy]!;
    const n = v.count[yy]!;
    const k = yy * v.ksize;
    for (let i = 0; i < stride; i++) {
      let ss = HALF;
      for (let y = 0; y < n; y++) ss += tmp[(y0 + y) * stride + i]! * v.weights[k + y]!;
      out[yy * stride + i] = clip8(ss);
    }
  }
  return out;
}
