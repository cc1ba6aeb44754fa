import * as tf from '@tensorflow/tfjs-core';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * −log p(z | M's mixture), summed over the z dimensions: for each dimension d,
 * −logsumexp_k(log π_dk + log N(z_d; μ_dk, σ_dk²)) (the MDN loss of the paper, per sample).
 * z [B, Z]; logmix, mean, logstd [B, Z, K] → [B]. The curiosity reward is this surprise.
 */
export function mixtureNegLogLikelihood(z: tf.Tensor2D, logmix: tf.Tensor3D, mean: tf.Tensor3D, logstd: tf.Tensor3D): tf.Tensor1D {
  return tf.tidy(() => {
    const y = tf.expandDims(z, 2); // [B, Z, 1]
    const standardized = tf.div(tf.sub(y, mean), tf.exp(logstd)); // [B, Z, K]
    const logNormal = tf.sub(tf.sub(tf.mul(tf.square(standardized), -0.5), logstd), LOG_SQRT_2PI); // [B, Z, K]
    const perDim = tf.logSumExp(tf.add(logmix, logNormal), 2); // [B, Z]
    return tf.neg(tf.sum(perDim, 1)) as tf.Tensor1D; // [B]
  });
}
