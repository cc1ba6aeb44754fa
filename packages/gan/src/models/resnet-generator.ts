import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { Conv2d, ConvTranspose2d, Norm, type NormKind, reflectPad, type Mode } from '../nn/layers.js';
import { ParamStore } from '../nn/params.js';

export interface ResnetGeneratorConfig {
  /** Input side: divisible by 4. */
  imageSize: number;
  inChannels: number;
  outChannels: number;
  /** ngf (64 in CycleGAN). */
  width: number;
  /** Residual blocks: 6 for 128×128 images, 9 for 256×256 in CycleGAN. */
  blocks: number;
  norm: NormKind;
  seed: number;
}

export const RESNET_GENERATOR_DEFAULTS: ResnetGeneratorConfig = { imageSize: 128, inChannels: 3, outChannels: 3, width: 64, blocks: 6, norm: 'instance', seed: 0 };

/**
 * CycleGAN's generator (Zhu et al. 2017, appendix 7.2, after Johnson et al. 2016):
 * c7s1-ngf, d2ngf, d4ngf, R4ngf × blocks, u2ngf, ungf, c7s1-out — 7×7 convs with reflection
 * padding at both ends, 3×3 stride-2 convs down and transposed convs up, residual blocks of two
 * reflection-padded 3×3 convs, instance norm and ReLU throughout, tanh output.
 */
export class ResnetGenerator {
  readonly params: ParamStore;
  readonly config: ResnetGeneratorConfig;
  private readonly first: Conv2d;
  private readonly firstNorm: Norm;
  private readonly downs: { conv: Conv2d; norm: Norm }[] = [];
  private readonly blocks: { a: Conv2d; aNorm: Norm; b: Conv2d; bNorm: Norm }[] = [];
  private readonly ups: { conv: ConvTranspose2d; norm: Norm }[] = [];
  private readonly last: Conv2d;

  constructor(config: Partial<ResnetGeneratorConfig> = {}) {
    this.config = { ...RESNET_GENERATOR_DEFAULTS, ...config };
    const c = this.config;
    if (!Number.isInteger(c.imageSize) || c.imageSize % 4 !== 0) throw new Error(`ResNet generator imageSize must be a multiple of 4, got ${c.imageSize}`);
    if (!Number.isInteger(c.blocks) || c.blocks < 0) throw new Error(`ResNet generator blocks must be a non-negative integer, got ${c.blocks}`);
    this.params = new ParamStore('ResNet generator', new Rng(c.seed).derive('resnet-generator'));
    const p = this.params;
    const biased = c.norm === 'none';
    const w = c.width;
    this.first = new Conv2d(p, 'c7s1', { inChannels: c.inChannels, outChannels: w, kernel: 7, padding: 'valid', bias: biased });
    this.firstNorm = new Norm(p, 'c7s1_norm', w, c.norm);
    for (let i = 0; i < 2; i++) {
      const inC = w * 2 ** i;
      this.downs.push({ conv: new Conv2d(p, `d${i}`, { inChannels: inC, outChannels: 2 * inC, kernel: 3, stride: 2, padding: 1, bias: biased }), norm: new Norm(p, `d${i}_norm`, 2 * inC, c.norm) });
    }
    const r = 4 * w;
    for (let i = 0; i < c.blocks; i++) {
      this.blocks.push({
        a: new Conv2d(p, `r${i}a`, { inChannels: r, outChannels: r, kernel: 3, padding: 'valid', bias: biased }),
        aNorm: new Norm(p, `r${i}a_norm`, r, c.norm),
        b: new Conv2d(p, `r${i}b`, { inChannels: r, outChannels: r, kernel: 3, padding: 'valid', bias: biased }),
        bNorm: new Norm(p, `r${i}b_norm`, r, c.norm),
      });
    }
    for (let i = 0; i < 2; i++) {
      const inC = r / 2 ** i;
      this.ups.push({ conv: new ConvTranspose2d(p, `u${i}`, { inChannels: inC, outChannels: inC / 2, kernel: 3, stride: 2, bias: biased }), norm: new Norm(p, `u${i}_norm`, inC / 2, c.norm) });
    }
    this.last = new Conv2d(p, 'c7s1_out', { inChannels: w, outChannels: c.outChannels, kernel: 7, padding: 'valid' });
  }

  /** [B, S, S, in] → [B, S, S, out] in [−1, 1]. */
  apply(x: tf.Tensor4D, training: Mode): tf.Tensor4D {
    const { imageSize: s, inChannels } = this.config;
    if (x.shape[1] !== s || x.shape[2] !== s || x.shape[3] !== inChannels) throw new Error(`ResNet generator expects [B, ${s}, ${s}, ${inChannels}] inputs, got [${x.shape.join(', ')}]`);
    return tf.tidy(() => {
      let h = tf.relu(this.firstNorm.apply(this.first.apply(reflectPad(x, 3)), training)); // [B, S, S, ngf]
      for (const d of this.downs) h = tf.relu(d.norm.apply(d.conv.apply(h), training)); // [B, S/4, S/4, 4·ngf] after both
      for (const b of this.blocks) {
        const y = tf.relu(b.aNorm.apply(b.a.apply(reflectPad(h, 1)), training));
        h = tf.add(h, b.bNorm.apply(b.b.apply(reflectPad(y, 1)), training)); // residual
      }
      for (const u of this.ups) h = tf.relu(u.norm.apply(u.conv.apply(h), training)); // [B, S, S, ngf] after both
      return tf.tanh(this.last.apply(reflectPad(h, 3))); // [B, S, S, out]
    });
  }

  dispose(): void {
    this.params.dispose();
  }
}
