import * as tf from '@tensorflow/tfjs-core';
import { Rng, type RngState } from '@worldmodels/core/rng';
import { Conv2d, ConvTranspose2d, lrelu, Norm, type NormKind, type Mode } from '../nn/layers.js';
import { ParamStore } from '../nn/params.js';

export interface UnetConfig {
  /** Input side: a power of two; the encoder halves it down to 1×1 (log2(size) levels). */
  imageSize: number;
  inChannels: number;
  outChannels: number;
  /** Width of the first encoder layer (ngf, 64); widths double per level, capped at 8·ngf. */
  width: number;
  norm: NormKind;
  /** Dropout 0.5 in the three decoder layers after the innermost (pix2pix's noise source). */
  dropout: boolean;
  seed: number;
}

export const UNET_DEFAULTS: UnetConfig = { imageSize: 256, inChannels: 3, outChannels: 3, width: 64, norm: 'batch', dropout: true, seed: 0 };

/**
 * U-Net generator of pix2pix (Isola et al. 2017, §3.2.1 and appendix 6.1.1): an encoder of
 * 4×4 stride-2 convs (LeakyReLU 0.2 before each but the first, norm after each but the first and
 * the innermost) down to 1×1, and a decoder of 4×4 stride-2 transposed convs (ReLU before, norm
 * after) whose every output is concatenated with the mirrored encoder layer (the skips), ending
 * in tanh.
 */
export class UnetGenerator {
  readonly params: ParamStore;
  readonly config: UnetConfig;
  readonly levels: number;
  private readonly down: Conv2d[] = [];
  private readonly downNorm: (Norm | null)[] = [];
  private readonly up: ConvTranspose2d[] = [];
  private readonly upNorm: (Norm | null)[] = [];
  private readonly upDropout: boolean[] = [];
  private dropoutRng: Rng;

  constructor(config: Partial<UnetConfig> = {}) {
    this.config = { ...UNET_DEFAULTS, ...config };
    const c = this.config;
    const n = Math.log2(c.imageSize);
    if (!Number.isInteger(n) || n < 2) throw new Error(`U-Net imageSize must be a power of two ≥ 4, got ${c.imageSize}`);
    this.levels = n;
    this.params = new ParamStore('U-Net', new Rng(c.seed).derive('unet'));
    this.dropoutRng = new Rng(c.seed).derive('unet', 'dropout');
    const widths = Array.from({ length: n }, (_, i) => c.width * Math.min(2 ** i, 8));
    // Encoder e_i: [S/2^(i+1)] with widths[i] channels.
    for (let i = 0; i < n; i++) {
      const norm = i > 0 && i < n - 1 && c.norm !== 'none';
      this.down.push(new Conv2d(this.params, `down${i}`, { inChannels: i === 0 ? c.inChannels : widths[i - 1]!, outChannels: widths[i]!, kernel: 4, stride: 2, padding: 1, bias: !norm }));
      this.downNorm.push(norm ? new Norm(this.params, `down${i}_norm`, widths[i]!, c.norm) : null);
    }
    // Decoder u_i (i = n−1 … 1) maps to widths[i−1] channels; u_0 maps to the output.
    for (let i = 0; i < n; i++) {
      const inner = i === n - 1 ? widths[i]! : 2 * widths[i]!;
      const out = i === 0 ? c.outChannels : widths[i - 1]!;
      const norm = i > 0 && c.norm !== 'none';
      this.up.push(new ConvTranspose2d(this.params, `up${i}`, { inChannels: inner, outChannels: out, kernel: 4, stride: 2, bias: !norm }));
      this.upNorm.push(norm ? new Norm(this.params, `up${i}_norm`, out, c.norm) : null);
      this.upDropout.push(c.dropout && i >= 1 && i >= n - 4 && i <= n - 2);
    }
  }

  /** [B, S, S, inChannels] → [B, S, S, outChannels] in [−1, 1]. */
  apply(x: tf.Tensor4D, training: Mode): tf.Tensor4D {
    const { imageSize: s, inChannels } = this.config;
    if (x.shape[1] !== s || x.shape[2] !== s || x.shape[3] !== inChannels) throw new Error(`U-Net expects [B, ${s}, ${s}, ${inChannels}] inputs, got [${x.shape.join(', ')}]`);
    const dropout = training === true;
    const seeds = this.upDropout.map((d) => (d && dropout ? this.dropoutRng.nextSeed() : 0));
    return tf.tidy(() => {
      const skips: tf.Tensor4D[] = [];
      let h = x;
      for (let i = 0; i < this.levels; i++) {
        if (i > 0) h = lrelu(h);
        h = this.down[i]!.apply(h); // [B, S/2^(i+1), S/2^(i+1), w_i]
        const norm = this.downNorm[i];
        if (norm) h = norm.apply(h, training);
        skips.push(h);
      }
      for (let i = this.levels - 1; i >= 0; i--) {
        h = this.up[i]!.apply(tf.relu(h)); // [B, S/2^i, S/2^i, w_{i−1}]
        if (i === 0) break;
        const norm = this.upNorm[i];
        if (norm) h = norm.apply(h, training);
        if (this.upDropout[i] && dropout) h = tf.dropout(h, 0.5, undefined, seeds[i]) as tf.Tensor4D;
        h = tf.concat([skips[i - 1]!, h], 3); // [B, S/2^i, S/2^i, 2·w_{i−1}] — the skip
      }
      return tf.tanh(h);
    });
  }

  /** State of the stream that seeds the dropout masks (for checkpoints). */
  get dropoutState(): RngState {
    return this.dropoutRng.getState();
  }

  set dropoutState(state: RngState) {
    this.dropoutRng = Rng.fromState(state);
  }

  dispose(): void {
    this.params.dispose();
  }
}
