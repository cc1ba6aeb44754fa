import * as tf from '@tensorflow/tfjs-core';

/**
 * The MDN-RNN of peer_torch.py (Ha & Schmidhuber 2018, appendix A.2) in plain tfjs-core ops:
 * LSTM(35 → 256) by hand, then a linear head 256 → 480 = 32 outputs × 5 mixtures ×
 * (log-weight, mean, log-std). One LSTM bias (PyTorch keeps two that sum): 422,368 parameters.
 */
export interface MdnRnnParams {
  [name: string]: tf.Variable;
}

export const HIDDEN = 256;
export const INPUT = 35;
export const Z = 32;
export const MIX = 5;

function init(shape: number[], fanIn: number, seed: number): tf.Variable {
  const bound = 1 / Math.sqrt(fanIn);
  return tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', seed));
}

export function createMdnRnn(seed = 1): MdnRnnParams {
  return {
    wIn: init([INPUT, 4 * HIDDEN], HIDDEN, seed), // gates i, f, g, o
    wHid: init([HIDDEN, 4 * HIDDEN], HIDDEN, seed + 1),
    bias: init([4 * HIDDEN], HIDDEN, seed + 2),
    wOut: init([HIDDEN, Z * MIX * 3], HIDDEN, seed + 3),
    bOut: init([Z * MIX * 3], HIDDEN, seed + 4),
  };
}

/**
 * LSTM over a time-major sequence, the input projection done for all steps at once.
 * x: [T, B, 35] → hidden states [T, B, 256]. Gates (Hochreiter & Schmidhuber 1997):
 * i, f, o = σ(·), g = tanh(·), c' = f·c + i·g, h' = o·tanh(c').
 */
export function lstm(p: MdnRnnParams, x: tf.Tensor3D): tf.Tensor3D {
  const [t, b] = x.shape;
  const xp = tf.reshape(
    tf.fused.matMul({ a: tf.reshape(x, [t * b, INPUT]), b: p.wIn as tf.Tensor2D, bias: p.bias }),
    [t, b, 4 * HIDDEN],
  ); // [T, B, 1024]
  const steps = tf.unstack(xp); // T × [B, 1024]
  let h: tf.Tensor2D = tf.zeros([b, HIDDEN]);
  let c: tf.Tensor2D = tf.zeros([b, HIDDEN]);
  const hs: tf.Tensor2D[] = [];
  for (const xt of steps) {
    const gates = tf.add(xt, tf.matMul(h, p.wHid as tf.Tensor2D)) as tf.Tensor2D; // [B, 1024]
    const ifo = tf.sigmoid(tf.slice(gates, [0, 0], [b, 2 * HIDDEN])); // [B, 512]: i, f
    const g = tf.tanh(tf.slice(gates, [0, 2 * HIDDEN], [b, HIDDEN])); // [B, 256]
    const o = tf.sigmoid(tf.slice(gates, [0, 3 * HIDDEN], [b, HIDDEN])); // [B, 256]
    const i = tf.slice(ifo, [0, 0], [b, HIDDEN]);
    const f = tf.slice(ifo, [0, HIDDEN], [b, HIDDEN]);
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
  const y = tf.reshape(tf.fused.matMul({ a: hs, b: p.wOut as tf.Tensor2D, bias: p.bOut }), [n, Z, 3 * MIX]); // [N, 32, 15]
  const logmix = tf.logSoftmax(tf.slice(y, [0, 0, 0], [n, Z, MIX])); // [N, 32, 5]
  const mean = tf.slice(y, [0, 0, MIX], [n, Z, MIX]); // [N, 32, 5]
  const logstd = tf.slice(y, [0, 0, 2 * MIX], [n, Z, MIX]); // [N, 32, 5]
  const tgt = tf.reshape(target, [n, Z, 1]); // [N, 32, 1]
  const zscore = tf.div(tf.sub(tgt, mean), tf.exp(logstd)); // [N, 32, 5]
  const lp = tf.sub(tf.sub(tf.sub(logmix, tf.mul(tf.square(zscore), 0.5)), logstd), 0.9189385); // [N, 32, 5]
  return tf.neg(tf.mean(tf.logSumExp(lp, -1))) as tf.Scalar;
}
