import * as tf from '@tensorflow/tfjs-core';
import type { ParamStore } from '../params.js';
import { type FlowContext, type FlowLayer, type FlowResult, checkInput } from './flow-layer.js';

/**
 * The prior on the last level's output (Glow's learned top prior, `learntop`, and its class
 * conditioning `ycond`): z ~ N(μ, σ²) with per-position μ, log σ learned (zero-initialised, so it
 * starts as N(0, I)) plus a linear map of the conditioning vector. As a bijection
 * z ↦ ε = (z − μ)/σ, log-det −Σ log σ.
 */
export class TopPrior implements FlowLayer {
  readonly meanLogs: tf.Variable; // [1, H, W, 2C]
  readonly condKernel: tf.Variable | null; // [condDim, 2C]

  constructor(readonly name: string, readonly shape: [number, number, number], params: ParamStore, condDim = 0) {
    const [h, w, c] = shape;
    this.meanLogs = params.variable(`${name}/mean_logs`, tf.zeros([1, h, w, 2 * c]));
    this.condKernel = condDim > 0 ? params.variable(`${name}/cond_kernel`, tf.zeros([condDim, 2 * c])) : null;
  }

  private params(cond?: tf.Tensor2D): { mean: tf.Tensor4D; logs: tf.Tensor4D } {
    if (this.condKernel && !cond) throw new Error(`${this.name}: this flow is conditional; pass a conditioning vector`);
    const c = this.shape[2];
    let h = this.meanLogs as tf.Tensor4D; // [1, H, W, 2C]
    if (this.condKernel && cond) {
      const y = tf.matMul(cond, this.condKernel as tf.Tensor2D); // [B, 2C]
      h = tf.add(h, tf.reshape(y, [y.shape[0], 1, 1, 2 * c])) as tf.Tensor4D; // [B, H, W, 2C]
    }
    return {
      mean: tf.slice(h, [0, 0, 0, 0], [-1, -1, -1, c]) as tf.Tensor4D,
      logs: tf.slice(h, [0, 0, 0, c], [-1, -1, -1, c]) as tf.Tensor4D,
    };
  }

  apply(x: tf.Tensor4D, logdet: tf.Tensor1D, reverse: boolean, ctx: FlowContext): FlowResult {
    checkInput(this.name, x, this.shape[2]);
    return tf.tidy(() => {
      const { mean, logs } = this.params(ctx.cond);
      const sumLogs = tf.mul(tf.sum(logs, [1, 2, 3]), tf.ones([x.shape[0]])) as tf.Tensor1D; // [B]
      if (!reverse) {
        const y = tf.mul(tf.sub(x, mean), tf.exp(tf.neg(logs))) as tf.Tensor4D; // [B, H, W, C]
        return { y, logdet: tf.sub(logdet, sumLogs) as tf.Tensor1D };
      }
      const y = tf.add(mean, tf.mul(tf.exp(logs), x)) as tf.Tensor4D; // [B, H, W, C]
      return { y, logdet: tf.add(logdet, sumLogs) as tf.Tensor1D };
    });
  }
}
