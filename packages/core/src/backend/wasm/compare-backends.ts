import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { Rng } from '../../random/index.js';
import { wasmDistDirectory } from '../wasm-paths.js';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels.js';

/**
 * Helpers for checking wasm kernels against the cpu backend (used by this folder's tests and
 * benchmark). Inputs are plain arrays so each backend builds its own tensors.
 */

/** A float32 input: shape plus values. */
export interface HostArray {
  shape: number[];
  values: Float32Array;
}

/** Seeded standard-normal input of `shape`. */
export function randomInput(rng: Rng, shape: number[]): HostArray {
  const size = shape.reduce((a, b) => a * b, 1);
  return { shape, values: rng.fillNormal(new Float32Array(size)) };
}

/** Loads the wasm backend (once) and registers the training kernels; leaves `backend` active. */
export async function useBackend(backend: 'wasm' | 'cpu'): Promise<void> {
  if (backend === 'wasm' && tf.findBackend('wasm') === null) {
    const dir = await wasmDistDirectory();
    if (dir) setWasmPaths(dir);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`backend '${backend}' failed to initialise`);
  await tf.ready();
  if (backend === 'wasm') registerWasmTrainingKernels();
}

/**
 * Runs `fn` on `backend` with tensors built from `inputs` and returns its outputs as host arrays;
 * every tensor it made is disposed.
 */
export async function runOn(
  backend: 'wasm' | 'cpu',
  inputs: HostArray[],
  fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): Promise<HostArray[]> {
  await useBackend(backend);
  const results = tf.tidy(() => {
    const xs = inputs.map((a) => tf.tensor(a.values, a.shape, 'float32'));
    const out = fn(...xs);
    return Array.isArray(out) ? out : [out];
  });
  const arrays = results.map((t) => ({ shape: t.shape.slice(), values: t.dataSync() as Float32Array }));
  tf.dispose(results);
  return arrays;
}

/** max |a − b| / max(|b|, 1e-30) over the whole tensor: the error relative to b's scale. */
export function relativeError(a: HostArray, b: HostArray): number {
  if (a.shape.join() !== b.shape.join()) throw new Error(`shapes differ: [${a.shape}] vs [${b.shape}]`);
  let diff = 0;
  let scale = 1e-30;
  for (let i = 0; i < b.values.length; i++) {
    diff = Math.max(diff, Math.abs(a.values[i]! - b.values[i]!));
    scale = Math.max(scale, Math.abs(b.values[i]!));
  }
  return diff / scale;
}
