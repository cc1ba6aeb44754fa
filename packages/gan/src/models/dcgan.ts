import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { BatchNorm, Conv2d, ConvTranspose2d, Dense, lrelu, type Mode } from '../nn/layers.js';
import { MinibatchDiscrimination } from '../nn/minibatch-discrimination.js';
import { ParamStore } from '../nn/params.js';

/** DCGAN architecture (Radford et al. 2016, §3 "architecture guidelines"). */
export interface DcganConfig {
  /** Output side: 64 (the paper's) or 32. */
  imageSize: 32 | 64;
  /** Image channels (3 for RGB). */
  channels: number;
  /** Noise dimension (100 in the paper). */
  zDim: number;
  /** Extra generator inputs beside z (InfoGAN codes); 0 for a plain DCGAN. */
  codeDim: number;
  /** Generator width: channels of its last hidden layer (ngf, 64 in the paper's code). */
  gWidth: number;
  /** Discriminator width: channels of its first layer (ndf, 64). */
  dWidth: number;
  /** Discriminator outputs: 1 logit for real/fake, or K class logits for the K+1 discriminator. */
  dOutputs: number;
  /** Minibatch discrimination after the last conv features (Salimans et al. 2016), or null. */
  minibatchDiscrimination: { kernels: number; kernelDim: number } | null;
  seed: number;
}

export const DCGAN_DEFAULTS: DcganConfig = {
  imageSize: 64,
  channels: 3,
  zDim: 100,
  codeDim: 0,
  gWidth: 64,
  dWidth: 64,
  dOutputs: 1,
  minibatchDiscrimination: null,
  seed: 0,
};

/** Fills defaults and checks a DCGAN config, naming the bad field. */
export function resolveDcganConfig(partial: Partial<DcganConfig> = {}): DcganConfig {
  const c = { ...DCGAN_DEFAULTS, ...partial };
  if (c.imageSize !== 32 && c.imageSize !== 64) throw new Error(`DCGAN imageSize must be 32 or 64, got ${String(c.imageSize)}`);
  for (const key of ['channels', 'zDim', 'gWidth', 'dWidth', 'dOutputs'] as const) {
    if (!Number.isInteger(c[key]) || c[key] < 1) throw new Error(`DCGAN ${key} must be a positive integer, got ${String(c[key])}`);
  }
  if (!Number.isInteger(c.codeDim) || c.codeDim < 0) throw new Error(`DCGAN codeDim must be a non-negative integer, got ${String(c.codeDim)}`);
  return c;
}

/** Number of stride-2 stages between 4×4 and the image side. */
function stages(imageSize: number): number {
  return Math.log2(imageSize / 4);
}

/**
 * DCGAN generator: z (and codes) projected to 4×4×(gWidth·2^(L−1)) by a dense layer ("project and
 * reshape"), then L fractionally-strided 4×4 convs doubling the side, batch norm and ReLU on every
 * layer but the output, tanh output. 64×64: 4→8→16→32→64 (L = 4); 32×32: L = 3.
 */
export class DcganGenerator {
  readonly params: ParamStore;
  readonly config: DcganConfig;
  private readonly project: Dense;
  private readonly projectNorm: BatchNorm;
  private readonly ups: ConvTranspose2d[] = [];
  private readonly norms: BatchNorm[] = [];
  private readonly baseChannels: number;

  constructor(config: Partial<DcganConfig> = {}) {
    this.config = resolveDcganConfig(config);
    const c = this.config;
    this.params = new ParamStore('DCGAN generator', new Rng(c.seed).derive('dcgan', 'G'));
    const L = stages(c.imageSize);
    this.baseChannels = c.gWidth * 2 ** (L - 1);
    this.project = new Dense(this.params, 'project', c.zDim + c.codeDim, 16 * this.baseChannels, { bias: false });
    this.projectNorm = new BatchNorm(this.params, 'project_bn', this.baseChannels);
    let ch = this.baseChannels;
    for (let i = 0; i < L; i++) {
      const last = i === L - 1;
      const out = last ? c.channels : ch / 2;
      this.ups.push(new ConvTranspose2d(this.params, `up${i}`, { inChannels: ch, outChannels: out, kernel: 4, stride: 2, bias: last }));
      if (!last) this.norms.push(new BatchNorm(this.params, `up${i}_bn`, out));
      ch = out;
    }
  }

