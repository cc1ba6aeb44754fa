import * as tf from '@tensorflow/tfjs-core';

/** Scalars of one batch's VAE objective. */
export type VAELossTerms = {
  /** reconstruction + β · floored KL: what is minimised. */
  loss: tf.Scalar;
  /** Batch mean of the per-image sum of squared errors. */
  reconstruction: tf.Scalar;
  /** Batch mean of the per-image KL after the free-bits floor. */
  kl: tf.Scalar;
  /** Batch mean of the per-image KL before the floor (for monitoring). */
  rawKl: tf.Scalar;
};

/**
 * The reference ConvVAE objective (vae.py; Kingma & Welling 2014, eq. 10 with the Gaussian KL
 * of appendix B):
 *   r  = mean_b Σ_{h,w,c} (x − y)²
 *   kl = mean_b max(−½ Σ_j (1 + logvar_j − mu_j² − exp(logvar_j)), klTolerance · z)
 *   loss = r + β · kl
 * The floor is per image ("free bits", Kingma et al. 2016): below it the KL has no gradient.
 */
export function vaeLossTerms(
  x: tf.Tensor4D, // [B, 64, 64, 3]
  y: tf.Tensor4D, // [B, 64, 64, 3]
  mu: tf.Tensor2D, // [B, z]
  logvar: tf.Tensor2D, // [B, z]
  options: { klTolerance: number; beta: number },
): VAELossTerms {
  return tf.tidy(() => {
    const zSize = mu.shape[1];
    const reconstruction = tf.mean(tf.sum(tf.squaredDifference(x, y), [1, 2, 3])) as tf.Scalar; // per image sum → batch mean
    const klPerImage = tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logvar), tf.square(mu)), tf.exp(logvar)), 1)); // [B]
    const floored = tf.maximum(klPerImage, options.klTolerance * zSize); // [B]
    const kl = tf.mean(floored) as tf.Scalar;
    const rawKl = tf.mean(klPerImage) as tf.Scalar;
    const loss = tf.add(reconstruction, tf.mul(options.beta, kl)) as tf.Scalar;
    return { loss, reconstruction, kl, rawKl };
  });
}
