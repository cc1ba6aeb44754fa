import type * as tf from '@tensorflow/tfjs-core';
import type { NamedTensors } from './variables.js';

const PREFIX = 'optimizer/';

/** The optimizer's slots (Adam's moments, its step) as named tensors under `optimizer/`, to save beside the weights. */
export async function optimizerState(optimizer: tf.Optimizer): Promise<NamedTensors> {
  const weights = await optimizer.getWeights();
  return Object.fromEntries(weights.map((w) => [`${PREFIX}${w.name}`, w.tensor]));
}

/** Restores slots saved by {@link optimizerState}; returns how many were restored. */
export async function restoreOptimizer(optimizer: tf.Optimizer, tensors: NamedTensors): Promise<number> {
  const weights = Object.entries(tensors)
    .filter(([name]) => name.startsWith(PREFIX))
    .map(([name, tensor]) => ({ name: name.slice(PREFIX.length), tensor }));
  if (weights.length > 0) await optimizer.setWeights(weights);
  return weights.length;
}