  /** Input width: zDim + codeDim. */
  get inputDim(): number {
    return this.config.zDim + this.config.codeDim;
  }

  /** [B, zDim + codeDim] → images in [−1, 1], [B, S, S, channels]. */
  apply(z: tf.Tensor2D, training: Mode): tf.Tensor4D {
    if (z.shape[1] !== this.inputDim) throw new Error(`DCGAN generator expects inputs of width ${this.inputDim}, got [${z.shape.join(', ')}]`);
    return tf.tidy(() => {
      const b = z.shape[0];
      let h = tf.reshape(this.project.apply(z), [b, 4, 4, this.baseChannels]) as tf.Tensor4D; // [B, 4, 4, C0]
      h = tf.relu(this.projectNorm.apply(h, training));
      for (let i = 0; i < this.ups.length; i++) {
        h = this.ups[i]!.apply(h); // [B, 2s, 2s, C/2]
        if (i < this.norms.length) h = tf.relu(this.norms[i]!.apply(h, training));
      }
      return tf.tanh(h); // [B, S, S, channels]
    });
  }

  dispose(): void {
    this.params.dispose();
  }
}

/** What the discriminator returns: its output logits and the features they are computed from. */
export interface DiscriminatorOutput {
  /** [B, dOutputs] */
  logits: tf.Tensor2D;
  /** [B, F]: the last conv layer's activations, flattened (feature matching and Q heads use them). */
  features: tf.Tensor2D;
}

/**
 * DCGAN discriminator: L strided 4×4 convs halving the side down to 4×4, LeakyReLU(0.2), batch
 * norm on every layer but the first (not on D's input), then [minibatch discrimination], then a
 * dense layer to the logits (the paper's final conv 4×4 "valid" as a dense layer).
 */
export class DcganDiscriminator {
  readonly params: ParamStore;
  readonly config: DcganConfig;
  private readonly convs: Conv2d[] = [];
  private readonly norms: (BatchNorm | null)[] = [];
  private readonly minibatch: MinibatchDiscrimination | null;
  private readonly head: Dense;
  /** Width of {@link DiscriminatorOutput.features}. */
  readonly featureDim: number;

  constructor(config: Partial<DcganConfig> = {}) {
    this.config = resolveDcganConfig(config);
    const c = this.config;
    this.params = new ParamStore('DCGAN discriminator', new Rng(c.seed).derive('dcgan', 'D'));
    const L = stages(c.imageSize);
    let ch = c.channels;
    for (let i = 0; i < L; i++) {
      const out = c.dWidth * 2 ** i;
      this.convs.push(new Conv2d(this.params, `conv${i}`, { inChannels: ch, outChannels: out, kernel: 4, stride: 2, padding: 1, bias: i === 0 }));
      this.norms.push(i === 0 ? null : new BatchNorm(this.params, `conv${i}_bn`, out));
      ch = out;
    }
    this.featureDim = 16 * ch;
    const mb = c.minibatchDiscrimination;
    this.minibatch = mb ? new MinibatchDiscrimination(this.params, 'minibatch', this.featureDim, mb.kernels, mb.kernelDim) : null;
    this.head = new Dense(this.params, 'head', this.minibatch ? this.minibatch.outFeatures : this.featureDim, c.dOutputs);
  }

  /** Images in [−1, 1] [B, S, S, channels] → logits and features. */
  apply(x: tf.Tensor4D, training: Mode): DiscriminatorOutput {
    const { imageSize: s, channels } = this.config;
    if (x.rank !== 4 || x.shape[1] !== s || x.shape[2] !== s || x.shape[3] !== channels) {
      throw new Error(`DCGAN discriminator expects [B, ${s}, ${s}, ${channels}] images, got [${x.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      let h = x;
      for (let i = 0; i < this.convs.length; i++) {
        h = this.convs[i]!.apply(h); // [B, s/2, s/2, C]
        const norm = this.norms[i];
        if (norm) h = norm.apply(h, training);
        h = lrelu(h);
      }
      const features = tf.reshape(h, [x.shape[0], this.featureDim]) as tf.Tensor2D; // [B, 4·4·C]
      const head = this.minibatch ? this.minibatch.apply(features) : features; // [B, F (+ kernels)]
      const logits = this.head.apply(head); // [B, dOutputs]
      return { logits, features };
    });
  }

  dispose(): void {
    this.params.dispose();
  }
}
