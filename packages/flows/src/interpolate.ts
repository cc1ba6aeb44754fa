import * as tf from '@tensorflow/tfjs-core';
import { type Frame, frame, upscale, writeGif } from '@worldmodels/core/image';
import type { FlowCallOptions, FlowModel } from './models/flow-model.js';

/**
 * Latent interpolation (Glow §5, Fig. 5): encode two images, move linearly between all their
 * latents (split latents and top alike) in `steps` stops, decode each. Returns [steps, H, W, C]
 * 8-bit images (int32); the first and last are the two inputs as the model reconstructs them.
 */
export function interpolateLatents(model: FlowModel, a: tf.Tensor4D, b: tf.Tensor4D, steps: number, options: FlowCallOptions = {}): tf.Tensor4D {
  if (!Number.isInteger(steps) || steps < 2) throw new Error(`interpolation needs at least 2 steps, got ${steps}`);
  if (a.shape[0] !== 1 || b.shape[0] !== 1) throw new Error(`interpolate one image to one image: got batches of ${a.shape[0]} and ${b.shape[0]}`);
  return tf.tidy(() => {
    const za = model.encode(a, options);
    const zb = model.encode(b, options);
    const t = tf.reshape(tf.linspace(0, 1, steps), [steps, 1, 1, 1]); // [S, 1, 1, 1]
    const mixed = za.map((l, i) => tf.add(tf.mul(tf.sub(1, t), l), tf.mul(t, zb[i]!)) as tf.Tensor4D); // [S, h, w, c] each
    const cond = options.cond ? (tf.tile(options.cond, [steps, 1]) as tf.Tensor2D) : undefined;
    return model.decode(mixed, cond ? { cond } : {});
  });
}

/** 8-bit images [B, H, W, C] (int32 or float 0–255) as core image frames. */
export function toFrames(images: tf.Tensor4D): Frame[] {
  const [n, h, w, c] = images.shape;
  if (c !== 1 && c !== 3 && c !== 4) throw new Error(`frames need 1, 3 or 4 channels, got ${c}`);
  const values = images.dataSync();
  const size = h * w * c;
  const out: Frame[] = [];
  for (let i = 0; i < n; i++) {
    const bytes = new Uint8Array(size);
    for (let j = 0; j < size; j++) bytes[j] = Math.max(0, Math.min(255, Math.round(values[i * size + j]!)));
    out.push(frame(bytes, h, w, c));
  }
  return out;
}

/**
 * Writes the interpolation from `a` to `b` and back as an animated GIF (atomically), each frame
 * upscaled by `scale` so small images are visible.
 */
export async function writeInterpolationGif(
  path: string,
  model: FlowModel,
  a: tf.Tensor4D,
  b: tf.Tensor4D,
  options: FlowCallOptions & { steps?: number; fps?: number; scale?: number } = {},
): Promise<Frame[]> {
  const images = interpolateLatents(model, a, b, options.steps ?? 16, options.cond ? { cond: options.cond } : {});
  const frames = toFrames(images).map((f) => upscale(f, options.scale ?? 4));
  images.dispose();
  await writeGif(path, [...frames, ...frames.slice(1, -1).reverse()], { fps: options.fps ?? 12 });
  return frames;
}
