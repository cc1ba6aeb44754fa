import * as tf from '@tensorflow/tfjs-core';

/**
 * Feature matching (Salimans et al. 2016, §3.1): the generator minimises
 * ‖E_x f(x) − E_z f(G(z))‖²₂ over an intermediate layer f of the discriminator, with the
 * expectations taken as batch means. Only the generator's
 * parameters are updated with it, and real features do not depend on them.
 */
export function featureMatchingLoss(realFeatures: tf.Tensor2D, fakeFeatures: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const real = tf.mean(realFeatures, 0); // [F]
    const fake = tf.mean(fakeFeatures, 0); // [F]
    return tf.sum(tf.square(tf.sub(real, fake))) as tf.Scalar;
  });
}
