import * as tf from '@tensorflow/tfjs-core';

/** log √(2π). */
export const LOG_SQRT_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** A diagonal Gaussian mixture per z dimension: each [..., Z, K]. */
export type MixtureParams = {
  /** Log mixture weights, normalised over K (log-softmax). */
  logmix: tf.Tensor;
  mean: tf.Tensor;
  /** Log standard deviations. */
  logstd: tf.Tensor;
};

/**
 * Splits raw mixture outputs [..., Z·K·3] into per-dimension rows of 3K (reference rnn.py:
 * reshape to [-1, 3K], then logmix | mean | logstd) and normalises logmix with log-sum-exp.
 */
export function splitMixture(raw: tf.Tensor, zSize: number, mixtures: number): MixtureParams {
  return tf.tidy(() => {
    const lead = raw.shape.slice(0, -1);
    const rows = tf.reshape(raw, [...lead, zSize, 3 * mixtures]); // [..., Z, 3K]
    const begin = rows.shape.map(() => 0);
    const size = [...lead, zSize, mixtures];
    const part = (p: number) => tf.slice(rows, [...begin.slice(0, -1), p * mixtures], size); // [..., Z, K]
    const [logits, mean, logstd] = [part(0), part(1), part(2)];
    const logmix = tf.sub(logits!, tf.logSumExp(logits!, -1, true)); // [..., Z, K]
    return { logmix, mean: mean!, logstd: logstd! };
  });
}

/**
 * Negative log-likelihood of `target` [..., Z] under the mixture, per element [..., Z]
 * (Bishop 1994, eq. 29 with diagonal Gaussians):
 *   −log Σ_k exp(logmix_k − ½((y − mean_k)/σ_k)² − log σ_k − log √(2π))
 */
export function mixtureNegLogLikelihood(params: MixtureParams, target: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const y = tf.expandDims(target, -1); // [..., Z, 1]
    const scaled = tf.div(tf.sub(y, params.mean), tf.exp(params.logstd)); // [..., Z, K]
    const logN = tf.sub(tf.sub(tf.mul(-0.5, tf.square(scaled)), params.logstd), LOG_SQRT_TWO_PI); // [..., Z, K]
    return tf.neg(tf.logSumExp(tf.add(params.logmix, logN), -1)); // [..., Z]
  });
}

/**
 * Sigmoid cross-entropy with positives weighted by `positiveWeight` (Doom reference: factor
 * 1 + y·(w − 1) on each term), mean over elements.
 */
export function weightedSigmoidCrossEntropy(logits: tf.Tensor, labels: tf.Tensor, positiveWeight: number): tf.Scalar {
  return tf.tidy(() => {
    // max(x, 0) − x·y + log(1 + exp(−|x|)): the stable form of −y log σ(x) − (1 − y) log(1 − σ(x)).
    const ce = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, labels)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    const factor = tf.add(1, tf.mul(labels, positiveWeight - 1));
    return tf.mean(tf.mul(factor, ce)) as tf.Scalar;
  });
}
