import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@worldmodels/core';

/** Test helper: the fastest backend core finds (honours WORLDMODELS_BACKEND), quietly. */
export async function useTestBackend(): Promise<string> {
  await initBackend({ quiet: true });
  return tf.getBackend();
}

/** Deterministic uint8 images [N, S, S, C]: smooth colour gradients with a per-image offset. */
export function syntheticImages(count: number, size: number, channels: number, seed = 0): Uint8Array {
  const out = new Uint8Array(count * size * size * channels);
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (let c = 0; c < channels; c++) {
          out[((n * size + y) * size + x) * channels + c] = (x * 7 + y * 3 + c * 50 + (n + seed) * 37) % 256;
        }
      }
    }
  }
  return out;
}

/** Deterministic smooth uint8 images [N, S, S, C]: a per-image colour plus gentle gradients (easy to autoencode). */
export function smoothImages(count: number, size: number, channels: number): Uint8Array {
  const out = new Uint8Array(count * size * size * channels);
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (let c = 0; c < channels; c++) {
          const base = 40 + ((n * 53 + c * 71) % 120);
          const slope = ((n + c) % 3) - 1;
          out[((n * size + y) * size + x) * channels + c] = Math.round(base + (slope * 60 * x) / size + (40 * y) / size);
        }
      }
    }
  }
  return out;
}
