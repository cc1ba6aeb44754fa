import * as tf from '@tensorflow/tfjs-core';

/** Values a sub-pixel takes: 8-bit images. */
export const LEVELS = 256;

/**
 * Negative log-likelihood in nats of 8-bit images under a 256-way softmax per sub-pixel
 * (van den Oord et al. 2016, sec. 5.1): logits [B, H, W, C, 256], x [B, H, W, C] (values 0..255)
 * → [B] (summed over the image).
 */
export function categoricalNll(logits: tf.Tensor, x: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const b = x.shape[0]!;
    const flat = tf.reshape(logits, [-1, LEVELS]); // [B·H·W·C, 256]
    const targets = tf.oneHot(tf.reshape(tf.cast(x, 'int32'), [-1]) as tf.Tensor1D, LEVELS); // [B·H·W·C, 256]
    const logp = tf.sum(tf.mul(tf.logSoftmax(flat), targets), 1); // [B·H·W·C]
    return tf.neg(tf.sum(tf.reshape(logp, [b, -1]), 1)) as tf.Tensor1D; // [B]
  });
}

/**
 * Draws from softmax(logits / temperature) with the uniform `u` ∈ [0, 1) by inverting the CDF;
 * temperature 0 is the arg-max (greedy decoding). `logits` is read from `offset` for `n` entries.
 */
export function sampleCategorical(logits: ArrayLike<number>, offset: number, n: number, temperature: number, u: number): number {
  let best = 0;
  let max = -Infinity;
  for (let k = 0; k < n; k++) {
    const l = logits[offset + k]!;
    if (l > max) {
      max = l;
      best = k;
    }
  }
  if (temperature === 0) return best;
  let total = 0;
  const p = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    p[k] = Math.exp((logits[offset + k]! - max) / temperature);
    total += p[k]!;
  }
  let target = u * total;
  for (let k = 0; k < n; k++) {
    target -= p[k]!;
    if (target < 0) return k;
  }
  return best;
}
