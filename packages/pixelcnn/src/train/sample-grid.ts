import { frame, imageGrid, upscale, writePng } from '@worldmodels/core/image';

/**
 * Writes 8-bit images [N, H, W, C] (C = 1 or 3) as one PNG grid of `rows` × `cols` tiles,
 * nearest-neighbour upscaled by `scale` so small images stay visible. Written atomically.
 */
export async function writeImageGrid(path: string, images: Uint8Array, shape: readonly [number, number, number], rows: number, cols: number, scale = 2): Promise<void> {
  const [h, w, c] = shape;
  const per = h * w * c;
  if (images.length % per !== 0) throw new Error(`writeImageGrid: ${images.length} bytes are not a whole number of ${h}×${w}×${c} images`);
  if (c !== 1 && c !== 3) throw new Error(`writeImageGrid: images must have 1 or 3 channels, got ${c}`);
  const n = Math.min(images.length / per, rows * cols);
  const tiles = Array.from({ length: n }, (_, i) => upscale(frame(images.slice(i * per, (i + 1) * per), h, w, c), scale));
  await writePng(path, imageGrid(tiles, rows, cols));
}
