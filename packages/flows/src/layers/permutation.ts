import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@worldmodels/core/rng';
import { type FlowContext, type FlowLayer, type FlowResult, checkInput } from './flow-layer.js';

/**
 * A fixed channel permutation (log-det 0): `reverse` flips the channel order (RealNVP's and
 * Glow's cheap alternative to the 1×1 convolution), `shuffle` applies a seeded random one.
 */
export class ChannelPermutation implements FlowLayer {
  readonly order: number[];
  readonly inverse: number[];
  private readonly orderT: tf.Tensor1D;
  private readonly inverseT: tf.Tensor1D;

  constructor(readonly name: string, readonly channels: number, kind: 'reverse' | 'shuffle', rng?: Rng) {
    if (kind === 'shuffle' && !rng) throw new Error(`${name}: a shuffle permutation needs an Rng`);
    this.order = kind === 'reverse' ? Array.from({ length: channels }, (_, i) => channels - 1 - i) : Array.from(rng!.permutation(channels));
    this.inverse = new Array<number>(channels);
    this.order.forEach((src, dst) => (this.inverse[src] = dst));
    this.orderT = tf.keep(tf.tensor1d(this.order, 'int32'));
    this.inverseT = tf.keep(tf.tensor1d(this.inverse, 'int32'));
  }

  apply(x: tf.Tensor4D, logdet: tf.Tensor1D, reverse: boolean, _ctx: FlowContext): FlowResult {
    checkInput(this.name, x, this.channels);
    const y = tf.gather(x, reverse ? this.inverseT : this.orderT, 3) as tf.Tensor4D; // [B, H, W, C]
    return { y, logdet: tf.clone(logdet) };
  }

  dispose(): void {
    this.orderT.dispose();
    this.inverseT.dispose();
  }
}
