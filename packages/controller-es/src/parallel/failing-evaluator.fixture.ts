import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEvaluator as createBenchmark } from '../evaluators/benchmark-evaluator.js';
import type { Evaluator } from './worker-spec.js';

/**
 * Test worker module: the first attempt at each of `failSeeds` fails — the worker exits
 * (`process.exit`) or the evaluator throws — and leaves a marker file, so the retry succeeds.
 */
export function createEvaluator(options: { markerDir: string; mode: 'exit' | 'throw'; failSeeds: number[]; noise?: number }): Evaluator {
  const inner = createBenchmark({ function: 'sphere', noise: options.noise ?? 0.1 });
  return (params, seed) => {
    const marker = join(options.markerDir, `seed-${seed}`);
    if (options.failSeeds.includes(seed) && !existsSync(marker)) {
      writeFileSync(marker, 'failed once\n');
      if (options.mode === 'exit') process.exit(3);
      throw new Error(`deliberate failure for seed ${seed}`);
    }
    return inner(params, seed);
  };
}
