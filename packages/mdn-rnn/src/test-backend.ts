import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@worldmodels/core';

/** Test helper: the fastest backend present (core's choice; WORLDMODELS_BACKEND forces one). */
export async function useTestBackend(): Promise<string> {
  await initBackend();
  return tf.getBackend();
}

/** True when the active backend is a slow one (pure JS or wasm), so tests shrink their work. */
export function isSlowBackend(): boolean {
  const name = tf.getBackend();
  return name === 'cpu' || name === 'wasm';
}
