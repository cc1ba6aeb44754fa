import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import type { PixelModel } from '../pixel-model.js';

/**
 * |∂ (r · out[b=0, pixel, channel]) / ∂ x| for every input sub-pixel, by reverse-mode autodiff:
 * which input sub-pixels the output of sub-pixel (pixel, channel) depends on. `r` is a random
 * projection of that sub-pixel's outputs (its 256 logits, or its mixture parameters when
 * `channel` is null), so no dependence can cancel by chance. Returns [H·W·C] magnitudes.
 */
export function outputDependence(model: PixelModel, x: tf.Tensor4D, pixel: number, channel: number | null, seed = 1, cond?: tf.Tensor2D | tf.Tensor4D): Float32Array {
  const w = model.imageShape[1];
  const i = Math.floor(pixel / w);
  const j = pixel % w;
  return tf.tidy(() => {
    const f = (xx: tf.Tensor) => {
      const out = model.forward(xx, cond); // [1, H, W, C, 256] or [1, H, W, P]
      const picked = channel === null ? tf.slice(out, [0, i, j, 0], [1, 1, 1, out.shape[3]!]) : tf.slice(out, [0, i, j, channel, 0], [1, 1, 1, 1, out.shape[4]!]);
      const r = new Rng(seed).derive('projection');
      const proj = Float32Array.from({ length: picked.size }, () => r.normal(0, 1));
      return tf.sum(tf.mul(tf.reshape(picked, [-1]), tf.tensor1d(proj)));
    };
    const g = tf.grad(f)(x);
    return tf.abs(g).dataSync() as Float32Array;
  });
}

/** Random 8-bit images as a float32 tensor (so gradients with respect to them exist). */
export function randomImages(shape: [number, number, number, number], seed: number): tf.Tensor4D {
  const r = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor4d(Float32Array.from({ length: n }, () => r.int(256)), shape, 'float32');
}

/**
 * Moves every ReLU of a Gated PixelCNN's output head into its linear region (large positive
 * biases on the skip outputs — or the last horizontal output without skips — and the head's
 * hidden layer), so a dependence that exists in the network's wiring shows up as a non-zero
 * gradient instead of vanishing behind an inactive ReLU. The gated layers themselves (tanh, σ)
 * are left as they are.
 */
export function activateHeadRelus(model: { getWeights(): Record<string, tf.Variable>; config: { layers: number; skipChannels: number } }): void {
  const weights = model.getWeights();
  const last = model.config.layers - 1;
  for (const [name, v] of Object.entries(weights)) {
    const isSkipBias = name.endsWith('/skip_bias');
    const isLastOut = model.config.skipChannels === 0 && name === `gated${last}/h_out_bias`;
    if (isSkipBias || isLastOut) v.assign(tf.fill(v.shape, 20));
    if (name === 'head/hidden_bias') v.assign(tf.fill(v.shape, 1e4));
  }
}
