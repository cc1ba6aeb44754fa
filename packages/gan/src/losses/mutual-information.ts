import * as tf from '@tensorflow/tfjs-core';

/**
 * InfoGAN's variational lower bound on the mutual information between codes and samples (Chen et
 * al. 2016, eq. 4): L_I(G, Q) = E_{c∼P(c), x∼G(z,c)} [log Q(c | x)] + H(c) ≤ I(c; G(z, c)).
 * Categorical codes use Q's softmax; continuous codes a factored Gaussian with unit variance
 * (as the reference MNIST experiments did), so −log Q = ½ log 2π + ½ (c − μ)².
 */
export interface MutualInformationTerms {
  /** E[−log Q(c_cat | x)], summed over categorical codes. */
  categoricalNll: tf.Scalar;
  /** E[−log Q(c_cont | x)], summed over continuous codes. */
  continuousNll: tf.Scalar;
  /** The lower bound L_I = H(c) − categoricalNll − continuousNll (nats). */
  lowerBound: tf.Scalar;
}

export interface CodeSpec {
  /** Sizes of the categorical codes (InfoGAN on MNIST: [10]). */
  categorical: number[];
  /** Number of continuous codes, each U(−1, 1). */
  continuous: number;
}

/** H(c) of the code prior: Σ log K for uniform categoricals, plus log 2 per U(−1, 1) code. */
export function codeEntropy(spec: CodeSpec): number {
  return spec.categorical.reduce((h, k) => h + Math.log(k), 0) + spec.continuous * Math.log(2);
}

/** Width of Q's output: Σ K for the categoricals plus one mean per continuous code. */
export function qOutputDim(spec: CodeSpec): number {
  return spec.categorical.reduce((a, b) => a + b, 0) + spec.continuous;
}

/**
 * The MI terms for Q's output `qOut` [B, ΣK + C] given the codes the generator was fed:
 * `categoricalCodes` [B, n_cat] (integer classes) and `continuousCodes` [B, C].
 */
export function mutualInformationTerms(
  qOut: tf.Tensor2D,
  categoricalCodes: tf.Tensor2D,
  continuousCodes: tf.Tensor2D | null,
  spec: CodeSpec,
): MutualInformationTerms {
  if (qOut.shape[1] !== qOutputDim(spec)) throw new Error(`InfoGAN Q output has width ${qOut.shape[1]}, the codes need ${qOutputDim(spec)}`);
  return tf.tidy(() => {
    let categoricalNll: tf.Tensor = tf.scalar(0);
    let offset = 0;
    spec.categorical.forEach((k, j) => {
      const logits = tf.slice(qOut, [0, offset], [-1, k]); // [B, K]
      const codes = tf.cast(tf.reshape(tf.slice(categoricalCodes, [0, j], [-1, 1]), [-1]), 'int32'); // [B]
      const logp = tf.sum(tf.mul(tf.oneHot(codes, k), tf.logSoftmax(logits)), 1); // [B]
      categoricalNll = tf.sub(categoricalNll, tf.mean(logp));
      offset += k;
    });
    let continuousNll: tf.Tensor = tf.scalar(0);
    if (spec.continuous > 0) {
      if (!continuousCodes) throw new Error('InfoGAN: continuous codes are required by the spec');
      const mu = tf.slice(qOut, [0, offset], [-1, spec.continuous]); // [B, C]
      const nll = tf.add(0.5 * Math.log(2 * Math.PI), tf.mul(0.5, tf.square(tf.sub(continuousCodes, mu)))); // [B, C]
      continuousNll = tf.mean(tf.sum(nll, 1));
    }
    const lowerBound = tf.sub(tf.scalar(codeEntropy(spec)), tf.add(categoricalNll, continuousNll));
    return { categoricalNll: categoricalNll as tf.Scalar, continuousNll: continuousNll as tf.Scalar, lowerBound: lowerBound as tf.Scalar };
  });
}
