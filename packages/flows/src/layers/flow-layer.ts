import type * as tf from '@tensorflow/tfjs-core';

/**
 * What flows alongside the tensor through a flow: the optional conditioning vector, the latents
 * factored out by multi-scale splits and the top prior (pushed in the forward direction, popped
 * in reverse; a reverse pass with none left samples them), the sampling temperature, and the
 * data-dependent initialisation switch.
 */
export interface FlowContext {
  /** [B, condDim] conditioning vector, when the flow is conditional. */
  cond?: tf.Tensor2D;
  /** Standard-normal latents ε, in the order the forward pass produced them. */
  latents: tf.Tensor4D[];
  /** Reverse pass: the scale T of sampled latents ε ~ N(0, T²) (1 by default). */
  temperature?: number;
  /** Reverse pass: batch size when latents must be sampled. */
  batchSize?: number;
  /** Reverse pass: draws a seed for each sampled latent. */
  nextSeed?: () => number;
  /** Forward pass: set actnorm parameters from this batch (Glow's data-dependent init). */
  init?: boolean;
}

export interface FlowResult {
  /** [B, H, W, C] output of the layer (its input, in reverse). */
  y: tf.Tensor4D;
  /** [B] accumulated log|det ∂f/∂x| (plus factored-out prior terms' −Σ log σ). */
  logdet: tf.Tensor1D;
}

/**
 * One invertible layer in openai/glow style: `apply(x, logdet, false)` is the forward map
 * y = f(x) adding log|det ∂f/∂x| to `logdet`; `apply(y, logdet, true)` is the inverse x = f⁻¹(y)
 * subtracting the same amount, so a forward then reverse pass returns `logdet` unchanged.
 */
export interface FlowLayer {
  readonly name: string;
  apply(x: tf.Tensor4D, logdet: tf.Tensor1D, reverse: boolean, ctx: FlowContext): FlowResult;
}

/** A flow is a list of layers: forward runs them in order, reverse in the opposite order. */
export function runLayers(layers: readonly FlowLayer[], x: tf.Tensor4D, logdet: tf.Tensor1D, reverse: boolean, ctx: FlowContext): FlowResult {
  let r: FlowResult = { y: x, logdet };
  const order = reverse ? [...layers].reverse() : layers;
  for (const layer of order) r = layer.apply(r.y, r.logdet, reverse, ctx);
  return r;
}

/** Checks a layer input is a 4-D tensor with the expected channel count. */
export function checkInput(layer: string, x: tf.Tensor, channels?: number): void {
  if (x.rank !== 4) throw new Error(`${layer}: expected a [B, H, W, C] tensor, got shape [${x.shape.join(', ')}]`);
  if (channels !== undefined && x.shape[3] !== channels) {
    throw new Error(`${layer}: expected ${channels} channels, got shape [${x.shape.join(', ')}]`);
  }
}
