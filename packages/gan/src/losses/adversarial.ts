import * as tf from '@tensorflow/tfjs-core';

/**
 * Binary cross-entropy on logits, averaged: t·softplus(−l) + (1 − t)·softplus(l), which is
 * −t·log σ(l) − (1 − t)·log(1 − σ(l)) computed without overflow.
 */
export function bceWithLogits(logits: tf.Tensor, target: number): tf.Scalar {
  return tf.tidy(() => {
    const pos = tf.softplus(tf.neg(logits));
    const neg = tf.softplus(logits);
    return tf.mean(tf.add(tf.mul(pos, target), tf.mul(neg, 1 - target))) as tf.Scalar;
  });
}

export interface DiscriminatorLossOptions {
  /**
   * Target for real samples: 1, or less for one-sided label smoothing (Salimans et al. 2016,
   * §3.4: real targets α = 0.9, fake targets stay 0).
   */
  realTarget?: number;
}

/**
 * The discriminator's side of the minimax game (Goodfellow et al. 2014, eq. 1):
 * −E log D(x) − E log(1 − D(G(z))), each term a mean over its batch.
 */
export function discriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor, options: DiscriminatorLossOptions = {}): tf.Scalar {
  const realTarget = options.realTarget ?? 1;
  if (!(realTarget > 0 && realTarget <= 1)) throw new Error(`realTarget (one-sided label smoothing) must be in (0, 1], got ${realTarget}`);
  return tf.tidy(() => tf.add(bceWithLogits(realLogits, realTarget), bceWithLogits(fakeLogits, 0)) as tf.Scalar);
}

/** The non-saturating generator loss −E log D(G(z)) (Goodfellow et al. 2014, §3). */
export function generatorLoss(fakeLogits: tf.Tensor): tf.Scalar {
  return bceWithLogits(fakeLogits, 1);
}

/**
 * Least-squares GAN discriminator loss (Mao et al. 2017, eq. 9 with a = 0, b = c = 1), as
 * CycleGAN uses it: ½·[E (D(x) − 1)² + E D(G(z))²].
 */
export function lsganDiscriminatorLoss(realOut: tf.Tensor, fakeOut: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mul(0.5, tf.add(tf.mean(tf.square(tf.sub(realOut, 1))), tf.mean(tf.square(fakeOut)))) as tf.Scalar);
}

/** Least-squares GAN generator loss: E (D(G(z)) − 1)². */
export function lsganGeneratorLoss(fakeOut: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(fakeOut, 1))) as tf.Scalar);
}

/** Mean absolute difference (pix2pix's L1 term, CycleGAN's cycle and identity terms). */
export function l1Loss(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.abs(tf.sub(a, b))) as tf.Scalar);
}
