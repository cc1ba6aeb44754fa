import * as tf from '@tensorflow/tfjs-core';
import { lstmSequence } from '@worldmodels/core';

/**
 * The MDN-RNN of peer_torch.py (Ha & Schmidhuber 2018, appendix A.2) in tfjs-core ops:
 * LSTM(35 → 256) as one `lstmSequence` op (core; one fused kernel call each way on the native
 * backend), then a linear head 256 → 480 = 32 outputs × 5 mixtures × (log-weight, mean, log-std).
 * 422,368 parameters (one LSTM bias; PyTorch keeps two that add).
 *
 * The LSTM keeps the MDN-RNN's layout — one [35 + 256, 1024] kernel over [x, h] with gate
 * columns i, j, f, o — and forget bias 0, which is PyTorch's cell exactly. The head's [256, 480]
 * weight is kept as one [256, 160] column block per parameter kind: the same matrix as PyTorch's,
 * in an order that needs no slices (whose gradients are padded copies).
 */
export interface MdnRnnParams {
  [name: string]: tf.Variable;
}

export const HIDDEN = 256;
export const INPUT = 35;
export const Z = 32;
export const MIX = 5;
const HEADS = ['logmix', 'mean', 'logstd'] as const;

function init(shape: number[], fanIn: number, seed: number): tf.Variable {
  const bound = 1 / Math.sqrt(fanIn);
  return tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', seed));
}

export function createMdnRnn(seed = 1): MdnRnnParams {
  const p: MdnRnnParams = {
    kernel: init([INPUT + HIDDEN, 4 * HIDDEN], HIDDEN, seed), // [W_ih; W_hh], gate columns i, j, f, o
    bias: init([4 * HIDDEN], HIDDEN, seed + 2),
  };
  HEADS.forEach((h, i) => {
    p[`wOut.${h}`] = init([HIDDEN, Z * MIX], HIDDEN, seed + 30 + i); // column block of the head's weight
    p[`bOut.${h}`] = init([Z * MIX], HIDDEN, seed + 40 + i);
  });
  return p;
}

const w = (p: MdnRnnParams, name: string) => p[name] as tf.Tensor2D;

/** LSTM over a batch-major sequence from a zero state: x [B, T, 35] → hidden states [B, T, 256]. */
export function lstm(p: MdnRnnParams, x: tf.Tensor3D): tf.Tensor3D {
  const [b] = x.shape;
  const zero = tf.zeros([b, HIDDEN]) as tf.Tensor2D;
  return lstmSequence(x, w(p, 'kernel'), p.bias as tf.Tensor1D, zero, zero, { forgetBias: 0 }).hs;
}

/** log √(2π): the Gaussian's normalising constant, subtracted once from the mean (it shifts log-sum-exp by itself). */
const LOG_SQRT_2PI = 0.9189385;

/**
 * Mixture-density negative log-likelihood of peer_torch.py (Bishop 1994):
 * −mean log Σ_k π_k N(target | μ_k, σ_k), computed with log-softmax and log-sum-exp.
 * x [B, T, 35], target [B, T, 32].
 */
export function mdnLoss(p: MdnRnnParams, x: tf.Tensor3D, target: tf.Tensor3D): tf.Scalar {
  const [b, t] = x.shape;
  const n = t * b;
  const hs = tf.reshape(lstm(p, x), [n, HIDDEN]); // [B·T, 256]
  const head = (k: string) =>
    tf.reshape(tf.fused.matMul({ a: hs, b: w(p, `wOut.${k}`), bias: p[`bOut.${k}`] }), [n, Z, MIX]); // [N, 32, 5]
  const logmix = tf.logSoftmax(head('logmix')); // [N, 32, 5]
  const mean = head('mean'); // [N, 32, 5]
  const logstd = head('logstd'); // [N, 32, 5]
  const tgt = tf.reshape(target, [n, Z, 1]); // [N, 32, 1]
  // ½ z² = ½ (target − μ)² / σ² = (target − μ)² · exp(−2 log σ − log 2)
  const halfZ2 = tf.mul(tf.squaredDifference(tgt, mean), tf.exp(tf.sub(tf.mul(logstd, -2), Math.LN2))); // [N, 32, 5]
  const lp = tf.sub(logmix, tf.add(halfZ2, logstd)); // [N, 32, 5], without −log √(2π)
  return tf.sub(LOG_SQRT_2PI, tf.mean(tf.logSumExp(lp, -1))) as tf.Scalar;
}
