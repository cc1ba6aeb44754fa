import { Rng } from '@worldmodels/core/rng';

/**
 * A procedurally generated image data set that needs no download: each image is a coloured
 * background with 1–3 filled discs and axis-aligned rectangles of random colour, position and
 * size. Deterministic in (seed, index), so train and test splits are fixed by their seeds.
 */
export function proceduralShapes(count: number, size: number, seed: number): Uint8Array {
  if (!Number.isInteger(count) || count < 1) throw new Error(`proceduralShapes: count must be a positive integer, got ${count}`);
  if (!Number.isInteger(size) || size < 4) throw new Error(`proceduralShapes: size must be an integer ≥ 4, got ${size}`);
  const out = new Uint8Array(count * size * size * 3); // [N, S, S, 3]
  for (let n = 0; n < count; n++) {
    const rng = new Rng(seed).derive('shapes', n);
    const img = out.subarray(n * size * size * 3, (n + 1) * size * size * 3);
    const bg = [rng.integer(0, 80), rng.integer(0, 80), rng.integer(0, 80)];
    for (let p = 0; p < size * size; p++) img.set(bg, p * 3);
    const shapes = rng.integer(1, 4); // 1–3
    for (let s = 0; s < shapes; s++) {
      const colour = [rng.integer(100, 256), rng.integer(100, 256), rng.integer(100, 256)];
      const cx = rng.uniform(0, size);
      const cy = rng.uniform(0, size);
      const r = rng.uniform(size / 8, size / 3);
      const disc = rng.random() < 0.5;
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const inside = disc ? (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r : Math.abs(x + 0.5 - cx) <= r && Math.abs(y + 0.5 - cy) <= r * 0.6;
          if (inside) img.set(colour, (y * size + x) * 3);
        }
      }
    }
  }
  return out;
}
