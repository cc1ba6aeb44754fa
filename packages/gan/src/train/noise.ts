import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@worldmodels/core/rng';

/** DCGAN noise: U(−1, 1) as in the paper (or N(0, 1)), [B, zDim], drawn from a seeded stream. */
export function sampleNoise(rng: Rng, batch: number, zDim: number, distribution: 'uniform' | 'normal' = 'uniform'): tf.Tensor2D {
  const values = new Float32Array(batch * zDim);
  if (distribution === 'uniform') for (let i = 0; i < values.length; i++) values[i] = rng.uniform(-1, 1);
  else rng.fillNormal(values);
  return tf.tensor2d(values, [batch, zDim]);
}
