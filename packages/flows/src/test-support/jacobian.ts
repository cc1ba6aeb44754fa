import * as tf from '@tensorflow/tfjs-core';
import type { FlowContext, FlowLayer } from '../layers/flow-layer.js';
import { logAbsDet, matrix } from '../linalg/lu.js';

/**
 * The layer's forward map as one flat vector: its output followed by any latents it factored
 * out (a split's ε), so that the map is square and its Jacobian determinant is defined.
 */
export function flatForward(layer: FlowLayer, x: tf.Tensor4D, cond?: tf.Tensor2D): tf.Tensor1D {
  const ctx: FlowContext = { latents: [], ...(cond && { cond }) };
  const { y } = layer.apply(x, tf.zeros([x.shape[0]]), false, ctx);
  return tf.concat([y, ...ctx.latents].map((t) => tf.reshape(t, [-1]))) as tf.Tensor1D;
}

/**
 * log|det J| of `f` at `x` by brute force: J built row by row with reverse-mode autodiff
 * (row i = e_iᵀ·J, the vector–Jacobian product with a one-hot), its log-determinant from an LU
 * decomposition in Float64.
 */
export function bruteForceLogAbsDet(f: (x: tf.Tensor4D) => tf.Tensor1D, x: tf.Tensor4D): number {
  const d = x.size;
  const jac = new Float64Array(d * d);
  const vjp = tf.grad((xx: tf.Tensor) => f(xx as tf.Tensor4D));
  for (let i = 0; i < d; i++) {
    const row = tf.tidy(() => {
      const onehot = tf.cast(tf.oneHot(tf.tensor1d([i], 'int32'), d).reshape([d]), 'float32') as tf.Tensor1D; // [D]
      return vjp(x, onehot).dataSync();
    });
    if (row.length !== d) throw new Error(`the map is not square: ${row.length} inputs, ${d} outputs`);
    for (let j = 0; j < d; j++) jac[i * d + j] = row[j]!;
  }
  return logAbsDet(matrix(d, jac));
}

/** Adds N(0, std²) noise to every trainable variable, so identity-initialised layers are tested in a generic state. */
export function perturb(vars: tf.Variable[], std: number, seed: number): void {
  vars.forEach((v, i) => {
    if (!v.trainable) return;
    tf.tidy(() => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, std, 'float32', seed + i))));
  });
}
