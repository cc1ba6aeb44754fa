import * as tf from '@tensorflow/tfjs-core';
import { categoricalNll, LEVELS } from './categorical.js';
import { logisticMixtureNll, mixtureParamCount } from './logistic-mixture.js';

/** How a model scores a pixel: a 256-way softmax per sub-pixel, or PixelCNN++'s logistic mixture per pixel. */
export type OutputKind = 'softmax' | 'logistic-mixture';

export interface OutputSpec {
  kind: OutputKind;
  channels: number;
  /** Mixture components (logistic-mixture only). */
  components: number;
}

/** Channels of the head's output per pixel. */
export function outputChannels(spec: OutputSpec): number {
  return spec.kind === 'softmax' ? spec.channels * LEVELS : mixtureParamCount(spec.channels, spec.components);
}

/**
 * Channel groups of the model's features: one per image channel for the softmax (R → G → B
 * inside a pixel), one for the mixture (the whole pixel is predicted from earlier pixels).
 */
export function outputGroups(spec: OutputSpec): number {
  return spec.kind === 'softmax' ? spec.channels : 1;
}

/** The head's raw output [B, H, W, outC] in the shape the distribution uses. */
export function shapeOutput(raw: tf.Tensor4D, spec: OutputSpec): tf.Tensor {
  const [b, h, w] = raw.shape;
  return spec.kind === 'softmax' ? tf.reshape(raw, [b, h, w, spec.channels, LEVELS]) : raw;
}

/** NLL in nats per image [B] of x (0..255) under the model output. */
export function outputNll(out: tf.Tensor, x: tf.Tensor4D, spec: OutputSpec): tf.Tensor1D {
  return spec.kind === 'softmax' ? categoricalNll(out, x) : logisticMixtureNll(out as tf.Tensor4D, x, spec.components);
}
