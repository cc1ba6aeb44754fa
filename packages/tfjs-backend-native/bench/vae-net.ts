import * as tf from '@tensorflow/tfjs-core';

/**
 * The reference ConvVAE of peer_torch.py (Ha & Schmidhuber 2018, appendix A.1) in plain
 * tfjs-core ops, NHWC: encoder 4 × (conv 4×4 stride 2 + ReLU) → linear 1024 → 2z;
 * decoder linear z → 1024 → 4 transposed convs (5, 5, 6, 6; stride 2) → sigmoid.
 * 4,348,547 parameters for z = 32.
 */
export interface VaeParams {
  [name: string]: tf.Variable;
}

const ENC = [
  [3, 32],
  [32, 64],
  [64, 128],
  [128, 256],
] as const;
const DEC = [
  [1024, 128, 5],
  [128, 64, 5],
  [64, 32, 6],
  [32, 3, 6],
] as const;

/** Uniform(-1/sqrt(fanIn), 1/sqrt(fanIn)) like torch's default init, from a fixed seed. */
function init(shape: number[], fanIn: number, seed: number): tf.Variable {
  const bound = 1 / Math.sqrt(fanIn);
  return tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', seed));
}

export function createVae(z = 32, seed = 1): VaeParams {
  const p: VaeParams = {};
  ENC.forEach(([cin, cout], i) => {
    p[`enc${i}.w`] = init([4, 4, cin, cout], cin * 16, seed + i); // [kh, kw, in, out]
    p[`enc${i}.b`] = init([cout], cin * 16, seed + 10 + i);
  });
  p['enc.fc.w'] = init([1024, 2 * z], 1024, seed + 20);
  p['enc.fc.b'] = init([2 * z], 1024, seed + 21);
  p['dec.fc.w'] = init([z, 1024], z, seed + 22);
  p['dec.fc.b'] = init([1024], z, seed + 23);
  DEC.forEach(([cin, cout, k], i) => {
    p[`dec${i}.w`] = init([k, k, cout, cin], cout * k * k, seed + 30 + i); // conv2dTranspose filter [kh, kw, out, in]
    p[`dec${i}.b`] = init([cout], cout * k * k, seed + 40 + i);
  });
  return p;
}

export function countParams(p: VaeParams): number {
  return Object.values(p).reduce((n, v) => n + v.size, 0);
}

/** x: [B, 64, 64, 3] → [B, 2z] (mu ‖ logvar). */
export function encode(p: VaeParams, x: tf.Tensor4D): tf.Tensor2D {
  let h: tf.Tensor4D = x;
  for (let i = 0; i < ENC.length; i++) {
    // [B, 31, 31, 32] → [B, 14, 14, 64] → [B, 6, 6, 128] → [B, 2, 2, 256]
    h = tf.fused.conv2d({ x: h, filter: p[`enc${i}.w`] as tf.Tensor4D, strides: 2, pad: 'valid', bias: p[`enc${i}.b`], activation: 'relu' });
  }
  const flat = tf.reshape(h, [x.shape[0], 1024]); // [B, 1024]
  return tf.fused.matMul({ a: flat, b: p['enc.fc.w'] as tf.Tensor2D, bias: p['enc.fc.b'] }) as tf.Tensor2D; // [B, 2z]
}

/** z: [B, z] → [B, 64, 64, 3] in (0, 1). */
export function decode(p: VaeParams, z: tf.Tensor2D): tf.Tensor4D {
  const b = z.shape[0];
  const fc = tf.fused.matMul({ a: z, b: p['dec.fc.w'] as tf.Tensor2D, bias: p['dec.fc.b'] }); // [B, 1024]
  let h = tf.reshape(fc, [b, 1, 1, 1024]) as tf.Tensor4D;
  let size = 1;
  DEC.forEach(([, cout, k], i) => {
    size = (size - 1) * 2 + k; // 5, 13, 30, 64
    const y = tf.add(tf.conv2dTranspose(h, p[`dec${i}.w`] as tf.Tensor4D, [b, size, size, cout], 2, 'valid'), p[`dec${i}.b`]!);
    h = (i < DEC.length - 1 ? tf.relu(y) : tf.sigmoid(y)) as tf.Tensor4D;
  });
  return h; // [B, 64, 64, 3]
}

/**
 * Loss of peer_torch.py: squared-error reconstruction summed per image, plus the KL term
 * 0.5·Σ(exp(lv) + mu² − 1 − lv) clamped below at 16 (free bits), both averaged over the batch.
 */
export function vaeLoss(p: VaeParams, x: tf.Tensor4D, z = 32, seed?: number): tf.Scalar {
  const b = x.shape[0];
  const h = encode(p, x); // [B, 2z]
  const mu = tf.slice(h, [0, 0], [b, z]); // [B, z]
  const lv = tf.slice(h, [0, z], [b, z]); // [B, z]
  const eps = tf.randomNormal([b, z], 0, 1, 'float32', seed);
  const zz = tf.add(mu, tf.mul(tf.exp(tf.mul(lv, 0.5)), eps)) as tf.Tensor2D; // [B, z]
  const y = decode(p, zz); // [B, 64, 64, 3]
  const rec = tf.mean(tf.sum(tf.squaredDifference(y, x), [1, 2, 3])); // []
  const klPer = tf.mul(tf.sum(tf.sub(tf.sub(tf.add(tf.exp(lv), tf.square(mu)), 1), lv), 1), 0.5); // [B]
  const kl = tf.mean(tf.maximum(klPer, 16)); // []
  return tf.add(rec, kl) as tf.Scalar;
}
