import * as tf from '@tensorflow/tfjs-core';
import { loadVariables, saveVariables } from '@worldmodels/core';
import { Rng } from '@worldmodels/core/rng';
import { imagesToTensor } from '../data/images.js';
import { Conv2d, ConvTranspose2d, Dense, lrelu } from '../nn/layers.js';
import { type Init, ParamStore } from '../nn/params.js';

/** He initialisation N(0, 2/fan_in) for (leaky) ReLU layers: this network is trained alone, not as a GAN. */
const he = (fanIn: number): Init => ({ normal: { mean: 0, std: Math.sqrt(2 / fanIn) } });

export interface FeatureNetworkConfig {
  /** Image side: a multiple of 8. */
  imageSize: number;
  channels: number;
  /** Width of the feature vector the Fréchet distance is computed on. */
  featureDim: number;
  /** Channels of the first conv (doubled twice). */
  width: number;
  seed: number;
}

export const FEATURE_NETWORK_DEFAULTS: FeatureNetworkConfig = { imageSize: 64, channels: 3, featureDim: 64, width: 16, seed: 0 };

/**
 * The feature network of the Fréchet distance when no ImageNet classifier is at hand: a small
 * convolutional autoencoder trained on the data set itself (three stride-2 convs, a dense
 * bottleneck of `featureDim` units, a mirrored decoder), so its bottleneck describes what the
 * images of this data set have in common and how they differ. Features are the bottleneck.
 */
export class FeatureNetwork {
  readonly params: ParamStore;
  readonly config: FeatureNetworkConfig;
  private readonly enc: Conv2d[] = [];
  private readonly bottleneck: Dense;
  private readonly expand: Dense;
  private readonly dec: ConvTranspose2d[] = [];
  private readonly optimizer = tf.train.adam(1e-3);
  private readonly rng: Rng;
  private readonly inner: number;

  constructor(config: Partial<FeatureNetworkConfig> = {}) {
    this.config = { ...FEATURE_NETWORK_DEFAULTS, ...config };
    const c = this.config;
    if (!Number.isInteger(c.imageSize) || c.imageSize % 8 !== 0) throw new Error(`feature network imageSize must be a multiple of 8, got ${c.imageSize}`);
    this.params = new ParamStore('feature network', new Rng(c.seed).derive('feature-network'));
    this.rng = new Rng(c.seed).derive('feature-network', 'batches');
    const widths = [c.width, 2 * c.width, 4 * c.width];
    let ch = c.channels;
    widths.forEach((w, i) => {
      this.enc.push(new Conv2d(this.params, `enc${i}`, { inChannels: ch, outChannels: w, kernel: 4, stride: 2, padding: 1, init: he(16 * ch) }));
      ch = w;
    });
    this.inner = (c.imageSize / 8) ** 2 * ch;
    this.bottleneck = new Dense(this.params, 'bottleneck', this.inner, c.featureDim, { init: { normal: { mean: 0, std: 1 / Math.sqrt(this.inner) } } });
    this.expand = new Dense(this.params, 'expand', c.featureDim, this.inner, { init: { normal: { mean: 0, std: 1 / Math.sqrt(c.featureDim) } } });
    [widths[1]!, widths[0]!, c.channels].forEach((out, i) => {
      this.dec.push(new ConvTranspose2d(this.params, `dec${i}`, { inChannels: ch, outChannels: out, kernel: 4, stride: 2, init: he(4 * ch) }));
      ch = out;
    });
  }

  /** Images in [−1, 1] [B, S, S, C] → features [B, featureDim]. */
  encode(x: tf.Tensor4D): tf.Tensor2D {
    const { imageSize: s, channels } = this.config;
    if (x.shape[1] !== s || x.shape[2] !== s || x.shape[3] !== channels) throw new Error(`feature network expects [B, ${s}, ${s}, ${channels}] images, got [${x.shape.join(', ')}]`);
    return tf.tidy(() => {
      let h = x;
      for (const conv of this.enc) h = lrelu(conv.apply(h)); // [B, S/8, S/8, 4·width] after all three
      return this.bottleneck.apply(tf.reshape(h, [x.shape[0], this.inner]) as tf.Tensor2D); // [B, featureDim]
    });
  }

  /** Features → reconstructed images in [−1, 1]. */
  decode(f: tf.Tensor2D): tf.Tensor4D {
    return tf.tidy(() => {
      const s8 = this.config.imageSize / 8;
      let h = tf.reshape(lrelu(this.expand.apply(f)), [f.shape[0], s8, s8, 4 * this.config.width]) as tf.Tensor4D;
      this.dec.forEach((d, i) => {
        h = d.apply(h);
        if (i < this.dec.length - 1) h = lrelu(h);
      });
      return tf.tanh(h); // [B, S, S, C]
    });
  }

