import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@worldmodels/core';

/** Test helper: the fastest backend core finds (honours WORLDMODELS_BACKEND), quietly. */
export async function useTestBackend(): Promise<string> {
  await initBackend({ quiet: true });
  return tf.getBackend();
}
