import * as tf from '@tensorflow/tfjs-core';

/** Checks that x is a batch of images [B, H, W, C] of the model's shape, naming the problem. */
export function checkImages(x: tf.Tensor, imageShape: readonly [number, number, number], where: string): asserts x is tf.Tensor4D {
  if (x.rank !== 4 || x.shape[1] !== imageShape[0] || x.shape[2] !== imageShape[1] || x.shape[3] !== imageShape[2]) {
    throw new Error(`${where} needs images of shape [B, ${imageShape.join(', ')}] with values 0..255, got [${x.shape.join(', ')}]`);
  }
}

/**
 * Checks a conditioning tensor: a vector per image [B, D] (added the same at every position) or a
 * map [B, H, W, D] of the image's height and width (location-dependent conditioning).
 */
export function checkCondition(cond: tf.Tensor | undefined, batch: number, size: number, where: string, imageShape?: readonly [number, number, number]): tf.Tensor2D | tf.Tensor4D | undefined {
  if (size === 0) {
    if (cond) throw new Error(`${where}: the model is unconditional (conditionSize 0) but a conditioning tensor was passed`);
    return undefined;
  }
  const map = imageShape ? ` or a map [${batch}, ${imageShape[0]}, ${imageShape[1]}, ${size}]` : '';
  if (!cond) throw new Error(`${where}: the model is conditional; pass a conditioning tensor [B, ${size}]${map}`);
  const vector = cond.rank === 2 && cond.shape[0] === batch && cond.shape[1] === size;
  const spatial = imageShape !== undefined && cond.rank === 4 && cond.shape[0] === batch && cond.shape[1] === imageShape[0] && cond.shape[2] === imageShape[1] && cond.shape[3] === size;
  if (!vector && !spatial) throw new Error(`${where}: conditioning tensor must be [${batch}, ${size}]${map}, got [${cond.shape.join(', ')}]`);
  return cond as tf.Tensor2D | tf.Tensor4D;
}

/** 8-bit values 0..255 → the network's input scale [−1, 1] (float32). */
export function scaleInput(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.sub(tf.div(tf.cast(x, 'float32'), 127.5), 1) as tf.Tensor4D);
}

/** 8-bit bytes → float32 in [−1, 1] (for sampler windows built in JS). */
export function scaleByte(v: number): number {
  return v / 127.5 - 1;
}
