import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@worldmodels/core';

/** Tests run on core's choice of backend (WORLDMODELS_BACKEND forces one), quietly. */
export async function useTestBackend(): Promise<string> {
  await initBackend({ quiet: true });
  return tf.getBackend();
}
