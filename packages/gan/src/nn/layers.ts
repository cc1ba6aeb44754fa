import * as tf from '@tensorflow/tfjs-core';
import { type Init, type ParamStore, NORM_SCALE_INIT, WEIGHT_INIT, ZERO_INIT } from './params.js';

/**
 * How a network runs: `true` training (batch statistics, running averages updated, dropout on),
 * `false` evaluation (running averages), or `'batch-stats'` — test-time batch statistics without
 * updating anything and without dropout (pix2pix runs its generator on test batches this way).
 */
export type Mode = boolean | 'batch-stats';

/** Explicit zero padding on each side, or TensorFlow's 'same' / 'valid'. */
export type Padding = 'same' | 'valid' | number;

export interface ConvOptions {
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride?: number;
  padding?: Padding;
  /** Bias term (off where a norm follows, as in the reference nets). */
  bias?: boolean;
  init?: Init;
}

/** A 2-D convolution, NHWC, weights [k, k, in, out]. */
export class Conv2d {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: Padding;

  constructor(store: ParamStore, name: string, o: ConvOptions) {
    this.kernel = o.kernel;
    this.stride = o.stride ?? 1;
    this.padding = o.padding ?? 'same';
    this.weight = store.add(`${name}/kernel`, [o.kernel, o.kernel, o.inChannels, o.outChannels], o.init ?? WEIGHT_INIT);
    this.bias = o.bias === false ? null : store.add(`${name}/bias`, [o.outChannels], ZERO_INIT);
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      let input = x;
      let pad: 'same' | 'valid' = 'valid';
      if (typeof this.padding === 'number') {
        const p = this.padding;
        if (p > 0) input = tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]]);
      } else pad = this.padding;
      let y = tf.conv2d(input, this.weight as tf.Tensor4D, this.stride, pad); // [B, H', W', out]
      if (this.bias) y = tf.add(y, this.bias);
      return y;
    });
  }
}

/**
 * A transposed convolution with TensorFlow 'same' padding: output = input × stride (for kernel 4,
 * stride 2 this is PyTorch's ConvTranspose2d(k=4, s=2, p=1)). Weights [k, k, out, in].
 */
export class ConvTranspose2d {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;
  readonly outChannels: number;

  constructor(
    store: ParamStore,
    name: string,
    o: Omit<ConvOptions, 'padding'>,
  ) {
    this.outChannels = o.outChannels;
    this.stride = o.stride ?? 2;
    this.weight = store.add(`${name}/kernel`, [o.kernel, o.kernel, o.outChannels, o.inChannels], o.init ?? WEIGHT_INIT);
    this.bias = o.bias === false ? null : store.add(`${name}/bias`, [o.outChannels], ZERO_INIT);
  }

  readonly stride: number;

  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const [b, h, w] = x.shape;
      const shape: [number, number, number, number] = [b, h * this.stride, w * this.stride, this.outChannels];
      let y = tf.conv2dTranspose(x, this.weight as tf.Tensor4D, shape, this.stride, 'same'); // [B, H·s, W·s, out]
      if (this.bias) y = tf.add(y, this.bias);
      return y;
    });
  }
}

/** A fully connected layer, weights [in, out]. */
export class Dense {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;

  constructor(store: ParamStore, name: string, inFeatures: number, outFeatures: number, options: { bias?: boolean; init?: Init } = {}) {
    this.weight = store.add(`${name}/kernel`, [inFeatures, outFeatures], options.init ?? WEIGHT_INIT);
    this.bias = options.bias === false ? null : store.add(`${name}/bias`, [outFeatures], ZERO_INIT);
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy((): tf.Tensor2D => {
      const y: tf.Tensor2D = tf.matMul(x, this.weight as tf.Tensor2D); // [B, out]
      return this.bias ? (tf.add(y, this.bias) as tf.Tensor2D) : y;
    });
  }
}

/**
 * Batch normalisation over every axis but the last (Ioffe & Szegedy 2015, Alg. 1). In training
 * mode it uses the batch's statistics and updates running averages (PyTorch's momentum 0.1); in
 * eval mode it uses the running averages.
 */
export class BatchNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;

  constructor(
    store: ParamStore,
    name: string,
    channels: number,
    private readonly options: { momentum?: number; epsilon?: number } = {},
  ) {
    this.gamma = store.add(`${name}/gamma`, [channels], NORM_SCALE_INIT);
    this.beta = store.add(`${name}/beta`, [channels], ZERO_INIT);
    this.runningMean = store.add(`${name}/running_mean`, [channels], { constant: 0 }, false);
    this.runningVar = store.add(`${name}/running_var`, [channels], { constant: 1 }, false);
  }

  apply<T extends tf.Tensor>(x: T, mode: Mode): T {
    const eps = this.options.epsilon ?? 1e-5;
    const momentum = this.options.momentum ?? 0.1;
    return tf.tidy(() => {
      const axes = x.shape.slice(0, -1).map((_, i) => i);
      if (mode === false) return tf.batchNorm(x, this.runningMean, this.runningVar, this.beta, this.gamma, eps) as T;
      const { mean, variance } = tf.moments(x, axes); // [C]
      if (mode === true) {
        const n = x.size / x.shape[x.shape.length - 1]!;
        const unbiased = tf.mul(variance, n / Math.max(1, n - 1));
        this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - momentum), tf.mul(mean, momentum)));
        this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - momentum), tf.mul(unbiased, momentum)));
      }
      const normed = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
      return tf.add(tf.mul(normed, this.gamma), this.beta) as T;
    });
  }
}

/**
 * Instance normalisation (Ulyanov et al. 2016): each image's channels normalised over H×W, no
 * affine parameters and no running statistics (CycleGAN's default).
 */
export function instanceNorm(x: tf.Tensor4D, epsilon = 1e-5): tf.Tensor4D {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, [1, 2], true); // [B, 1, 1, C]
    return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon)));
  });
}

/** Which normalisation a conv block uses. */
export type NormKind = 'batch' | 'instance' | 'none';

/** A norm layer of the chosen kind (`batch` owns parameters; `instance` and `none` do not). */
export class Norm {
  private readonly bn: BatchNorm | null;

  constructor(
    store: ParamStore,
    name: string,
    channels: number,
    readonly kind: NormKind,
  ) {
    this.bn = kind === 'batch' ? new BatchNorm(store, name, channels) : null;
  }

  apply(x: tf.Tensor4D, mode: Mode): tf.Tensor4D {
    if (this.bn) return this.bn.apply(x, mode);
    if (this.kind === 'instance') return instanceNorm(x);
    return x;
  }
}

/** LeakyReLU with the DCGAN slope 0.2. */
export function lrelu<T extends tf.Tensor>(x: T, alpha = 0.2): T {
  return tf.leakyRelu(x, alpha);
}

/** Reflection padding of H and W by `p` (CycleGAN's ResNet generator). */
export function reflectPad(x: tf.Tensor4D, p: number): tf.Tensor4D {
  return tf.mirrorPad(x, [[0, 0], [p, p], [p, p], [0, 0]], 'reflect');
}
