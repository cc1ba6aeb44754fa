import * as tf from '@tensorflow/tfjs-core';
import type { ParamStore } from '../params.js';
import { type FlowContext, type FlowLayer, type FlowResult, checkInput } from './flow-layer.js';

/**
 * Multi-scale split (RealNVP §3.6, Glow's split2d): z = (z₁, z₂); z₂ leaves the flow, scored under
 * a learned conditional Gaussian N(μ(z₁, c), σ(z₁, c)²) whose parameters come from a
 * zero-initialised conv3×3 of z₁ (plus a linear map of the conditioning vector c).
 *
 * As a bijection the layer maps z ↦ (z₁, ε) with ε = (z₂ − μ)/σ, pushed onto `ctx.latents`; its
 * log-det is −Σ log σ, so log N(z₂; μ, σ) = log N(ε; 0, 1) − Σ log σ. In reverse it pops ε (or
 * samples ε ~ N(0, T²) when none is left: temperature T scales the prior's σ) and rebuilds z₂.
 */
export class Split implements FlowLayer {
  readonly kernel: tf.Variable; // [3, 3, c1, 2·c2]
  readonly bias: tf.Variable; // [2·c2]
  readonly condKernel: tf.Variable | null; // [condDim, 2·c2]
  readonly keep: number;
  readonly out: number;

  constructor(readonly name: string, readonly channels: number, params: ParamStore, condDim = 0) {
    if (channels < 2) throw new Error(`${name}: a split needs at least 2 channels, got ${channels}`);
    this.keep = Math.floor(channels / 2);
    this.out = channels - this.keep;
    this.kernel = params.variable(`${name}/prior/kernel`, tf.zeros([3, 3, this.keep, 2 * this.out]));
    this.bias = params.variable(`${name}/prior/bias`, tf.zeros([2 * this.out]));
    this.condKernel = condDim > 0 ? params.variable(`${name}/prior/cond_kernel`, tf.zeros([condDim, 2 * this.out])) : null;
  }

  /** Mean and log σ of z₂ given z₁: [B, H, W, c2] each. */
  prior(z1: tf.Tensor4D, cond?: tf.Tensor2D): { mean: tf.Tensor4D; logs: tf.Tensor4D } {
    if (this.condKernel && !cond) throw new Error(`${this.name}: this flow is conditional; pass a conditioning vector`);
    let h = tf.add(tf.conv2d(z1, this.kernel as tf.Tensor4D, 1, 'same'), this.bias) as tf.Tensor4D; // [B, H, W, 2·c2]
    if (this.condKernel && cond) {
      const c = tf.matMul(cond, this.condKernel as tf.Tensor2D); // [B, 2·c2]
      h = tf.add(h, tf.reshape(c, [c.shape[0], 1, 1, 2 * this.out])) as tf.Tensor4D;
    }
    const mean = tf.slice(h, [0, 0, 0, 0], [-1, -1, -1, this.out]) as tf.Tensor4D;
    const logs = tf.slice(h, [0, 0, 0, this.out], [-1, -1, -1, this.out]) as tf.Tensor4D;
    return { mean, logs };
  }

  apply(x: tf.Tensor4D, logdet: tf.Tensor1D, reverse: boolean, ctx: FlowContext): FlowResult {
    if (!reverse) {
      checkInput(this.name, x, this.channels);
      const r = tf.tidy(() => {
        const z1 = tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, this.keep]) as tf.Tensor4D; // [B, H, W, c1]
        const z2 = tf.slice(x, [0, 0, 0, this.keep], [-1, -1, -1, this.out]) as tf.Tensor4D; // [B, H, W, c2]
        const { mean, logs } = this.prior(z1, ctx.cond);
        const eps = tf.mul(tf.sub(z2, mean), tf.exp(tf.neg(logs))) as tf.Tensor4D; // [B, H, W, c2]
        return { y: z1, eps, logdet: tf.sub(logdet, tf.sum(logs, [1, 2, 3])) as tf.Tensor1D };
      });
      ctx.latents.push(r.eps);
      return { y: r.y, logdet: r.logdet };
    }
    checkInput(this.name, x, this.keep);
    const [b, h, w] = x.shape;
    const given = ctx.latents.pop();
    if (given && given.shape.join(',') !== [b, h, w, this.out].join(',')) {
      throw new Error(`${this.name}: latent has shape [${given.shape.join(', ')}], expected [${[b, h, w, this.out].join(', ')}]`);
    }
    return tf.tidy(() => {
      const eps = given ?? sampleLatent([b, h, w, this.out], ctx); // [B, H, W, c2]
      const { mean, logs } = this.prior(x, ctx.cond);
      const z2 = tf.add(mean, tf.mul(tf.exp(logs), eps)); // [B, H, W, c2]
      return { y: tf.concat([x, z2], 3) as tf.Tensor4D, logdet: tf.add(logdet, tf.sum(logs, [1, 2, 3])) as tf.Tensor1D };
    });
  }
}

/** ε ~ N(0, T²) for a reverse pass with no latent given. */
export function sampleLatent(shape: [number, number, number, number], ctx: FlowContext): tf.Tensor4D {
  const t = ctx.temperature ?? 1;
  if (!(t >= 0) || !Number.isFinite(t)) throw new Error(`temperature must be a finite number ≥ 0, got ${t}`);
  return tf.randomNormal(shape, 0, t, 'float32', ctx.nextSeed?.()) as tf.Tensor4D;
}
