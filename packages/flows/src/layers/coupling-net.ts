import * as tf from '@tensorflow/tfjs-core';
import type { ParamStore } from '../params.js';

export interface CouplingNetConfig {
  /** Channels the network reads; narrower inputs are zero-padded (a net shared across levels). */
  inChannels: number;
  /** Channels it writes; callers take the leading ones they need. */
  outChannels: number;
  /** Hidden width (512 in Glow at full size). */
  width: number;
  /** Length of the conditioning vector added to the first hidden layer (0: unconditional). */
  condDim?: number;
}

/**
 * The coupling layers' network NN(x_a) (Glow §3.3): conv3×3 → ReLU → conv1×1 → ReLU →
 * zero-initialised conv3×3, so every coupling starts as the identity. One instance can serve many
 * coupling layers: that is the parameter-sharing option.
 */
export class CouplingNet {
  private readonly w1: tf.Variable; // [3, 3, in, width]
  private readonly b1: tf.Variable; // [width]
  private readonly w2: tf.Variable; // [1, 1, width, width]
  private readonly b2: tf.Variable; // [width]
  private readonly w3: tf.Variable; // [3, 3, width, out], zeros
  private readonly b3: tf.Variable; // [out], zeros
  private readonly wc: tf.Variable | null; // [condDim, width]
  /** How many coupling layers use this network. */
  users = 0;

  constructor(readonly name: string, readonly config: CouplingNetConfig, params: ParamStore) {
    const { inChannels, outChannels, width } = config;
    for (const [k, v] of Object.entries({ inChannels, outChannels, width })) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: ${k} must be a positive integer, got ${v}`);
    }
    this.w1 = params.variable(`${name}/conv1/kernel`, params.normal([3, 3, inChannels, width], Math.sqrt(2 / (9 * inChannels))));
    this.b1 = params.variable(`${name}/conv1/bias`, tf.zeros([width]));
    this.w2 = params.variable(`${name}/conv2/kernel`, params.normal([1, 1, width, width], Math.sqrt(2 / width)));
    this.b2 = params.variable(`${name}/conv2/bias`, tf.zeros([width]));
    this.w3 = params.variable(`${name}/conv_zero/kernel`, tf.zeros([3, 3, width, outChannels]));
    this.b3 = params.variable(`${name}/conv_zero/bias`, tf.zeros([outChannels]));
    const condDim = config.condDim ?? 0;
    this.wc = condDim > 0 ? params.variable(`${name}/cond/kernel`, params.normal([condDim, width], 1 / Math.sqrt(condDim))) : null;
  }

  /** x: [B, H, W, c ≤ in] → [B, H, W, outChannels ≤ out]. */
  apply(x: tf.Tensor4D, outChannels: number, cond?: tf.Tensor2D): tf.Tensor4D {
    const { inChannels, outChannels: maxOut } = this.config;
    const c = x.shape[3];
    if (c > inChannels) throw new Error(`${this.name}: input has ${c} channels, the network reads at most ${inChannels}`);
    if (outChannels > maxOut) throw new Error(`${this.name}: ${outChannels} output channels asked, the network writes ${maxOut}`);
    if (this.wc && !cond) throw new Error(`${this.name}: this flow is conditional; pass a conditioning vector`);
    return tf.tidy(() => {
      const xin = c < inChannels ? tf.pad(x, [[0, 0], [0, 0], [0, 0], [0, inChannels - c]]) : x; // [B, H, W, in]
      let h = tf.add(tf.conv2d(xin, this.w1 as tf.Tensor4D, 1, 'same'), this.b1) as tf.Tensor4D; // [B, H, W, width]
      if (this.wc && cond) {
        const cb = tf.matMul(cond, this.wc as tf.Tensor2D); // [B, width]
        h = tf.add(h, tf.reshape(cb, [cb.shape[0], 1, 1, this.config.width])) as tf.Tensor4D;
      }
      h = tf.relu(h);
      h = tf.relu(tf.add(tf.conv2d(h, this.w2 as tf.Tensor4D, 1, 'same'), this.b2)) as tf.Tensor4D; // [B, H, W, width]
      const out = tf.add(tf.conv2d(h, this.w3 as tf.Tensor4D, 1, 'same'), this.b3) as tf.Tensor4D; // [B, H, W, out]
      return outChannels < maxOut ? (tf.slice(out, [0, 0, 0, 0], [-1, -1, -1, outChannels]) as tf.Tensor4D) : out;
    });
  }
}
