import * as tf from '@tensorflow/tfjs-core';

/**
 * The MDN-RNN of peer_torch.py (Ha & Schmidhuber 2018, appendix A.2) in plain tfjs-core ops:
 * LSTM(35 → 256) by hand, then a linear head 256 → 480 = 32 outputs × 5 mixtures ×
 * (log-weight, mean, log-std). 422,368 parameters (one LSTM bias; PyTorch keeps two that add).
 *
 * The LSTM's gate blocks are ordered (i, f, o, g) so that one sigmoid covers three gates, and
 * the head's [256, 480] weight is kept as one [256, 160] column block per parameter kind:
 * the same matrices as PyTorch's, in an order that needs fewer slices (whose gradients are
 * padded copies).
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
    wIn: init([INPUT, 4 * HIDDEN], HIDDEN, seed), // W_ih, gate blocks i, f, o, g
    wHid: init([HIDDEN, 4 * HIDDEN], HIDDEN, seed + 1), // W_hh
    bias: init([4 * HIDDEN], HIDDEN, seed + 2),
  };
  HEADS.forEach((h, i) => {
    p[`wOut.${h}`] = init([HIDDEN, Z * MIX], HIDDEN, seed + 30 + i); // column block of the head's weight
    p[`bOut.${h}`] = init([Z * MIX], HIDDEN, seed + 40 + i);
  });
  return p;
}

const w = (p: MdnRnnParams, name: string) => p[name] as tf.Tensor2D;

/**
 * LSTM over a time-major sequence, the input projection done for all steps at once.
 * x: [T, B, 35] → hidden states [T, B, 256]. Gates (Hochreiter & Schmidhuber 1997):
 * i, f, o = σ(·), g = tanh(·) of x W + h U + b; c' = f·c + i·g, h' = o·tanh(c').
 */
export function lstm(p: MdnRnnParams, x: tf.Tensor3D): tf.Tensor3D {
  const [t, b] = x.shape;
  const proj = tf.unstack(
    tf.reshape(tf.fused.matMul({ a: tf.reshape(x, [t * b, INPUT]), b: w(p, 'wIn'), bias: p.bias }), [t, b, 4 * HIDDEN]),
  ) as tf.Tensor2D[]; // T × [B, 1024]
  let h: tf.Tensor2D = tf.zeros([b, HIDDEN]);
  let c: tf.Tensor2D = tf.zeros([b, HIDDEN]);
  const hs: tf.Tensor2D[] = [];
  for (let s = 0; s < t; s++) {
    const gates = tf.fused.matMul({ a: h, b: w(p, 'wHid'), bias: proj[s] }); // [B, 1024] = h U + (x W + b)
    const ifo = tf.sigmoid(tf.slice(gates, [0, 0], [b, 3 * HIDDEN])); // [B, 768]
    const g = tf.tanh(tf.slice(gates, [0, 3 * HIDDEN], [b, HIDDEN])); // [B, 256]
    const i = tf.slice(ifo, [0, 0], [b, HIDDEN]);
    const f = tf.slice(ifo, [0, HIDDEN], [b, HIDDEN]);
    const o = tf.slice(ifo, [0, 2 * HIDDEN], [b, HIDDEN]);
    c = tf.add(tf.mul(f, c), tf.mul(i, g)) as tf.Tensor2D; // [B, 256]
    h = tf.mul(o, tf.tanh(c)) as tf.Tensor2D; // [B, 256]
    hs.push(h);
  }
  return tf.stack(hs) as tf.Tensor3D; // [T, B, 256]
}

/**
 * Mixture-density negative log-likelihood of peer_torch.py (Bishop 1994):
 * −mean log Σ_k π_k N(target | μ_k, σ_k), computed with log-softmax and log-sum-exp.
 */
export function mdnLoss(p: MdnRnnParams, x: tf.Tensor3D, target: tf.Tensor3D): tf.Scalar {
  const [t, b] = x.shape;
  const n = t * b;
  const hs = tf.reshape(lstm(p, x), [n, HIDDEN]); // [T·B, 256]
  const head = (k: string) =>
    tf.reshape(tf.fused.matMul({ a: hs, b: w(p, `wOut.${k}`), bias: p[`bOut.${k}`] }), [n, Z, MIX]); // [N, 32, 5]
  const logmix = tf.logSoftmax(head('logmix')); // [N, 32, 5]
  const mean = head('mean'); // [N, 32, 5]
  const logstd = head('logstd'); // [N, 32, 5]
  const tgt = tf.reshape(target, [n, Z, 1]); // [N, 32, 1]
  const zscore = tf.div(tf.sub(tgt, mean), tf.exp(logstd)); // [N, 32, 5]
  const lp = tf.sub(tf.sub(tf.sub(logmix, tf.mul(tf.square(zscore), 0.5)), logstd), 0.9189385); // [N, 32, 5]
  return tf.neg(tf.mean(tf.logSumExp(lp, -1))) as tf.Scalar;
}
