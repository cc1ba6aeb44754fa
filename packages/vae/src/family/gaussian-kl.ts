import * as tf from '@tensorflow/tfjs-core';

/**
 * KL(q ‖ p) between two diagonal Gaussians, summed over the latent axis (Kingma & Welling 2014,
 * appendix B, with a learned prior as in Sohn et al. 2015's conditional VAE):
 *   KL = ½ Σ_j (logvar_p − logvar_q + (exp(logvar_q) + (μ_q − μ_p)²) / exp(logvar_p) − 1)
 * All inputs [B, D]; returns [B].
 */
export function diagonalGaussianKl(muQ: tf.Tensor2D, logvarQ: tf.Tensor2D, muP: tf.Tensor2D, logvarP: tf.Tensor2D): tf.Tensor1D {
  if (![logvarQ, muP, logvarP].every((t) => t.shape.join(',') === muQ.shape.join(','))) {
    throw new Error(`diagonalGaussianKl needs four tensors of one shape [B, D], got [${muQ.shape}], [${logvarQ.shape}], [${muP.shape}], [${logvarP.shape}]`);
  }
  return tf.tidy(() => {
    const ratio = tf.div(tf.add(tf.exp(logvarQ), tf.square(tf.sub(muQ, muP))), tf.exp(logvarP)); // [B, D]
    return tf.mul(0.5, tf.sum(tf.sub(tf.add(tf.sub(logvarP, logvarQ), ratio), 1), 1)) as tf.Tensor1D; // [B]
  });
}
