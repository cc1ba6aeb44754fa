import * as tf from '@tensorflow/tfjs-core';
import { causalKernelMask, contiguousGroups, type MaskType } from './masks.js';
import { padHW } from './shifts.js';
import type { VariableStore } from './variable-store.js';

export interface MaskedConv2DOptions {
  /** Odd square kernel size k. */
  kernelSize: number;
  inChannels: number;
  outChannels: number;
  /** 'A' hides the current sub-pixel (first layer), 'B' shows it (later layers). */
  type: MaskType;
  /** Channel groups (3 for R→G→B; 1 when only whole pixels are ordered). */
  groups: number;
  /** Group of each input channel (default: contiguous blocks of inChannels). */
  inGroups?: readonly number[];
  /** Group of each output channel (default: contiguous blocks of outChannels). */
  outGroups?: readonly number[];
}

/**
 * A k×k masked convolution (van den Oord et al. 2016, Fig. 2 right / sec. 3.4), 'same' size,
 * stride 1: the kernel is multiplied by a fixed causal mask so output sub-pixel i sees input
 * sub-pixels < i (type A) or ≤ i (type B) only.
 */
export class MaskedConv2D {
  readonly kernelName: string;
  readonly biasName: string;
  private readonly half: number;

  constructor(
    private readonly store: VariableStore,
    readonly name: string,
    readonly options: MaskedConv2DOptions,
  ) {
    const { kernelSize: k, inChannels, outChannels, type, groups } = options;
    if (!Number.isInteger(k) || k < 1 || k % 2 === 0) throw new Error(`MaskedConv2D ${name}: kernelSize must be an odd positive integer, got ${k}`);
    const inGroups = options.inGroups ?? contiguousGroups(inChannels, groups);
    const outGroups = options.outGroups ?? contiguousGroups(outChannels, groups);
    if (inGroups.length !== inChannels || outGroups.length !== outChannels) throw new Error(`MaskedConv2D ${name}: channel group lists must have one entry per channel`);
    this.half = (k - 1) / 2;
    this.kernelName = `${name}/kernel`;
    this.biasName = `${name}/bias`;
    const mask = causalKernelMask(k, k, inGroups, outGroups, type, [this.half, this.half]);
    store.kernel(this.kernelName, [k, k, inChannels, outChannels], mask);
    store.zeros(this.biasName, [outChannels]);
  }

  /** x [B, H, W, in] → [B, H, W, out]. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const padded = padHW(x, [this.half, this.half], [this.half, this.half]); // [B, H+k−1, W+k−1, in]
      const y = tf.conv2d(padded, this.store.masked(this.kernelName) as tf.Tensor4D, 1, 'valid'); // [B, H, W, out]
      return tf.add(y, this.store.get(this.biasName)) as tf.Tensor4D;
    });
  }
}
