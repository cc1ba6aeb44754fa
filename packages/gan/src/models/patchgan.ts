import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { Conv2d, lrelu, Norm, type NormKind, type Mode } from '../nn/layers.js';
import { ParamStore } from '../nn/params.js';
import { type ConvGeometry, receptiveField } from './receptive-field.js';

/**
 * Receptive field of each output unit of the PatchGAN: 1 (PixelGAN), 16, 70 (pix2pix's default) or
 * 'full' (an ImageGAN whose single output sees the whole image).
 */
export type PatchSize = 1 | 16 | 70 | 'full';

export interface PatchGanConfig {
  /** Channels of D's input (pix2pix: condition + image channels; CycleGAN: image channels). */
  inChannels: number;
  /** Image side (needed for 'full'). */
  imageSize: number;
  patch: PatchSize;
  /** Width of the first layer (ndf, 64 in the reference). */
  width: number;
  /** 'batch' for pix2pix, 'instance' for CycleGAN. */
  norm: NormKind;
  seed: number;
}

export const PATCHGAN_DEFAULTS: PatchGanConfig = { inChannels: 6, imageSize: 256, patch: 70, width: 64, norm: 'batch', seed: 0 };

/** One conv of the PatchGAN stack: geometry, channels, and whether norm/LeakyReLU follow it. */
export interface PatchLayerSpec extends ConvGeometry {
  out: number;
  /** Zero padding on each side. */
  padding: number;
  norm: boolean;
  activation: boolean;
}

/**
 * The conv stack of a PatchGAN (pix2pix's NLayerDiscriminator / PixelDiscriminator):
 * - 1: three 1×1 convs (ndf, 2·ndf, 1);
 * - 16 / 70: n = 1 / 3 stride-2 4×4 convs (widths ndf·2^i capped at 8·ndf), one stride-1 4×4 conv,
 *   then a stride-1 4×4 conv to one channel; padding 1 everywhere;
 * - 'full': stride-2 4×4 convs (padding 1) down to 4×4, then a 4×4 "valid" conv to a 1×1 output.
 */
export function patchGanLayers(config: Pick<PatchGanConfig, 'patch' | 'width' | 'imageSize'>): PatchLayerSpec[] {
  const { patch, width: ndf, imageSize } = config;
  const w = (i: number) => ndf * Math.min(2 ** i, 8);
  if (patch === 1) {
    return [
      { kernel: 1, stride: 1, padding: 0, out: ndf, norm: false, activation: true },
      { kernel: 1, stride: 1, padding: 0, out: 2 * ndf, norm: true, activation: true },
      { kernel: 1, stride: 1, padding: 0, out: 1, norm: false, activation: false },
    ];
  }
  if (patch === 16 || patch === 70) {
    const n = patch === 16 ? 1 : 3;
    const layers: PatchLayerSpec[] = [];
    for (let i = 0; i < n; i++) layers.push({ kernel: 4, stride: 2, padding: 1, out: w(i), norm: i > 0, activation: true });
    layers.push({ kernel: 4, stride: 1, padding: 1, out: w(n), norm: true, activation: true });
    layers.push({ kernel: 4, stride: 1, padding: 1, out: 1, norm: false, activation: false });
    return layers;
  }
  if (patch === 'full') {
    if (!Number.isInteger(Math.log2(imageSize)) || imageSize < 8) throw new Error(`PatchGAN 'full' needs a power-of-two image side ≥ 8, got ${imageSize}`);
    const layers: PatchLayerSpec[] = [];
    for (let i = 0, s = imageSize; s > 4; i++, s /= 2) layers.push({ kernel: 4, stride: 2, padding: 1, out: w(i), norm: i > 0, activation: true });
    layers.push({ kernel: 4, stride: 1, padding: 0, out: 1, norm: false, activation: false });
    return layers;
  }
  throw new Error(`PatchGAN patch must be 1, 16, 70 or 'full', got ${JSON.stringify(patch)}`);
}

/**
 * PatchGAN discriminator (Isola et al. 2017, §3.2.2): classifies each N×N patch as real or fake
 * and outputs a map of logits [B, H', W', 1], one per overlapping patch.
 */
export class PatchGanDiscriminator {
  readonly params: ParamStore;
  readonly config: PatchGanConfig;
  readonly layers: readonly PatchLayerSpec[];
  private readonly convs: Conv2d[] = [];
  private readonly norms: (Norm | null)[] = [];

  constructor(config: Partial<PatchGanConfig> = {}) {
    this.config = { ...PATCHGAN_DEFAULTS, ...config };
    const c = this.config;
    if (!Number.isInteger(c.inChannels) || c.inChannels < 1) throw new Error(`PatchGAN inChannels must be a positive integer, got ${c.inChannels}`);
    this.layers = patchGanLayers(c);
    this.params = new ParamStore('PatchGAN', new Rng(c.seed).derive('patchgan'));
    let ch = c.inChannels;
    this.layers.forEach((l, i) => {
      const norm = l.norm && c.norm !== 'none';
      this.convs.push(new Conv2d(this.params, `conv${i}`, { inChannels: ch, outChannels: l.out, kernel: l.kernel, stride: l.stride, padding: l.padding, bias: !norm }));
      this.norms.push(norm ? new Norm(this.params, `conv${i}_norm`, l.out, c.norm) : null);
      ch = l.out;
    });
  }

  /** Receptive field of one output logit, in input pixels. */
  get receptiveField(): number {
    return receptiveField(this.layers);
  }

  /** [B, H, W, inChannels] → patch logits [B, H', W', 1]. */
  apply(x: tf.Tensor4D, training: Mode): tf.Tensor4D {
    if (x.shape[3] !== this.config.inChannels) throw new Error(`PatchGAN expects ${this.config.inChannels} input channels, got [${x.shape.join(', ')}]`);
    return tf.tidy(() => {
      let h = x;
      this.layers.forEach((l, i) => {
        h = this.convs[i]!.apply(h); // [B, H_i, W_i, out_i]
        const norm = this.norms[i];
        if (norm) h = norm.apply(h, training);
        if (l.activation) h = lrelu(h);
      });
      return h;
    });
  }

  dispose(): void {
    this.params.dispose();
  }
}
