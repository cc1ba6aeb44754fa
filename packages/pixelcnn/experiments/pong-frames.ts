/**
 * Halving and doubling square 8-bit RGB frames for the 32×32 budget of the Pong experiment.
 * Halving keeps every other row and column (nearest neighbour, no averaging), so a 2×2 ball stays
 * one pixel of exactly its colour; doubling repeats each pixel as a 2×2 block, so a halved frame
 * doubled back carries the same information at the detector's 64×64 scale.
 */

/** [N, S, S, 3] → [N, S/2, S/2, 3]: the pixels at even rows and columns. */
export function halveFrames(frames: Uint8Array, size: number): Uint8Array {
  if (size % 2 !== 0) throw new Error(`halveFrames: frame size ${size} is odd`);
  const per = size * size * 3;
  if (frames.length % per !== 0) throw new Error(`halveFrames: ${frames.length} bytes is not a whole number of ${size}×${size}×3 frames`);
  const half = size / 2;
  const out = new Uint8Array((frames.length / per) * half * half * 3);
  let o = 0;
  for (let n = 0; n < frames.length / per; n++) {
    for (let y = 0; y < half; y++) {
      for (let x = 0; x < half; x++) {
        const i = n * per + (2 * y * size + 2 * x) * 3;
        out[o++] = frames[i]!;
        out[o++] = frames[i + 1]!;
        out[o++] = frames[i + 2]!;
      }
    }
  }
  return out;
}

/** [N, S, S, 3] → [N, 2S, 2S, 3]: each pixel repeated as a 2×2 block. */
export function doubleFrames(frames: Uint8Array, size: number): Uint8Array {
  const per = size * size * 3;
  if (frames.length % per !== 0) throw new Error(`doubleFrames: ${frames.length} bytes is not a whole number of ${size}×${size}×3 frames`);
  const big = 2 * size;
  const out = new Uint8Array(frames.length * 4);
  for (let n = 0; n < frames.length / per; n++) {
    for (let y = 0; y < big; y++) {
      for (let x = 0; x < big; x++) {
        const i = n * per + (((y >> 1) * size + (x >> 1)) * 3);
        const o = n * per * 4 + (y * big + x) * 3;
        out[o] = frames[i]!;
        out[o + 1] = frames[i + 1]!;
        out[o + 2] = frames[i + 2]!;
      }
    }
  }
  return out;
}
