import * as tf from '@tensorflow/tfjs-core';
import { type Frame, frame, imageGrid, upscale } from '@worldmodels/core/image';
import { writeGif, writePng } from '@worldmodels/core/image';
import { tensorToImages } from './data/images.js';

/** Float images in [−1, 1] [N, H, W, C] (C = 1 or 3) → one uint8 frame each. */
export function toFrames(images: tf.Tensor4D): Frame[] {
  const [n, h, w, c] = images.shape;
  if (c !== 1 && c !== 3) throw new Error(`toFrames: images need 1 or 3 channels, got ${c}`);
  const bytes = tensorToImages(images);
  return Array.from({ length: n }, (_, i) => frame(bytes.slice(i * h * w * c, (i + 1) * h * w * c), h, w, c));
}

/** Tiles images [rows·cols, H, W, C] into one grid frame, optionally enlarged by `scale`. */
export function sampleGrid(images: tf.Tensor4D, rows: number, cols: number, scale = 1): Frame {
  const grid = imageGrid(toFrames(images), rows, cols, { gap: 2, background: 255 });
  return scale > 1 ? upscale(grid, scale) : grid;
}

/**
 * Points on the path between latent vectors a and b [D]: `linear` (1 − t)·a + t·b, or `slerp`
 * (spherical, the path DCGAN-style samples are usually walked along for Gaussian latents).
 * Returns [steps, D] for t = 0 … 1.
 */
export function interpolateLatents(a: ArrayLike<number>, b: ArrayLike<number>, steps: number, mode: 'linear' | 'slerp' = 'linear'): tf.Tensor2D {
  if (a.length !== b.length) throw new Error(`interpolateLatents: endpoints have widths ${a.length} and ${b.length}`);
  if (!Number.isInteger(steps) || steps < 2) throw new Error(`interpolateLatents needs at least 2 steps, got ${steps}`);
  const d = a.length;
  const out = new Float32Array(steps * d);
  let na = 0;
  let nb = 0;
  let dot = 0;
  for (let i = 0; i < d; i++) {
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
    dot += a[i]! * b[i]!;
  }
  const omega = Math.acos(Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb || 1))));
  for (let s = 0; s < steps; s++) {
    const t = s / (steps - 1);
    let wa = 1 - t;
    let wb = t;
    if (mode === 'slerp' && omega > 1e-6) {
      wa = Math.sin((1 - t) * omega) / Math.sin(omega);
      wb = Math.sin(t * omega) / Math.sin(omega);
    }
    for (let i = 0; i < d; i++) out[s * d + i] = wa * a[i]! + wb * b[i]!;
  }
  return tf.tensor2d(out, [steps, d]);
}

/** Writes a PNG grid of images in [−1, 1] atomically. */
export async function writeSampleGrid(path: string, images: tf.Tensor4D, rows: number, cols: number, scale = 2): Promise<void> {
  await writePng(path, sampleGrid(images, rows, cols, scale));
}

/** Writes images in [−1, 1] [T, H, W, C] as an animated GIF that plays forwards then back. */
export async function writeInterpolationGif(path: string, images: tf.Tensor4D, options: { fps?: number; scale?: number } = {}): Promise<void> {
  const scale = options.scale ?? 2;
  const frames = toFrames(images).map((f) => (scale > 1 ? upscale(f, scale) : f));
  await writeGif(path, [...frames, ...frames.slice(1, -1).reverse()], { fps: options.fps ?? 10 });
}
