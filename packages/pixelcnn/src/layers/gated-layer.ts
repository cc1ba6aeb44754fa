import * as tf from '@tensorflow/tfjs-core';
import { causalKernelMask, contiguousGroups, gatedGroups } from './masks.js';
import { padHW } from './shifts.js';
import type { VariableStore } from './variable-store.js';

export interface GatedLayerOptions {
  /** Odd kernel size k: the vertical stack convolves ⌈k/2⌉ rows × k columns, the horizontal 1 × ⌈k/2⌉. */
  kernelSize: number;
  /** Channels of the stacks' inputs (image channels for the first layer, F after). */
  inChannels: number;
  /** Group of each horizontal-stack input channel (the R→G→B order of the centre tap). */
  inGroups: readonly number[];
  /** F: channels of each stack's output. */
  features: number;
  /** Channel groups of the features (3 for R→G→B, 1 for whole pixels). */
  groups: number;
  /** Channels of the skip output (0: no skip connection). */
  skipChannels: number;
  /** Length of the conditioning vector h (0: unconditional). */
  conditionSize: number;
  /** First layer: type A centre mask, no residual connection. */
  first: boolean;
  /** Residual connection around the horizontal stack (layers after the first). */
  residual: boolean;
}

/** Per-layer conditioning terms V·h, broadcast over positions. */
export interface ConditionTerms {
  v: tf.Tensor4D; // [B, 1, 1, 2F]
  h: tf.Tensor4D; // [B, 1, 1, 2F]
}

/**
 * One layer of the Gated PixelCNN (van den Oord et al. 2016, "Conditional Image Generation with
 * PixelCNN Decoders", Fig. 2 and eq. 4): y = tanh(W_f ∗ x + V_f·h) ⊙ σ(W_g ∗ x + V_g·h).
 *
 * The vertical stack sees the rows strictly above the current pixel (its first input is shifted
 * down one row, PixelCNN++-style), over a window k wide, so it has no blind spot; the horizontal
 * stack sees the current row up to the current pixel (centre tap channel-masked), plus a 1×1 of
 * the vertical pre-activation. The horizontal output is residual after the first layer and feeds
 * a skip connection.
 *
 * The pieces are public so that the cached sampler can run them on one row or one pixel.
 */
export class GatedLayer {
  readonly kh: number;
  readonly kw: number;
  readonly hw: number;
  private readonly n: (s: string) => string;

  constructor(
    private readonly store: VariableStore,
    readonly name: string,
    readonly options: GatedLayerOptions,
  ) {
    const { kernelSize: k, inChannels, inGroups, features: f, groups, skipChannels: s, conditionSize: d, first } = options;
    if (!Number.isInteger(k) || k < 1 || k % 2 === 0) throw new Error(`${name}: kernelSize must be an odd positive integer, got ${k}`);
    this.kh = (k + 1) / 2;
    this.kw = k;
    this.hw = (k + 1) / 2;
    this.n = (s2) => `${name}/${s2}`;
    const outGroups = gatedGroups(f, groups);
    const featureGroups = contiguousGroups(f, groups);
    store.kernel(this.n('v_kernel'), [this.kh, this.kw, inChannels, 2 * f]);
    store.zeros(this.n('v_bias'), [2 * f]);
    store.kernel(this.n('h_kernel'), [1, this.hw, inChannels, 2 * f], causalKernelMask(1, this.hw, inGroups, outGroups, first ? 'A' : 'B', [0, this.hw - 1]));
    store.zeros(this.n('h_bias'), [2 * f]);
    store.kernel(this.n('v_to_h'), [1, 1, 2 * f, 2 * f]);
    if (d > 0) {
      store.kernel(this.n('cond_v'), [d, 2 * f]);
      store.kernel(this.n('cond_h'), [d, 2 * f]);
    }
    store.kernel(this.n('h_out'), [1, 1, f, f], causalKernelMask(1, 1, featureGroups, featureGroups, 'B', [0, 0]));
    store.zeros(this.n('h_out_bias'), [f]);
    if (s > 0) {
      store.kernel(this.n('skip'), [1, 1, f, s], causalKernelMask(1, 1, featureGroups, contiguousGroups(s, groups), 'B', [0, 0]));
      store.zeros(this.n('skip_bias'), [s]);
    }
  }

  /** Number of weights this layer registers (stored, including masked entries). */
  static paramCount(o: Pick<GatedLayerOptions, 'kernelSize' | 'inChannels' | 'features' | 'skipChannels' | 'conditionSize'>): number {
    const kh = (o.kernelSize + 1) / 2;
    const f2 = 2 * o.features;
    let n = kh * o.kernelSize * o.inChannels * f2 + f2; // vertical
    n += kh * o.inChannels * f2 + f2; // horizontal (1 × ⌈k/2⌉)
    n += f2 * f2; // vertical → horizontal
    n += 2 * o.conditionSize * f2; // V_v, V_h
    n += o.features * o.features + o.features; // horizontal output 1×1
    if (o.skipChannels > 0) n += o.features * o.skipChannels + o.skipChannels;
    return n;
  }

