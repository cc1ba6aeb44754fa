import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { VariableStore } from '../layers/variable-store.js';
import type { LatentEncoder } from './latent-encoder.js';

export interface ConvEncoderConfig {
  imageShape: [number, number, number];
  zSize: number;
  /** Output channels of each stride-2 4×4 convolution (relu), 'same' padding. */
  channels: number[];
  seed: number;
}

const DEFAULTS: Omit<ConvEncoderConfig, 'imageShape' | 'zSize'> = { channels: [32, 64, 128, 256], seed: 0 };

/**
 * A small convolutional Gaussian encoder q(z | x) = N(mu, exp(logvar)) in the shape of the World
 * Models ConvVAE's (stride-2 4×4 convolutions with relu, then two dense heads), for any image
 * size ('same' padding: each convolution halves H and W, rounding up).
 */
export class ConvEncoder implements LatentEncoder {
  readonly config: ConvEncoderConfig;
  private readonly store: VariableStore;
  private readonly flat: number;

  constructor(options: Partial<ConvEncoderConfig> & Pick<ConvEncoderConfig, 'imageShape' | 'zSize'>) {
    this.config = { ...DEFAULTS, ...options };
    const { imageShape, zSize, channels } = this.config;
    if (!Number.isInteger(zSize) || zSize < 1) throw new Error(`ConvEncoder zSize must be a positive integer, got ${zSize}`);
    if (channels.length === 0 || !channels.every((c) => Number.isInteger(c) && c > 0)) throw new Error(`ConvEncoder channels must be positive integers, got ${JSON.stringify(channels)}`);
    this.store = new VariableStore(new Rng(this.config.seed).derive('conv-encoder'));
    let [h, w, c] = imageShape;
    channels.forEach((out, i) => {
      this.store.kernel(`enc_conv${i + 1}/kernel`, [4, 4, c, out]);
      this.store.zeros(`enc_conv${i + 1}/bias`, [out]);
      h = Math.ceil(h / 2);
      w = Math.ceil(w / 2);
      c = out;
    });
    this.flat = h * w * c;
    this.store.kernel('enc_fc_mu/kernel', [this.flat, zSize]);
    this.store.zeros('enc_fc_mu/bias', [zSize]);
    this.store.kernel('enc_fc_log_var/kernel', [this.flat, zSize]);
    this.store.zeros('enc_fc_log_var/bias', [zSize]);
  }

  get zSize(): number {
    return this.config.zSize;
  }

  countParams(): number {
    return this.store.countParams();
  }

  encode(x: tf.Tensor): { mu: tf.Tensor2D; logvar: tf.Tensor2D } {
    const [h, w, c] = this.config.imageShape;
    if (x.rank !== 4 || x.shape[1] !== h || x.shape[2] !== w || x.shape[3] !== c) throw new Error(`ConvEncoder.encode needs frames [B, ${h}, ${w}, ${c}] in [0, 1], got [${x.shape}]`);
    return tf.tidy(() => {
      let y = tf.cast(x, 'float32') as tf.Tensor4D; // [B, H, W, C]
      this.config.channels.forEach((_, i) => {
        const n = `enc_conv${i + 1}`;
        y = tf.relu(tf.add(tf.conv2d(y, this.store.get(`${n}/kernel`) as tf.Tensor4D, 2, 'same'), this.store.get(`${n}/bias`))) as tf.Tensor4D; // [B, ⌈H/2⌉, ⌈W/2⌉, out]
      });
      const flat = tf.reshape(y, [-1, this.flat]) as tf.Tensor2D; // [B, flat]
      const dense = (n: string) => tf.add(tf.matMul(flat, this.store.get(`${n}/kernel`) as tf.Tensor2D), this.store.get(`${n}/bias`)) as tf.Tensor2D; // [B, z]
      return { mu: dense('enc_fc_mu'), logvar: dense('enc_fc_log_var') };
    });
  }

  getWeights(): Record<string, tf.Variable> {
    return this.store.getWeights();
  }

  setWeights(weights: Record<string, tf.Tensor>): void {
    this.store.setWeights(weights, 'ConvEncoder.setWeights');
  }

  dispose(): void {
    this.store.dispose();
  }
}
