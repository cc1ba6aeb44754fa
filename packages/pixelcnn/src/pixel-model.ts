import type * as tf from '@tensorflow/tfjs-core';
import type { OutputSpec } from './output/output-spec.js';

/**
 * What samplers, inpainting and the trainer need of an autoregressive image model.
 */
export interface PixelModel {
  readonly imageShape: readonly [number, number, number];
  readonly outputSpec: OutputSpec;
  readonly conditionSize: number;
  /** The per-pixel distribution parameters of x (0..255) [B, H, W, C]: logits [B, H, W, C, 256] or mixture params [B, H, W, P]. */
  forward(x: tf.Tensor, cond?: tf.Tensor): tf.Tensor;
  /** −log p(x | cond) in nats per image, [B]. */
  nll(x: tf.Tensor, cond?: tf.Tensor): tf.Tensor1D;
  readonly trainableVariables: tf.Variable[];
  /** Runs `fn` with the causal masks multiplied into the kernels once (weights unchanged inside). */
  withFrozenMasks?<T>(fn: () => T): T;
}