  /**
   * Trains the autoencoder on uint8 images [N, S, S, C] by mean squared reconstruction error for
   * `steps` minibatches of `batchSize`; returns the loss of each step.
   */
  train(images: Uint8Array, count: number, options: { steps: number; batchSize?: number; onStep?: (step: number, loss: number) => void }): number[] {
    const { imageSize: s, channels } = this.config;
    const frame = s * s * channels;
    if (images.length !== count * frame) throw new Error(`feature network: ${images.length} bytes are not ${count} images of ${s}×${s}×${channels}`);
    const batchSize = Math.min(options.batchSize ?? 32, count);
    const losses: number[] = [];
    const batch = new Uint8Array(batchSize * frame);
    for (let step = 0; step < options.steps; step++) {
      for (let b = 0; b < batchSize; b++) {
        const i = this.rng.int(count);
        batch.set(images.subarray(i * frame, (i + 1) * frame), b * frame);
      }
      const x = imagesToTensor(batch, batchSize, s, s, channels);
      const loss = this.optimizer.minimize(() => tf.mean(tf.square(tf.sub(this.decode(this.encode(x)), x))) as tf.Scalar, true, this.params.trainableVariables())!;
      const v = loss.dataSync()[0]!;
      tf.dispose([x, loss]);
      losses.push(v);
      options.onStep?.(step, v);
    }
    return losses;
  }

  /** Mean squared reconstruction error (in [−1, 1] units) over uint8 images [N, S, S, C]. */
  reconstructionError(images: Uint8Array, count: number, batchSize = 64): number {
    const { imageSize: s, channels } = this.config;
    const frame = s * s * channels;
    let sum = 0;
    for (let i = 0; i < count; i += batchSize) {
      const b = Math.min(batchSize, count - i);
      sum += tf.tidy(() => {
        const x = imagesToTensor(images.subarray(i * frame, (i + b) * frame), b, s, s, channels);
        return tf.sum(tf.square(tf.sub(this.decode(this.encode(x)), x))).dataSync()[0]!;
      });
    }
    return sum / (count * frame);
  }

  /** Features of uint8 images [N, S, S, C] as a Float32Array [N, featureDim], computed in batches. */
  features(images: Uint8Array, count: number, batchSize = 64): Float32Array {
    const { imageSize: s, channels, featureDim } = this.config;
    const frame = s * s * channels;
    const out = new Float32Array(count * featureDim);
    for (let i = 0; i < count; i += batchSize) {
      const b = Math.min(batchSize, count - i);
      const f = tf.tidy(() => this.encode(imagesToTensor(images.subarray(i * frame, (i + b) * frame), b, s, s, channels)));
      out.set(f.dataSync(), i * featureDim);
      f.dispose();
    }
    return out;
  }

  /** Features of float images in [−1, 1] (e.g. a generator's output) [N, S, S, C]. */
  featuresOf(x: tf.Tensor4D, batchSize = 64): Float32Array {
    const n = x.shape[0];
    const out = new Float32Array(n * this.config.featureDim);
    for (let i = 0; i < n; i += batchSize) {
      const b = Math.min(batchSize, n - i);
      const f = tf.tidy(() => this.encode(tf.slice(x, [i, 0, 0, 0], [b, -1, -1, -1])));
      out.set(f.dataSync(), i * this.config.featureDim);
      f.dispose();
    }
    return out;
  }

  /** Saves the weights and config as a core checkpoint directory. */
  async save(dir: string): Promise<void> {
    const tensors = Object.fromEntries(Object.entries(this.params.named()).map(([k, v]) => [k, v as tf.Tensor]));
    await saveVariables(dir, tensors, { metadata: { kind: 'feature-network', config: this.config } });
  }

  /** Loads a network saved by {@link save}. */
  static async load(dir: string): Promise<FeatureNetwork> {
    const { tensors, metadata, dir: where } = await loadVariables(dir);
    try {
      if (metadata.kind !== 'feature-network') throw new Error(`${where} is not a feature-network checkpoint`);
      const net = new FeatureNetwork(metadata.config as FeatureNetworkConfig);
      net.params.assign(tensors, where);
      return net;
    } finally {
      for (const t of Object.values(tensors)) t.dispose();
    }
  }

  dispose(): void {
    this.params.dispose();
    this.optimizer.dispose();
  }
}
