import * as tf from '@tensorflow/tfjs-core';
import { IMAGE_CHANNELS, IMAGE_SIZE } from './architecture.js';

const FRAME_SIZE = IMAGE_SIZE * IMAGE_SIZE * IMAGE_CHANNELS;

/** uint8 frames [N, 64, 64, 3] (flat, HWC) → float32 tensor [N, 64, 64, 3] in [0, 1]. */
export function framesToTensor(frames: Uint8Array, count = frames.length / FRAME_SIZE): tf.Tensor4D {
  if (!Number.isInteger(count) || count <= 0 || frames.length < count * FRAME_SIZE) {
    throw new Error(`expected uint8 frames of ${IMAGE_SIZE}×${IMAGE_SIZE}×${IMAGE_CHANNELS} (${FRAME_SIZE} bytes each), got ${frames.length} bytes for ${count} frames`);
  }
  const values = new Float32Array(count * FRAME_SIZE);
  for (let i = 0; i < values.length; i++) values[i] = frames[i]! / 255;
  return tf.tensor4d(values, [count, IMAGE_SIZE, IMAGE_SIZE, IMAGE_CHANNELS]);
}

/** Checks a data set's frame shape is the ConvVAE's input, naming the problem otherwise. */
export function checkFrameShape(shape: readonly number[] | undefined, where: string): void {
  if (!shape || shape.join(',') !== `${IMAGE_SIZE},${IMAGE_SIZE},${IMAGE_CHANNELS}`) {
    throw new Error(`${where} holds frames of shape [${shape?.join(', ') ?? 'none'}]; the ConvVAE needs [${IMAGE_SIZE}, ${IMAGE_SIZE}, ${IMAGE_CHANNELS}] (collect with a 64×64 resize wrapper)`);
  }
}
