import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@worldmodels/core/rng';

/**
 * A worker module for the checkpoint tests: option `model` is a checkpoint directory holding
 * `target.bin` (float64 values); fitness = −‖params − target‖² + 0.1·N(0, 1) from the episode seed.
 */
export function createEvaluator(options: { model: string }): (params: Float64Array, seed: number) => number {
  if (typeof options?.model !== 'string') throw new Error('checkpoint evaluator needs option model (a checkpoint directory)');
  const bytes = readFileSync(join(options.model, 'target.bin'));
  const target = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return (params, seed) => {
    let s = 0;
    for (let i = 0; i < params.length; i++) s += (params[i]! - (target[i] ?? 0)) ** 2;
    return -s + 0.1 * new Rng(seed).normal();
  };
}
