import { resizeBilinear } from '../render/resample.js';

/** Rows of the 96×96 CarRacing frame the reference kept (the indicator bar is cut off). */
export const REFERENCE_CROP_ROWS = 84;

/**
 * Turns a 96×96×3 CarRacing frame into the 64×64×3 frame the World Models reference pipeline
 * (hardmaru/WorldModelsExperiments, `_process_frame`) fed its VAE, so its published weights see
 * what they were trained on:
 *
 * 1. keep rows 0..83;
 * 2. stretch the frame's min..max to 0..255 over all channels (scipy's `bytescale`, rounding
 *    half up);
 * 3. antialiased bilinear resize to 64×64 (Pillow's `resize(BILINEAR)` inside
 *    `scipy.misc.imresize`);
 * 4. v → (v − 1) mod 256 — the result of `((1.0 - obs) * 255).round().astype(np.uint8)` applied to
 *    the uint8 output of imresize.
 */
export function referencePreprocess(frame96: Uint8Array): Uint8Array {
  const W = 96;
  const C = 3;
  if (!(frame96 instanceof Uint8Array) || frame96.length !== 96 * W * C) {
    throw new Error(`referencePreprocess needs a 96×96×3 uint8 frame (27648 values), got ${frame96 instanceof Uint8Array ? frame96.length + ' values' : typeof frame96}`);
  }
  const n = REFERENCE_CROP_ROWS * W * C;
  let lo = 255;
  let hi = 0;
  for (let i = 0; i < n; i++) {
    const v = frame96[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  // bytescale on the float frame v/255: (x − cmin)·(255 / (cmax − cmin)), clipped, + 0.5, truncated.
  const cmin = lo / 255;
  const cmax = hi / 255;
  const cscale = cmax - cmin === 0 ? 1 : cmax - cmin;
  const scale = 255 / cscale;
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) {
    const b = (v / 255 - cmin) * scale;
    lut[v] = Math.trunc(Math.min(255, Math.max(0, b)) + 0.5);
  }
  const stretched = new Uint8Array(n);
  for (let i = 0; i < n; i++) stretched[i] = lut[frame96[i]!]!;
  const small = resizeBilinear(stretched, REFERENCE_CROP_ROWS, W, C, 64, 64);
  for (let i = 0; i < small.length; i++) small[i] = (small[i]! + 255) & 255;
  return small;
}
