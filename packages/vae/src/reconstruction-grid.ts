import * as tf from '@tensorflow/tfjs-core';
import { floatToBytes, frame, imageGrid, writePng, type Frame } from '@worldmodels/core/image';
import type { ConvVAE } from './conv-vae.js';
import { framesToTensor } from './frames.js';

const FRAME_BYTES = 64 * 64 * 3;

/**
 * A picture of how well V reconstructs: the frames in the top row, their reconstructions
 * decode(mu) below. `frames` is uint8 [N, 64, 64, 3] flat; `columns` frames per row (default N).
 */
export function reconstructionGrid(vae: ConvVAE, frames: Uint8Array, options: { columns?: number; gap?: number } = {}): Frame {
  const n = frames.length / FRAME_BYTES;
  if (!Number.isInteger(n) || n < 1) throw new Error(`reconstructionGrid needs uint8 frames of 64×64×3 (${FRAME_BYTES} bytes each), got ${frames.length} bytes`);
  const columns = Math.min(options.columns ?? n, n);
  const recon = tf.tidy(() => vae.reconstruct(framesToTensor(frames, n)).dataSync()); // [N, 64, 64, 3]
  const originals: Frame[] = [];
  const outputs: Frame[] = [];
  for (let i = 0; i < n; i++) {
    originals.push(frame(frames.slice(i * FRAME_BYTES, (i + 1) * FRAME_BYTES), 64, 64, 3));
    outputs.push(frame(floatToBytes(recon.subarray(i * FRAME_BYTES, (i + 1) * FRAME_BYTES)), 64, 64, 3));
  }
  // Rows alternate: a row of originals, then the same columns reconstructed.
  const tiles: Frame[] = [];
  const rows = Math.ceil(n / columns);
  const blank = frame(new Uint8Array(FRAME_BYTES).fill(255), 64, 64, 3);
  for (let r = 0; r < rows; r++) {
    for (const source of [originals, outputs]) {
      for (let c = 0; c < columns; c++) tiles.push(source[r * columns + c] ?? blank);
    }
  }
  return imageGrid(tiles, rows * 2, columns, { gap: options.gap ?? 2 });
}

/** Writes {@link reconstructionGrid} as a PNG file (atomically). */
export async function writeReconstructionGrid(path: string, vae: ConvVAE, frames: Uint8Array, options: { columns?: number; gap?: number } = {}): Promise<void> {
  await writePng(path, reconstructionGrid(vae, frames, options));
}
