import * as tf from '@tensorflow/tfjs-core';
import { type ParamStore, WEIGHT_INIT } from './params.js';

/**
 * Minibatch discrimination (Salimans et al. 2016, §3.2). The features f(x_i) ∈ R^A are multiplied
 * by a tensor T ∈ R^{A×B×C} giving M_i ∈ R^{B×C}; c_b(x_i, x_j) = exp(−‖M_{i,b} − M_{j,b}‖_L1)
 * and o(x_i)_b = Σ_j c_b(x_i, x_j). The output is [f(x_i), o(x_i)] ∈ R^{A+B}: the discriminator
 * sees how close each sample is to the rest of its batch, which penalises a collapsed generator.
 */
export class MinibatchDiscrimination {
  readonly weight: tf.Variable;

  constructor(
    store: ParamStore,
    name: string,
    readonly inFeatures: number,
    /** B: number of kernels. */
    readonly kernels: number,
    /** C: dimension of each kernel's projection. */
    readonly kernelDim: number,
  ) {
    this.weight = store.add(`${name}/T`, [inFeatures, kernels * kernelDim], WEIGHT_INIT);
  }

  get outFeatures(): number {
    return this.inFeatures + this.kernels;
  }

  apply(f: tf.Tensor2D): tf.Tensor2D {
    return minibatchFeatures(f, this.weight as tf.Tensor2D, this.kernels, this.kernelDim);
  }
}

/** o(x) of {@link MinibatchDiscrimination} for features f [N, A] and T [A, B·C]: returns [N, A + B]. */
export function minibatchFeatures(f: tf.Tensor2D, t: tf.Tensor2D, kernels: number, kernelDim: number): tf.Tensor2D {
  return tf.tidy(() => {
    const n = f.shape[0];
    const m = tf.reshape(tf.matMul(f, t), [n, kernels, kernelDim]); // [N, B, C]
    const diff = tf.sub(tf.expandDims(m, 1), tf.expandDims(m, 0)); // [N, N, B, C]
    const l1 = tf.sum(tf.abs(diff), 3); // [N, N, B]
    const o = tf.sum(tf.exp(tf.neg(l1)), 1); // [N, B]
    return tf.concat([f, o], 1) as tf.Tensor2D;
  });
}
