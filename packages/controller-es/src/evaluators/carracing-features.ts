/**
 * Features of the pixel controller used by the CarRacing evaluator: the 96×96 RGB frame cropped to
 * its top 84 rows (dropping the indicator bar, as the reference preprocessing does), averaged in
 * 7×7 blocks to a 12×12 grey image in [−0.5, 0.5]. A cheap stand-in for z when no VAE is loaded —
 * the V/M agents belong to the world-model package.
 */
export const PIXEL_GRID = 12;
export const PIXEL_BLOCK = 7;
export const PIXEL_FEATURES = PIXEL_GRID * PIXEL_GRID;
/** Parameters of the linear pixel controller a = tanh(W·features + b): (144 + 1)·3 = 435. */
export const PIXEL_CONTROLLER_PARAMS = (PIXEL_FEATURES + 1) * 3;

/** [96, 96, 3] uint8 HWC frame → [144] features. */
export function pixelFeatures(frame: Uint8Array, out: Float64Array = new Float64Array(PIXEL_FEATURES)): Float64Array {
  if (frame.length !== 96 * 96 * 3) throw new Error(`pixelFeatures needs a 96×96×3 frame, got ${frame.length} bytes`);
  const scale = 1 / (PIXEL_BLOCK * PIXEL_BLOCK * 3 * 255);
  for (let gy = 0; gy < PIXEL_GRID; gy++) {
    for (let gx = 0; gx < PIXEL_GRID; gx++) {
      let s = 0;
      for (let y = gy * PIXEL_BLOCK; y < (gy + 1) * PIXEL_BLOCK; y++) {
        let p = (y * 96 + gx * PIXEL_BLOCK) * 3;
        for (let x = 0; x < PIXEL_BLOCK * 3; x++) s += frame[p++]!;
      }
      out[gy * PIXEL_GRID + gx] = s * scale - 0.5;
    }
  }
  return out;
}
