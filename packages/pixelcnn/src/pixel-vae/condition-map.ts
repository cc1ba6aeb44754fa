import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { VariableStore } from '../layers/variable-store.js';

export interface ConditionMapConfig {
  /** [H, W, C] of the images the map conditions (H and W divisible by 2^hidden.length). */
  imageShape: [number, number, number];
  zSize: number;
  /** D: channels of the map, the PixelCNN's conditionSize. */
  channels: number;
  /**
   * Channels of the hidden maps. The first is a dense layer's output at H/2ⁿ × W/2ⁿ (n =
   * hidden.length); each later one, and then the map itself, is a stride-2 4×4 transposed
   * convolution doubling H and W. Relu between layers; the map itself is linear.
   */
  hidden: number[];
  seed: number;
}

const DEFAULTS: Omit<ConditionMapConfig, 'imageShape' | 'zSize'> = { channels: 8, hidden: [32, 32], seed: 0 };

/**
 * s = m(z): a latent vector turned into a map [B, H, W, D] by a small deconvolutional network, the
 * location-dependent conditioning of van den Oord et al. (2016, "Conditional Image Generation with
 * PixelCNN Decoders", §2.3): every gated layer adds V ∗ s (a 1×1 convolution) instead of a V·h
 * that is the same at every position. A PixelCNN decoder whose receptive field is small against
 * the image cannot tell where it is from its input alone; s tells it, so the latent can say
 * where objects are and the decoder can draw them there. s depends on z only, never on the
 * pixels, so the decoder stays causal.
 */
export class ConditionMap {
  readonly config: ConditionMapConfig;
  private readonly store: VariableStore;
  /** [h, w] of the dense layer's output. */
  private readonly base: [number, number];

  constructor(options: Partial<ConditionMapConfig> & Pick<ConditionMapConfig, 'imageShape' | 'zSize'>) {
    this.config = { ...DEFAULTS, ...options };
    const { imageShape, zSize, channels, hidden } = this.config;
    if (!Number.isInteger(zSize) || zSize < 1) throw new Error(`ConditionMap zSize must be a positive integer, got ${zSize}`);
    if (!Number.isInteger(channels) || channels < 1) throw new Error(`ConditionMap channels must be a positive integer, got ${channels}`);
    if (hidden.length === 0 || !hidden.every((c) => Number.isInteger(c) && c > 0)) throw new Error(`ConditionMap hidden must be a non-empty list of positive integers, got ${JSON.stringify(hidden)}`);
    const scale = 2 ** hidden.length;
    const [h, w] = imageShape;
    if (h % scale !== 0 || w % scale !== 0) throw new Error(`ConditionMap: image ${h}×${w} is not divisible by 2^${hidden.length} = ${scale} (one halving per hidden layer)`);
    this.base = [h / scale, w / scale];
    this.store = new VariableStore(new Rng(this.config.seed).derive('condition-map'));
    this.store.kernel('dense/kernel', [zSize, this.base[0] * this.base[1] * hidden[0]!]);
    this.store.zeros('dense/bias', [this.base[0] * this.base[1] * hidden[0]!]);
    const outs = [...hidden.slice(1), channels];
    outs.forEach((out, i) => {
      this.store.kernel(`deconv${i + 1}/kernel`, [4, 4, out, hidden[i]!]); // conv2dTranspose: [fh, fw, out, in]
      this.store.zeros(`deconv${i + 1}/bias`, [out]);
    });
  }

  /** Exact number of weights for a config. */
  static paramCount(options: Partial<ConditionMapConfig> & Pick<ConditionMapConfig, 'imageShape' | 'zSize'>): number {
    const { imageShape, zSize, channels, hidden } = { ...DEFAULTS, ...options };
    const cells = (imageShape[0] / 2 ** hidden.length) * (imageShape[1] / 2 ** hidden.length);
    let n = zSize * cells * hidden[0]! + cells * hidden[0]!;
    [...hidden.slice(1), channels].forEach((out, i) => (n += 16 * out * hidden[i]! + out));
    return n;
  }

  /** z [B, zSize] → s [B, H, W, D]. */
  apply(z: tf.Tensor): tf.Tensor4D {
    const { zSize, hidden, channels, imageShape } = this.config;
    if (z.rank !== 2 || z.shape[1] !== zSize) throw new Error(`ConditionMap.apply needs z of shape [B, ${zSize}], got [${z.shape}]`);
    const b = z.shape[0]!;
    return tf.tidy(() => {
      const dense = tf.add(tf.matMul(z as tf.Tensor2D, this.store.get('dense/kernel') as tf.Tensor2D), this.store.get('dense/bias')); // [B, h·w·c₀]
      let y = tf.relu(tf.reshape(dense, [b, this.base[0], this.base[1], hidden[0]!])) as tf.Tensor4D; // [B, H/2ⁿ, W/2ⁿ, c₀]
      const outs = [...hidden.slice(1), channels];
      outs.forEach((out, i) => {
        const [, hh, ww] = y.shape;
        const n = `deconv${i + 1}`;
        const up = tf.add(tf.conv2dTranspose(y, this.store.get(`${n}/kernel`) as tf.Tensor4D, [b, hh * 2, ww * 2, out], 2, 'same'), this.store.get(`${n}/bias`)) as tf.Tensor4D; // [B, 2h, 2w, out]
        y = i < outs.length - 1 ? (tf.relu(up) as tf.Tensor4D) : up;
      });
      if (y.shape[1] !== imageShape[0] || y.shape[2] !== imageShape[1]) throw new Error(`ConditionMap produced [${y.shape}], expected [B, ${imageShape[0]}, ${imageShape[1]}, ${channels}]`);
      return y; // [B, H, W, D]
    });
  }

  countParams(): number {
    return this.store.countParams();
  }

  getWeights(): Record<string, tf.Variable> {
    return this.store.getWeights();
  }

  setWeights(weights: Record<string, tf.Tensor>): void {
    this.store.setWeights(weights, 'ConditionMap.setWeights');
  }

  dispose(): void {
    this.store.dispose();
  }
}
