import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { zeroState, type ActionAdapter, type MemoryModel, type MemoryState } from '@worldmodels/world-model';

/**
 * M's one-step predictions along a played episode: for every step t ≥ 1, the z_t that M expected
 * after seeing (z_{t−1}, a_{t−1}) — per z dimension, the mean of the mixture's most likely
 * component (τ = 0 sampling: the mode of p(z_t | z_{t−1}, a_{t−1}, h_{t−1}), paper §2.2).
 * M is stepped exactly as the agent steps it (processed action, restart flag on the first step),
 * so index t of the result is the prediction for frame t; index 0 is null (nothing predicts it).
 */
export function predictedLatents(mdnrnn: MemoryModel, actions: ActionAdapter, zs: Float32Array[], outputs: Float32Array[]): (Float32Array | null)[] {
  if (zs.length !== outputs.length) throw new Error(`predictedLatents needs one controller output per z, got ${zs.length} z's and ${outputs.length} outputs`);
  const Z = mdnrnn.config.zSize;
  const mode = new Rng(0); // τ = 0 draws no random numbers
  const result: (Float32Array | null)[] = [null];
  let state: MemoryState = zeroState(1, mdnrnn.config.hiddenSize);
  try {
    for (let t = 0; t + 1 < zs.length; t++) {
      const z = tf.tensor2d(zs[t]!, [1, Z]); // [1, Z]
      const output = tf.tensor2d(outputs[t]!, [1, actions.outputs]); // [1, A]
      const memoryAction = actions.memoryAction(output); // [1, actionSize]
      const restart = t === 0 && mdnrnn.config.restartInput ? tf.ones([1]) : undefined; // [1]
      const out = mdnrnn.step(z, memoryAction, state, restart);
      tf.dispose([z, output, memoryAction, state.h, state.c]);
      restart?.dispose();
      state = out.state;
      const next = mdnrnn.sample(out, 0, mode); // [1, Z]
      result.push(next.dataSync() as Float32Array);
      tf.dispose([next, out.logmix, out.mean, out.logstd, out.doneLogit, out.reward].filter((x): x is tf.Tensor => x !== undefined));
    }
  } finally {
    tf.dispose([state.h, state.c]);
  }
  return result;
}
