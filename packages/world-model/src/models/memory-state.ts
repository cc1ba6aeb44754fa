import * as tf from '@tensorflow/tfjs-core';
import type { MemoryOutput, MemoryState } from './model-types.js';

/** M's initial state: zeros [B, hidden]. */
export function zeroState(batch: number, hiddenSize: number): MemoryState {
  return { h: tf.zeros([batch, hiddenSize]) as tf.Tensor2D, c: tf.zeros([batch, hiddenSize]) as tf.Tensor2D };
}

export function disposeState(state: MemoryState): void {
  state.h.dispose();
  state.c.dispose();
}

/** Disposes every tensor of a step's output except the new state (kept by the caller). */
export function disposeOutputHeads(out: MemoryOutput): void {
  out.logmix.dispose();
  out.mean.dispose();
  out.logstd.dispose();
  out.doneLogit?.dispose();
  out.reward?.dispose();
}
