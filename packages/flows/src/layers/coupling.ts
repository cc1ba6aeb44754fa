import * as tf from '@tensorflow/tfjs-core';
import type { ParamStore } from '../params.js';
import type { CouplingNet } from './coupling-net.js';
import { type FlowContext, type FlowLayer, type FlowResult, checkInput } from './flow-layer.js';
import { channelSplit, checkerboardMask } from './masks.js';

/**
 * - `additive`: y_b = x_b + t(x_a), log-det 0 (NICE; Glow's stabler default).
 * - `affine-sigmoid`: Glow's y_b = (x_b + t)·s with s = sigmoid(h + 2), log-det Σ log s.
 * - `affine-tanh`: RealNVP's y_b = x_b·exp(log s) + t with log s = α·tanh(h), α a learned scalar
 *   (Dinh et al. 2017, eq. 7 with the bounded scale of the reference implementation).
 */
export type CouplingKind = 'additive' | 'affine-sigmoid' | 'affine-tanh';
export type MaskKind = 'channel' | 'checkerboard';

export interface CouplingOptions {
  channels: number;
  kind: CouplingKind;
  mask: MaskKind;
  /** Which half (channel mask) or which squares (checkerboard) condition. */
  parity: 0 | 1;
  /** The network t, h = NN(x_a); may be shared with other coupling layers. */
  net: CouplingNet;
}

/**
 * Coupling layer (RealNVP eqs. 4–9, Glow §3.3): part x_a of the input passes unchanged and
 * parametrises an elementwise affine (or additive) map of the rest x_b, so the Jacobian is
 * triangular and log|det| = Σ log s. The inverse reads the same x_a from y.
 */
export class Coupling implements FlowLayer {
  readonly tanhScale: tf.Variable | null; // [] (affine-tanh only)

  constructor(readonly name: string, readonly options: CouplingOptions, params: ParamStore) {
    const { channels, kind, mask, net } = options;
    if (mask === 'channel') channelSplit(channels, options.parity);
    const need = this.netOutChannels();
    if (need > net.config.outChannels) throw new Error(`${name}: the coupling network writes ${net.config.outChannels} channels, ${need} are needed`);
    const inNeed = mask === 'channel' ? channelSplit(channels, options.parity).conditioner[1] : channels;
    if (inNeed > net.config.inChannels) throw new Error(`${name}: the coupling network reads ${net.config.inChannels} channels, ${inNeed} are given`);
    net.users++;
    this.tanhScale = kind === 'affine-tanh' ? params.variable(`${name}/tanh_scale`, tf.scalar(1)) : null;
  }

  private netOutChannels(): number {
    const { channels, kind, mask, parity } = this.options;
    const nb = mask === 'channel' ? channelSplit(channels, parity).transformed[1] : channels;
    return kind === 'additive' ? nb : 2 * nb;
  }


  /** Shift t and log-scale (null for additive) from the network output h, [B, H, W, n] each. */
  private shiftAndLogScale(h: tf.Tensor4D, n: number): { t: tf.Tensor4D; logs: tf.Tensor4D | null } {
    const { kind } = this.options;
    if (kind === 'additive') return { t: h, logs: null };
    const t = tf.slice(h, [0, 0, 0, 0], [-1, -1, -1, n]) as tf.Tensor4D; // [B, H, W, n]
    const raw = tf.slice(h, [0, 0, 0, n], [-1, -1, -1, n]) as tf.Tensor4D; // [B, H, W, n]
    // log sigmoid(h + 2) = −softplus(−(h + 2)); tf.logSigmoid's custom gradient holds a tensor that
    // nested tidies dispose, so it is written out with kernels that save their own inputs.
    const logs = kind === 'affine-sigmoid' ? tf.neg(tf.softplus(tf.neg(tf.add(raw, 2)))) : tf.mul(this.tanhScale!, tf.tanh(raw));
    return { t, logs: logs as tf.Tensor4D };
  }

  /**
   * Elementwise map of the transformed part: sigmoid form y = (x + t)·s, tanh form
   * y = x·s + t, additive y = x + t; and its inverse. Returns the part and Σ log s per sample.
   */
  private transform(xb: tf.Tensor4D, t: tf.Tensor4D, logs: tf.Tensor4D | null, reverse: boolean): { yb: tf.Tensor4D; dlogdet: tf.Tensor1D | null } {
    const { kind } = this.options;
    if (!logs) return { yb: (reverse ? tf.sub(xb, t) : tf.add(xb, t)) as tf.Tensor4D, dlogdet: null };
    const dlogdet = tf.sum(logs, [1, 2, 3]) as tf.Tensor1D; // [B]
    let yb: tf.Tensor;
    if (kind === 'affine-sigmoid') yb = reverse ? tf.sub(tf.mul(xb, tf.exp(tf.neg(logs))), t) : tf.mul(tf.add(xb, t), tf.exp(logs));
    else yb = reverse ? tf.mul(tf.sub(xb, t), tf.exp(tf.neg(logs))) : tf.add(tf.mul(xb, tf.exp(logs)), t);
    return { yb: yb as tf.Tensor4D, dlogdet };
  }

  apply(x: tf.Tensor4D, logdet: tf.Tensor1D, reverse: boolean, ctx: FlowContext): FlowResult {
    const { channels, mask, parity, net } = this.options;
    checkInput(this.name, x, channels);
    return tf.tidy(() => {
      let y: tf.Tensor4D;
      let dlogdet: tf.Tensor1D | null;
      if (mask === 'channel') {
        const { conditioner, transformed } = channelSplit(channels, parity);
        const xa = tf.slice(x, [0, 0, 0, conditioner[0]], [-1, -1, -1, conditioner[1]]) as tf.Tensor4D; // [B, H, W, ca]
        const xb = tf.slice(x, [0, 0, 0, transformed[0]], [-1, -1, -1, transformed[1]]) as tf.Tensor4D; // [B, H, W, cb]
        const h = net.apply(xa, this.netOutChannels(), ctx.cond); // [B, H, W, cb or 2cb]
        const { t, logs } = this.shiftAndLogScale(h, transformed[1]);
        const r = this.transform(xb, t, logs, reverse);
        dlogdet = r.dlogdet;
        y = (parity === 0 ? tf.concat([xa, r.yb], 3) : tf.concat([r.yb, xa], 3)) as tf.Tensor4D; // [B, H, W, C]
      } else {
        const [, hh, ww] = x.shape;
        const m = checkerboardMask(hh, ww, parity); // [1, H, W, 1], 1 = conditioner (made per call: no cached tensors)
        const free = tf.sub(1, m); // [1, H, W, 1]
        const h = net.apply(tf.mul(x, m) as tf.Tensor4D, this.netOutChannels(), ctx.cond); // [B, H, W, C or 2C]
        const raw = this.shiftAndLogScale(h, channels);
        // Masking t and log s to zero on the conditioning squares leaves them unchanged.
        const t = tf.mul(raw.t, free) as tf.Tensor4D;
        const logs = raw.logs ? (tf.mul(raw.logs, free) as tf.Tensor4D) : null;
        const r = this.transform(x, t, logs, reverse);
        y = r.yb;
        dlogdet = r.dlogdet;
      }
      if (!dlogdet) return { y, logdet: tf.clone(logdet) };
      return { y, logdet: (reverse ? tf.sub(logdet, dlogdet) : tf.add(logdet, dlogdet)) as tf.Tensor1D };
    });
  }

  dispose(): void {
    // Nothing of its own beyond the parameter store's variables.
  }
}
