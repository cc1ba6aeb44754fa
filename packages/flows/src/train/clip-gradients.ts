import * as tf from '@tensorflow/tfjs-core';

/** Global L2 norm of a list of gradients, ‖(g₁, …, g_n)‖₂ (a scalar tensor). */
export function globalNorm(grads: tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar);
}

/**
 * Clipping by global norm (Pascanu et al. 2013): scales every gradient by min(1, clip / ‖g‖)
 * when the global norm exceeds `clip`. Returns new tensors (the caller disposes them).
 */
export function clipByGlobalNorm(grads: tf.Tensor[], clip: number, norm: number): tf.Tensor[] {
  if (!(clip > 0)) throw new Error(`clip norm must be > 0, got ${clip}`);
  const factor = norm > clip ? clip / norm : 1;
  return grads.map((g) => (factor === 1 ? tf.clone(g) : tf.mul(g, factor)));
}
