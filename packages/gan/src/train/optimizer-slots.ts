import * as tf from '@tensorflow/tfjs-core';

/**
 * An optimizer's state (Adam: iteration count, first and second moments) as named tensors
 * `<prefix>/000 …`, in the optimizer's own order. tfjs optimizers match slots to variables by
 * position in the variable list, so a restore into a fresh optimizer that is then given the same
 * variable list in the same order continues exactly. The returned tensors are clones: dispose them.
 */
export async function optimizerSlots(prefix: string, optimizer: tf.Optimizer): Promise<Record<string, tf.Tensor>> {
  const weights = await optimizer.getWeights();
  const out: Record<string, tf.Tensor> = {};
  weights.forEach((w, i) => {
    out[`${prefix}/${String(i).padStart(4, '0')}`] = w.name === 'iter' ? w.tensor : tf.clone(w.tensor);
  });
  return out;
}

/** Restores slots saved by {@link optimizerSlots} into a fresh optimizer; returns how many. */
export async function restoreOptimizerSlots(prefix: string, optimizer: tf.Optimizer, tensors: Record<string, tf.Tensor>): Promise<number> {
  const names = Object.keys(tensors)
    .filter((k) => k.startsWith(`${prefix}/`) && /^\d{4}$/.test(k.slice(prefix.length + 1)))
    .sort();
  if (names.length === 0) return 0;
  // The first slot is the iteration count (int32 'iter'), then the per-variable slots.
  const weights = names.map((name, i) => ({ name: i === 0 ? 'iter' : name, tensor: tf.clone(tensors[name]!) }));
  await optimizer.setWeights(weights);
  for (const w of weights) w.tensor.dispose(); // setWeights read the count and made variables sharing the slots' data
  return names.length;
}

/** Sets an Adam (or any tfjs) optimizer's learning rate in place (linear decay schedules). */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
}
