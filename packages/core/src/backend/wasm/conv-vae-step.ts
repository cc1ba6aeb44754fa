import * as tf from '@tensorflow/tfjs-core';

/**
 * The reference ConvVAE of World Models (Ha & Schmidhuber 2018, appendix A.1; the network of
 * shared/bench/peer_torch.py) in plain tfjs-core ops, NHWC, used to benchmark and test a whole
 * training step on a backend: encoder 4 × (conv 4×4 stride 2, ReLU) → linear 1024 → (μ, log σ²);
 * decoder linear z → 1024 → transposed convs 5, 5, 6, 6 (stride 2, ReLU) → sigmoid.
 * 4,348,547 parameters for z = 32.
 */
export type ConvVaeParams = Record<string, tf.Variable>;

const ENCODER = [[3, 32], [32, 64], [64, 128], [128, 256]] as const; // [in, out], kernel 4
const DECODER = [[1024, 128, 5], [128, 64, 5], [64, 32, 6], [32, 3, 6]] as const; // [in, out, kernel]

let instances = 0;

/** Variables with torch's default Uniform(±1/√fanIn) init, from `seed`. */
export function createConvVae(latent = 32, seed = 1): ConvVaeParams {
  instances++;
  let s = seed;
  const uniform = (shape: number[], fanIn: number, name: string) => {
    const bound = 1 / Math.sqrt(fanIn);
    return tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', s++), true, `convvae${instances}.${name}`);
  };
  const p: ConvVaeParams = {};
  ENCODER.forEach(([cin, cout], i) => {
    p[`enc${i}.w`] = uniform([4, 4, cin, cout], cin * 16, `enc${i}w`); // [kh, kw, in, out]
    p[`enc${i}.b`] = uniform([cout], cin * 16, `enc${i}b`);
  });
  p['enc.fc.w'] = uniform([1024, 2 * latent], 1024, 'encfcw');
  p['enc.fc.b'] = uniform([2 * latent], 1024, 'encfcb');
  p['dec.fc.w'] = uniform([latent, 1024], latent, 'decfcw');
  p['dec.fc.b'] = uniform([1024], latent, 'decfcb');
  DECODER.forEach(([cin, cout, k], i) => {
    p[`dec${i}.w`] = uniform([k, k, cout, cin], cout * k * k, `dec${i}w`); // conv2dTranspose filter [kh, kw, out, in]
    p[`dec${i}.b`] = uniform([cout], cout * k * k, `dec${i}b`);
  });
  return p;
}

/**
 * Loss of one batch: Σ_pixels (x̂ − x)² plus KL(q(z|x) ‖ N(0, I)) = ½Σ(σ² + μ² − 1 − log σ²),
 * the KL clamped below at 16 nats (free bits, as in the World Models code), both averaged
 * over the batch. `noise` [B, z] is the reparameterisation ε.
 */
export function convVaeLoss(p: ConvVaeParams, x: tf.Tensor4D, noise: tf.Tensor2D): tf.Scalar {
  const batch = x.shape[0];
  const latent = noise.shape[1];
  let h: tf.Tensor4D = x; // [B, 64, 64, 3]
  for (let i = 0; i < ENCODER.length; i++) {
    // → [B, 31, 31, 32] → [B, 14, 14, 64] → [B, 6, 6, 128] → [B, 2, 2, 256]
    h = tf.relu(tf.add(tf.conv2d(h, p[`enc${i}.w`] as tf.Tensor4D, 2, 'valid'), p[`enc${i}.b`]!)) as tf.Tensor4D;
  }
  const stats = tf.add(tf.matMul(tf.reshape(h, [batch, 1024]), p['enc.fc.w']!), p['enc.fc.b']!); // [B, 2z]
  const mu = tf.slice(stats, [0, 0], [batch, latent]); // [B, z]
  const logVar = tf.slice(stats, [0, latent], [batch, latent]); // [B, z]
  const z = tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), noise)); // [B, z]
  let d = tf.reshape(tf.add(tf.matMul(z, p['dec.fc.w']!), p['dec.fc.b']!), [batch, 1, 1, 1024]) as tf.Tensor4D;
  let size = 1;
  DECODER.forEach(([, cout, k], i) => {
    size = (size - 1) * 2 + k; // 5, 13, 30, 64
    const y = tf.add(tf.conv2dTranspose(d, p[`dec${i}.w`] as tf.Tensor4D, [batch, size, size, cout], 2, 'valid'), p[`dec${i}.b`]!);
    d = (i < DECODER.length - 1 ? tf.relu(y) : tf.sigmoid(y)) as tf.Tensor4D; // [B, size, size, cout]
  });
  const reconstruction = tf.mean(tf.sum(tf.squaredDifference(d, x), [1, 2, 3])); // []
  const klPerImage = tf.mul(tf.sum(tf.sub(tf.sub(tf.add(tf.exp(logVar), tf.square(mu)), 1), logVar), 1), 0.5); // [B]
  return tf.add(reconstruction, tf.mean(tf.maximum(klPerImage, 16))) as tf.Scalar;
}

/** One optimiser step on a batch; returns the loss before the step. */
export function convVaeTrainStep(p: ConvVaeParams, optimizer: tf.Optimizer, x: tf.Tensor4D, noise: tf.Tensor2D): number {
  const loss = optimizer.minimize(() => convVaeLoss(p, x, noise), true, Object.values(p));
  const value = loss!.dataSync()[0]!;
  loss!.dispose();
  return value;
}
