import * as tf from '@tensorflow/tfjs-core';

const LOG_2PI = Math.log(2 * Math.PI);

/** Σ log N(ε; 0, 1) over every axis but the first: [B, ...] → [B]. */
export function standardNormalLogProb(eps: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const axes = eps.shape.map((_, i) => i).slice(1);
    return tf.mul(-0.5, tf.sum(tf.add(tf.square(eps), LOG_2PI), axes)) as tf.Tensor1D;
  });
}

/** Number of discrete values per sub-pixel for n-bit inputs. */
export function binsFor(nBits: number): number {
  if (!Number.isInteger(nBits) || nBits < 1 || nBits > 8) throw new Error(`nBits must be an integer from 1 to 8, got ${nBits}`);
  return 2 ** nBits;
}

/**
 * 8-bit images ([B, H, W, C], values 0–255) to the flow's input space (as openai/glow's
 * preprocess): reduce to n bits, x = k/n_bins − ½, then add uniform noise U(0, 1/n_bins)
 * (dequantisation) when a seed is given, or the bin centre 1/(2·n_bins) when it is not.
 */
export function preprocessImages(images: tf.Tensor4D, nBits: number, noiseSeed?: number): tf.Tensor4D {
  const bins = binsFor(nBits);
  return tf.tidy(() => {
    let k: tf.Tensor4D = tf.cast(images, 'float32'); // [B, H, W, C] in 0..255
    if (nBits < 8) k = tf.floor(tf.div(k, 2 ** (8 - nBits))) as tf.Tensor4D;
    const x = tf.sub(tf.div(k, bins), 0.5); // [B, H, W, C] in [−½, ½)
    const noise = noiseSeed === undefined ? tf.scalar(0.5 / bins) : tf.randomUniform(images.shape, 0, 1 / bins, 'float32', noiseSeed);
    return tf.add(x, noise) as tf.Tensor4D;
  });
}

/** The flow's continuous output back to 8-bit values (int32 0–255): the bin x falls in, scaled to 8 bits. */
export function postprocessImages(x: tf.Tensor4D, nBits: number): tf.Tensor4D {
  const bins = binsFor(nBits);
  return tf.tidy(() => {
    const k = tf.clipByValue(tf.floor(tf.mul(tf.add(x, 0.5), bins)), 0, bins - 1); // [B, H, W, C]
    return tf.cast(tf.mul(k, 256 / bins), 'int32') as tf.Tensor4D;
  });
}

/**
 * Bits per dimension of discrete n-bit data from the continuous log-density of the dequantised
 * input: −(log p(x̃) − D·log n_bins) / (D·ln 2), per sample (Theis et al. 2016; Glow's objective).
 */
export function bitsPerDimFromLogProb(logProb: tf.Tensor1D, dims: number, nBits: number): tf.Tensor1D {
  const bins = binsFor(nBits);
  return tf.tidy(() => tf.div(tf.neg(tf.sub(logProb, dims * Math.log(bins))), dims * Math.LN2) as tf.Tensor1D);
}
