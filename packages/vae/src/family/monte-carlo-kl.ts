import * as tf from '@tensorflow/tfjs-core';
import type { VAELossTerms } from '../loss.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** log N(z; μ, diag(exp(logvar))) summed over the latent axis: [B, D] → [B]. */
export function diagonalGaussianLogDensity(z: tf.Tensor2D, mu: tf.Tensor2D, logvar: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const eps2 = tf.div(tf.square(tf.sub(z, mu)), tf.exp(logvar)); // [B, D]
    return tf.mul(-0.5, tf.sum(tf.add(tf.add(eps2, logvar), LOG_2PI), 1)) as tf.Tensor1D; // [B]
  });
}

/** log N(z; 0, I) summed over the latent axis: [B, D] → [B]. */
export function standardNormalLogDensity(z: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.mul(-0.5, tf.sum(tf.add(tf.square(z), LOG_2PI), 1)) as tf.Tensor1D);
}

/**
 * The VAE objective with the KL estimated from one posterior sample, as needed when q(z|x) has no
 * closed-form KL (an IAF posterior; Kingma et al. 2016, eq. 3 with L = 1):
 *   r    = mean_b Σ_{h,w,c} (x − y)²
 *   k_b  = log q(z_b | x_b) − log p(z_b),  p = N(0, I)
 *   kl   = mean_b max(k_b, klTolerance · D)          (free bits per image, as the plain loss)
 *   loss = r + β · kl
 */
export function monteCarloLossTerms(
  x: tf.Tensor4D, // [B, H, W, C]
  y: tf.Tensor4D, // [B, H, W, C]
  z: tf.Tensor2D, // [B, D] the posterior sample
  logq: tf.Tensor1D, // [B] log q(z|x) at that sample
  options: { klTolerance: number; beta: number },
): VAELossTerms {
  return tf.tidy(() => {
    const reconstruction = tf.mean(tf.sum(tf.squaredDifference(x, y), [1, 2, 3])) as tf.Scalar;
    const klPerImage = tf.sub(logq, standardNormalLogDensity(z)); // [B]
    const kl = tf.mean(tf.maximum(klPerImage, options.klTolerance * z.shape[1])) as tf.Scalar;
    const rawKl = tf.mean(klPerImage) as tf.Scalar;
    const loss = tf.add(reconstruction, tf.mul(options.beta, kl)) as tf.Scalar;
    return { loss, reconstruction, kl, rawKl };
  });
}
