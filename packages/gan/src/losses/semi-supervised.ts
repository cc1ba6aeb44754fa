import * as tf from '@tensorflow/tfjs-core';

/**
 * The K+1 discriminator of semi-supervised GANs (Salimans et al. 2016, §5): the discriminator
 * outputs K class logits l_1..l_K and the logit of the "generated" class is fixed at 0, so with
 * Z(x) = Σ_k exp(l_k), D(x) = p(real | x) = Z(x) / (Z(x) + 1). Then
 * log D(x) = lse(l) − softplus(lse(l)) and log(1 − D(x)) = −softplus(lse(l)).
 */
export interface SemiSupervisedLosses {
  /** −E log p(y | x, y < K+1) on the labelled batch (cross-entropy over the K classes). */
  supervised: tf.Scalar;
  /** −E log D(x) − E log(1 − D(G(z))) with D from the K logits. */
  unsupervised: tf.Scalar;
  /** supervised + unsupervised (the paper weights them equally). */
  total: tf.Scalar;
}

/**
 * Discriminator losses of the K+1 classifier. `labelledLogits` [N, K] with integer `labels` [N];
 * `unlabelledLogits` [M, K] of real data; `fakeLogits` [M', K] of generated data.
 */
export function semiSupervisedDiscriminatorLoss(
  labelledLogits: tf.Tensor2D,
  labels: tf.Tensor1D,
  unlabelledLogits: tf.Tensor2D,
  fakeLogits: tf.Tensor2D,
): SemiSupervisedLosses {
  const k = labelledLogits.shape[1];
  if (unlabelledLogits.shape[1] !== k || fakeLogits.shape[1] !== k) throw new Error('semi-supervised loss: all logits need the same number of classes K');
  if (labels.shape[0] !== labelledLogits.shape[0]) throw new Error(`semi-supervised loss: ${labels.shape[0]} labels for ${labelledLogits.shape[0]} labelled samples`);
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(labelledLogits); // [N, K]
    const oneHot = tf.oneHot(tf.cast(labels, 'int32'), k); // [N, K]
    const supervised = tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logProbs), 1))) as tf.Scalar;
    const lseReal = tf.logSumExp(unlabelledLogits, 1); // [M]
    const lseFake = tf.logSumExp(fakeLogits, 1); // [M']
    const logDReal = tf.sub(lseReal, tf.softplus(lseReal));
    const log1mDFake = tf.neg(tf.softplus(lseFake));
    const unsupervised = tf.neg(tf.add(tf.mean(logDReal), tf.mean(log1mDFake))) as tf.Scalar;
    const total = tf.add(supervised, unsupervised) as tf.Scalar;
    return { supervised, unsupervised, total };
  });
}

/** p(real | x) = Z/(Z+1) from K class logits [N, K] → [N]. */
export function realProbability(logits: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sigmoid(tf.logSumExp(logits, 1)) as tf.Tensor1D);
}
