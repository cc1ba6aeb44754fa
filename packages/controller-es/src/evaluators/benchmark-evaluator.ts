import { Rng } from '@worldmodels/core/rng';
import { type BenchmarkFunctionName, benchmarkFunctions } from '../benchmarks/functions.js';
import type { Evaluator } from '../parallel/worker-spec.js';

export interface BenchmarkEvaluatorOptions {
  /** Which cost function (fitness is its negative). */
  function: BenchmarkFunctionName;
  /** Standard deviation of Gaussian noise added per episode, drawn from the episode seed (default 0). */
  noise?: number;
  /** Busy work per call in milliseconds, to mimic an episode's cost in pool tests (default 0). */
  delayMs?: number;
}

/**
 * A worker module for tests and demos: fitness = −f(params) + noise·N(0, 1), the noise drawn from
 * the episode seed, so the score is a pure function of (params, seed).
 */
export function createEvaluator(options: BenchmarkEvaluatorOptions): Evaluator {
  const f = benchmarkFunctions[options?.function];
  if (!f) throw new Error(`unknown benchmark function '${String(options?.function)}' (known: ${Object.keys(benchmarkFunctions).join(', ')})`);
  const noise = options.noise ?? 0;
  const delayMs = options.delayMs ?? 0;
  return (params, seed) => {
    if (delayMs > 0) {
      const until = performance.now() + delayMs;
      while (performance.now() < until) {
        /* busy: a CPU-bound episode */
      }
    }
    return -f(params) + (noise > 0 ? noise * new Rng(seed).normal() : 0);
  };
}