  /** V·h for both stacks, or null when unconditional. cond [B, D]. */
  conditionTerms(cond: tf.Tensor2D | undefined): ConditionTerms | null {
    if (this.options.conditionSize === 0) return null;
    if (!cond) throw new Error(`${this.name}: this model is conditional (conditionSize ${this.options.conditionSize}); pass a conditioning tensor [B, ${this.options.conditionSize}]`);
    const f2 = 2 * this.options.features;
    return tf.tidy(() => ({
      v: tf.reshape(tf.matMul(cond, this.store.get(this.n('cond_v')) as tf.Tensor2D), [-1, 1, 1, f2]) as tf.Tensor4D, // [B, 1, 1, 2F]
      h: tf.reshape(tf.matMul(cond, this.store.get(this.n('cond_h')) as tf.Tensor2D), [-1, 1, 1, f2]) as tf.Tensor4D, // [B, 1, 1, 2F]
    }));
  }

  /**
   * Vertical pre-activation from an input already padded with kh − 1 rows on top (or a window of
   * kh rows): [B, R, W, in] → [B, R − kh + 1, W, 2F].
   */
  verticalPre(topPadded: tf.Tensor4D, cond: ConditionTerms | null): tf.Tensor4D {
    return tf.tidy(() => {
      const half = (this.kw - 1) / 2;
      const x = padHW(topPadded, [0, 0], [half, half]); // [B, R, W + k − 1, in]
      let y = tf.add(tf.conv2d(x, this.store.get(this.n('v_kernel')) as tf.Tensor4D, 1, 'valid'), this.store.get(this.n('v_bias'))); // [B, R − kh + 1, W, 2F]
      if (cond) y = tf.add(y, cond.v);
      return y as tf.Tensor4D;
    });
  }

  /**
   * Horizontal pre-activation from an input padded with ⌈k/2⌉ − 1 columns on the left (or a window
   * of that many columns ending at the current pixel), plus `offset` from
   * {@link horizontalOffset} at the same positions: [B, R, C', in] → [B, R, C' − ⌈k/2⌉ + 1, 2F].
   */
  horizontalPre(leftPadded: tf.Tensor4D, offset: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => tf.add(tf.conv2d(leftPadded, this.store.masked(this.n('h_kernel')) as tf.Tensor4D, 1, 'valid'), offset) as tf.Tensor4D);
  }

  /**
   * What the horizontal pre-activation adds to its own convolution: the vertical stack's link
   * (a 1×1 of its pre-activation), the bias and V_h·h. Position-wise, so the cached sampler
   * computes it once per row.
   */
  horizontalOffset(vPre: tf.Tensor4D, cond: ConditionTerms | null): tf.Tensor4D {
    return tf.tidy(() => {
      const y = tf.add(this.verticalToHorizontal(vPre), this.store.get(this.n('h_bias'))); // [.., 2F]
      return (cond ? tf.add(y, cond.h) : y) as tf.Tensor4D;
    });
  }

  /** The 1×1 link from the vertical pre-activation [.., 2F] into the horizontal stack [.., 2F]. */
  verticalToHorizontal(vPre: tf.Tensor4D): tf.Tensor4D {
    return tf.conv2d(vPre, this.store.get(this.n('v_to_h')) as tf.Tensor4D, 1, 'valid');
  }

  /** tanh(a) ⊙ σ(b) with [a, b] the two halves of the last axis: [.., 2F] → [.., F]. */
  gate(pre: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const [a, b] = tf.split(pre, 2, 3);
      return tf.mul(tf.tanh(a!), tf.sigmoid(b!)) as tf.Tensor4D;
    });
  }

  /** The horizontal stack's output: 1×1 of the gate, plus the input when residual. */
  horizontalOut(gated: tf.Tensor4D, hIn: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const y = tf.add(tf.conv2d(gated, this.store.masked(this.n('h_out')) as tf.Tensor4D, 1, 'valid'), this.store.get(this.n('h_out_bias'))) as tf.Tensor4D; // [.., F]
      return this.options.residual && !this.options.first ? (tf.add(hIn, y) as tf.Tensor4D) : y;
    });
  }

  /** The skip output [.., S] (null without skip connections). */
  skipOut(gated: tf.Tensor4D): tf.Tensor4D | null {
    if (this.options.skipChannels === 0) return null;
    return tf.tidy(() => tf.add(tf.conv2d(gated, this.store.masked(this.n('skip')) as tf.Tensor4D, 1, 'valid'), this.store.get(this.n('skip_bias'))) as tf.Tensor4D);
  }

  /**
   * The whole layer on full maps: vIn [B, H, W, in] (already seeing only rows above), hIn
   * [B, H, W, in] → v [B, H, W, F], h [B, H, W, F], skip [B, H, W, S] (undefined without skips).
   */
  apply(vIn: tf.Tensor4D, hIn: tf.Tensor4D, cond: ConditionTerms | null): { v: tf.Tensor4D; h: tf.Tensor4D; skip: tf.Tensor4D | undefined } {
    return tf.tidy(() => {
      const vPre = this.verticalPre(padHW(vIn, [this.kh - 1, 0], [0, 0]), cond); // [B, H, W, 2F]
      const hPre = this.horizontalPre(padHW(hIn, [0, 0], [this.hw - 1, 0]), this.horizontalOffset(vPre, cond)); // [B, H, W, 2F]
      const gated = this.gate(hPre); // [B, H, W, F]
      return { v: this.gate(vPre), h: this.horizontalOut(gated, hIn), skip: this.skipOut(gated) ?? undefined };
    });
  }
}
