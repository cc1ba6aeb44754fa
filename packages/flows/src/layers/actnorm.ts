import * as tf from '@tensorflow/tfjs-core';
import type { ParamStore } from '../params.js';
import { type FlowContext, type FlowLayer, type FlowResult, checkInput } from './flow-layer.js';

/**
 * Activation normalisation (Glow, Kingma & Dhariwal 2018, §3.1 and Table 1):
 * y = (x + b) ⊙ exp(logs) per channel, log-det = H·W·Σ logs. Data-dependent initialisation sets
 * b = −mean and logs = −log(std) of the first batch, so that batch comes out with zero mean and
 * unit variance per channel.
 */
export class ActNorm implements FlowLayer {
  readonly bias: tf.Variable; // [C]
  readonly logs: tf.Variable; // [C]
  /** Whether data-dependent initialisation has run (restored from checkpoints). */
  initialized = false;

  constructor(readonly name: string, readonly channels: number, params: ParamStore) {
    this.bias = params.variable(`${name}/bias`, tf.zeros([channels]));
    this.logs = params.variable(`${name}/logs`, tf.zeros([channels]));
  }

  /** Sets bias and log-scale so `x` ([B, H, W, C]) has zero mean and unit variance per channel. */
  initialize(x: tf.Tensor4D): void {
    checkInput(this.name, x, this.channels);
    tf.tidy(() => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]); // [C], [C]
      this.bias.assign(tf.neg(mean));
      this.logs.assign(tf.neg(tf.log(tf.add(tf.sqrt(variance), 1e-6))));
    });
    this.initialized = true;
  }

  apply(x: tf.Tensor4D, logdet: tf.Tensor1D, reverse: boolean, ctx: FlowContext): FlowResult {
    checkInput(this.name, x, this.channels);
    if (ctx.init && !reverse) this.initialize(x);
    return tf.tidy(() => {
      const [, h, w] = x.shape;
      const dlogdet = tf.mul(tf.sum(this.logs), h * w); // []
      if (!reverse) {
        const y = tf.mul(tf.add(x, this.bias), tf.exp(this.logs)) as tf.Tensor4D; // [B, H, W, C]
        return { y, logdet: tf.add(logdet, dlogdet) as tf.Tensor1D };
      }
      const y = tf.sub(tf.mul(x, tf.exp(tf.neg(this.logs))), this.bias) as tf.Tensor4D; // [B, H, W, C]
      return { y, logdet: tf.sub(logdet, dlogdet) as tf.Tensor1D };
    });
  }
}
