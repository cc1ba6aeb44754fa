import * as tf from '@tensorflow/tfjs-core';
import { causalKernelMask, contiguousGroups } from './masks.js';
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

/**
 * A gated pre-activation kept as its two halves: `f` goes through tanh, `g` through σ. The halves
 * have their own kernels, so no activation tensor is ever split along its channel axis (a strided
 * copy that the CPU backends do element by element).
 */
export type GatePair = {
  f: tf.Tensor4D; // [.., F]
  g: tf.Tensor4D; // [.., F]
};

/**
 * Per-layer conditioning terms V·h: [B, 1, 1, F] for a vector h (broadcast over positions), or
 * [B, H, W, F] for a map s (V ∗ s, a 1×1 convolution: location-dependent conditioning).
 */
export type ConditionTerms = {
  v: GatePair; // [B, 1, 1, F] or [B, H, W, F] each
  h: GatePair; // [B, 1, 1, F] or [B, H, W, F] each
};

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
    const featureGroups = contiguousGroups(f, groups);
    const hMask = causalKernelMask(1, this.hw, inGroups, featureGroups, first ? 'A' : 'B', [0, this.hw - 1]);
    for (const half of ['f', 'g'] as const) {
      store.kernel(this.n(`v_kernel_${half}`), [this.kh, this.kw, inChannels, f]);
      store.zeros(this.n(`v_bias_${half}`), [f]);
      store.kernel(this.n(`h_kernel_${half}`), [1, this.hw, inChannels, f], hMask);
      store.zeros(this.n(`h_bias_${half}`), [f]);
    }
    // The vertical → horizontal 1×1 as four F×F blocks (from each vertical half to each horizontal
    // half), so neither its input nor its gradient is ever concatenated or split along channels.
    for (const from of ['f', 'g'] as const) for (const to of ['f', 'g'] as const) store.kernel(this.n(`v_to_h_${from}${to}`), [1, 1, f, f]);
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
    let n = kh * o.kernelSize * o.inChannels * f2 + f2; // vertical (tanh and σ halves)
    n += kh * o.inChannels * f2 + f2; // horizontal (1 × ⌈k/2⌉)
    n += f2 * f2; // vertical → horizontal
    n += 2 * o.conditionSize * f2; // V_v, V_h
    n += o.features * o.features + o.features; // horizontal output 1×1
    if (o.skipChannels > 0) n += o.features * o.skipChannels + o.skipChannels;
    return n;
  }

  /**
   * V·h for both stacks, or null when unconditional. cond [B, D] (a vector per image), or
   * [B, H, W, D] (a map: V ∗ s, the unmasked 1×1 convolution of van den Oord et al. 2016, §2.3,
   * which can tell the layer where on the image it is).
   */
  conditionTerms(cond: tf.Tensor2D | tf.Tensor4D | undefined): ConditionTerms | null {
    if (this.options.conditionSize === 0) return null;
    const d = this.options.conditionSize;
    if (!cond) throw new Error(`${this.name}: this model is conditional (conditionSize ${d}); pass a conditioning tensor [B, ${d}] or [B, H, W, ${d}]`);
    const f = this.options.features;
    return tf.tidy(() => {
      if (cond.rank === 4) {
        const [b, h, w] = cond.shape as [number, number, number, number];
        const flat = tf.reshape(cond, [b * h * w, d]) as tf.Tensor2D; // [B·H·W, D]
        const halves = (name: string): GatePair => {
          const v = this.store.get(this.n(name)) as tf.Tensor2D; // [D, 2F]
          // the weight is split (small), never the [B·H·W, 2F] activation
          const one = (k: number) => tf.reshape(tf.matMul(flat, tf.slice(v, [0, k * f], [d, f])), [b, h, w, f]) as tf.Tensor4D; // [B, H, W, F]
          return { f: one(0), g: one(1) };
        };
        return { v: halves('cond_v'), h: halves('cond_h') };
      }
      const halves = (name: string): GatePair => {
        const y = tf.matMul(cond, this.store.get(this.n(name)) as tf.Tensor2D); // [B, 2F] (small: split directly)
        const [a, b] = tf.split(y, 2, 1);
        return { f: tf.reshape(a!, [-1, 1, 1, f]) as tf.Tensor4D, g: tf.reshape(b!, [-1, 1, 1, f]) as tf.Tensor4D }; // [B, 1, 1, F] each
      };
      return { v: halves('cond_v'), h: halves('cond_h') };
    });
  }

  /**
   * Vertical pre-activation from an input already padded with kh − 1 rows on top (or a window of
   * kh rows): [B, R, W, in] → [B, R − kh + 1, W, F] per half.
   */
  verticalPre(topPadded: tf.Tensor4D, cond: ConditionTerms | null): GatePair {
    return tf.tidy(() => {
      const half = (this.kw - 1) / 2;
      const x = padHW(topPadded, [0, 0], [half, half]); // [B, R, W + k − 1, in]
      const one = (h: 'f' | 'g') => {
        const y = tf.add(tf.conv2d(x, this.store.get(this.n(`v_kernel_${h}`)) as tf.Tensor4D, 1, 'valid'), this.store.get(this.n(`v_bias_${h}`))); // [B, R − kh + 1, W, F]
        return (cond ? tf.add(y, cond.v[h]) : y) as tf.Tensor4D;
      };
      return { f: one('f'), g: one('g') };
    });
  }

  /**
   * Horizontal pre-activation from an input padded with ⌈k/2⌉ − 1 columns on the left (or a window
   * of that many columns ending at the current pixel), plus `offset` from
   * {@link horizontalOffset} at the same positions: [B, R, C', in] → [B, R, C' − ⌈k/2⌉ + 1, F] per half.
   */
  horizontalPre(leftPadded: tf.Tensor4D, offset: GatePair): GatePair {
    return tf.tidy(() => {
      const one = (h: 'f' | 'g') => tf.add(tf.conv2d(leftPadded, this.store.masked(this.n(`h_kernel_${h}`)) as tf.Tensor4D, 1, 'valid'), offset[h]) as tf.Tensor4D;
      return { f: one('f'), g: one('g') };
    });
  }

  /**
   * What the horizontal pre-activation adds to its own convolution: the vertical stack's link
   * (a 1×1 of its pre-activation), the bias and V_h·h. Position-wise, so the cached sampler
   * computes it once per row.
   */
  horizontalOffset(vPre: GatePair, cond: ConditionTerms | null): GatePair {
    return tf.tidy(() => {
      const link = (from: 'f' | 'g', to: 'f' | 'g') => tf.conv2d(vPre[from], this.store.get(this.n(`v_to_h_${from}${to}`)) as tf.Tensor4D, 1, 'valid'); // [.., F]
      const one = (h: 'f' | 'g') => {
        const y = tf.add(tf.add(link('f', h), link('g', h)), this.store.get(this.n(`h_bias_${h}`))); // [.., F]
        return (cond ? tf.add(y, cond.h[h]) : y) as tf.Tensor4D;
      };
      return { f: one('f'), g: one('g') };
    });
  }

  /** tanh(f) ⊙ σ(g) (eq. 4): [.., F] × 2 → [.., F]. */
  gate(pre: GatePair): tf.Tensor4D {
    return tf.tidy(() => tf.mul(tf.tanh(pre.f), tf.sigmoid(pre.g)) as tf.Tensor4D);
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
      const vPre = this.verticalPre(padHW(vIn, [this.kh - 1, 0], [0, 0]), cond); // [B, H, W, F] × 2
      const hPre = this.horizontalPre(padHW(hIn, [0, 0], [this.hw - 1, 0]), this.horizontalOffset(vPre, cond)); // [B, H, W, F] × 2
      const gated = this.gate(hPre); // [B, H, W, F]
      return { v: this.gate(vPre), h: this.horizontalOut(gated, hIn), skip: this.skipOut(gated) ?? undefined };
    });
  }
}
