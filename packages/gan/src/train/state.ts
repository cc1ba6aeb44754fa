import * as tf from '@tensorflow/tfjs-core';
import { Rng, type RngState } from '@worldmodels/core/rng';
import type { ParamStore } from '../nn/params.js';

/** A network's parameters as checkpoint entries `<prefix>/<name>` (clones: dispose them). */
export function paramEntries(prefix: string, store: ParamStore): Record<string, tf.Tensor> {
  return Object.fromEntries(Object.entries(store.named()).map(([k, v]) => [`${prefix}/${k}`, tf.clone(v)]));
}

/** Sets a network's parameters from checkpoint entries written by {@link paramEntries}. */
export function restoreParams(prefix: string, store: ParamStore, tensors: Record<string, tf.Tensor>, where: string): void {
  const own: Record<string, tf.Tensor> = {};
  for (const [k, v] of Object.entries(tensors)) if (k.startsWith(`${prefix}/`)) own[k.slice(prefix.length + 1)] = v;
  store.assign(own, where);
}

/** An RNG state read back from checkpoint metadata, with an error naming the checkpoint. */
export function rngFromMetadata(value: unknown, what: string, where: string): Rng {
  if (!value || typeof value !== 'object') throw new Error(`${where}: metadata has no ${what} RNG state`);
  return Rng.fromState(value as RngState);
}

/**
 * Checks that a checkpoint was written for the same architecture, naming the first difference.
 * `seed` only decides the initial weights, which the checkpoint replaces, so it is not compared.
 */
export function assertSameConfig(saved: unknown, current: Record<string, unknown>, where: string): void {
  if (!saved || typeof saved !== 'object') throw new Error(`${where}: metadata has no model config`);
  const s = saved as Record<string, unknown>;
  for (const [k, v] of Object.entries(current)) {
    if (k === 'seed') continue;
    if (JSON.stringify(s[k]) !== JSON.stringify(v)) {
      throw new Error(`${where}: checkpoint was written with ${k} = ${JSON.stringify(s[k])}, this trainer has ${JSON.stringify(v)}`);
    }
  }
}
