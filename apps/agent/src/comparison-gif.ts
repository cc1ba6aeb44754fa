import * as tf from '@tensorflow/tfjs-core';
import { floatToBytes, frame, hstack, upscale, writeGif, type Frame } from '@worldmodels/core/image';
import type { ActionAdapter, MemoryModel, VisionModel } from '@worldmodels/world-model';
import { predictedLatents } from './predicted-latents.js';
import type { RecordedStep } from './recording-agent.js';

const SIZE = 64;
const PIXELS = SIZE * SIZE * 3;
/** Shown in the prediction panel of the first frame, which nothing predicts. */
const NO_PREDICTION_GRAY = 48;

/** Decodes latent rows ([Z] each) to 64×64 frames with V, 32 at a time. */
export function decodeLatents(vae: VisionModel, zs: Float32Array[]): Frame[] {
  const Z = vae.config.zSize;
  const frames: Frame[] = [];
  for (let i = 0; i < zs.length; i += 32) {
    const chunk = zs.slice(i, i + 32);
    const flat = new Float32Array(chunk.length * Z);
    chunk.forEach((z, j) => flat.set(z, j * Z));
    const pixels = tf.tidy(() => vae.decode(tf.tensor2d(flat, [chunk.length, Z])).dataSync() as Float32Array); // [n, 64, 64, 3]
    for (let j = 0; j < chunk.length; j++) frames.push(frame(floatToBytes(pixels.subarray(j * PIXELS, (j + 1) * PIXELS)), SIZE, SIZE, 3));
  }
  return frames;
}

/** V's posterior means μ (one [Z] row per frame) of uint8 64×64×3 frames. */
export function encodeMeans(vae: VisionModel, frames: Uint8Array[]): Float32Array[] {
  return frames.map((f) => tf.tidy(() => vae.encode(tf.div(tf.tensor4d(f, [1, SIZE, SIZE, 3], 'float32'), 255)).mu.dataSync() as Float32Array)); // [1, Z]
}

/**
 * The three panels of each recorded step, side by side: the real frame the agent saw, V's
 * reconstruction decode(μ) of it, and M's prediction of it made one step earlier, decoded by V.
 */
export function comparisonFrames(steps: RecordedStep[], o: { vae: VisionModel; mdnrnn: MemoryModel; actions: ActionAdapter; scale?: number }): Frame[] {
  const reconstructions = decodeLatents(o.vae, encodeMeans(o.vae, steps.map((s) => s.frame)));
  const predictions = predictedLatents(o.mdnrnn, o.actions, steps.map((s) => s.z), steps.map((s) => s.output));
  const predicted = decodeLatents(o.vae, predictions.filter((z): z is Float32Array => z !== null));
  const blank = frame(new Uint8Array(PIXELS).fill(NO_PREDICTION_GRAY), SIZE, SIZE, 3);
  return steps.map((s, t) => upscale(hstack([frame(s.frame, SIZE, SIZE, 3), reconstructions[t]!, t === 0 ? blank : predicted[t - 1]!]), o.scale ?? 2));
}

/** Writes the comparison GIF (real | V's reconstruction | M's prediction) atomically; returns the frame count. */
export async function writeComparisonGif(path: string, steps: RecordedStep[], o: { vae: VisionModel; mdnrnn: MemoryModel; actions: ActionAdapter; fps?: number }): Promise<number> {
  if (steps.length === 0) throw new Error('the GIF episode recorded no frames');
  const frames = comparisonFrames(steps, o);
  await writeGif(path, frames, { fps: o.fps ?? 25 });
  return frames.length;
}
