import { ProgressReporter } from '@worldmodels/core/progress';
import { EvaluationPool, type EvaluationJob } from './evaluation-pool.js';
import { episodeSeed } from './episode-seeds.js';
import type { WorkerSpec } from './worker-spec.js';

export interface EvaluatePopulationOptions {
  /** The parameter vectors to score. */
  candidates: readonly Float64Array[];
  /** Episodes per candidate; the fitness is their mean (default 1). */
  episodes?: number;
  /** Root seed of the run. */
  seed: number;
  /** Generation index, part of every episode's seed (default 0). */
  generation?: number;
  /**
   * The same episode seeds for every candidate of a generation (common random numbers, a fairer
   * comparison within a generation) instead of one seed per (member, episode). Default false.
   */
  commonSeeds?: boolean;
  /** The worker module; ignored when `pool` is given. */
  makeWorker?: WorkerSpec;
  /** Worker threads for a pool made for this call (default: available parallelism; 0 = this thread). */
  workers?: number;
  /** A pool to reuse across generations (it is not closed). */
  pool?: EvaluationPool;
  /** Attempts per episode before failing (default 3). */
  maxAttempts?: number;
  /** Show progress (a bar on a TTY, plain lines otherwise): true, false, or a label (default false). */
  progress?: boolean | string;
}

export interface PopulationFitness {
  /** Mean return per candidate. */
  fitness: number[];
  /** returns[member][episode]. */
  returns: number[][];
  /** seeds[member][episode], the env seeds used. */
  seeds: number[][];
}

/**
 * Scores a population in parallel: every (member, episode) is a job with a seed derived from
 * (seed, generation, member, episode), run on a worker pool whose workers each hold their own
 * evaluator; failed or crashed jobs are retried. The result is identical for any worker count.
 */
export async function evaluatePopulation(options: EvaluatePopulationOptions): Promise<PopulationFitness> {
  const { candidates, seed } = options;
  const episodes = options.episodes ?? 1;
  const generation = options.generation ?? 0;
  if (!Array.isArray(candidates) || candidates.length === 0) throw new Error('evaluatePopulation needs a non-empty array of candidates');
  if (!Number.isInteger(episodes) || episodes < 1) throw new Error(`episodes must be an integer ≥ 1, got ${episodes}`);
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  candidates.forEach((c, i) => {
    if (!(c instanceof Float64Array) && !(c instanceof Float32Array)) throw new Error(`candidates[${i}] must be a Float64Array or Float32Array`);
  });
  const seeds = candidates.map((_, m) => Array.from({ length: episodes }, (_, e) => episodeSeed(seed, generation, options.commonSeeds ? 0 : m, e)));
  const jobs: EvaluationJob[] = [];
  candidates.forEach((c, m) => {
    const params = c instanceof Float64Array ? c : Float64Array.from(c);
    for (let e = 0; e < episodes; e++) jobs.push({ params, seed: seeds[m]![e]!, label: `generation ${generation} member ${m} episode ${e}` });
  });

  let pool = options.pool;
  const ownPool = !pool;
  if (!pool) {
    if (!options.makeWorker) throw new Error('evaluatePopulation needs makeWorker (or a pool)');
    pool = new EvaluationPool({ makeWorker: options.makeWorker, workers: options.workers, maxAttempts: options.maxAttempts });
  }
  const progress = options.progress
    ? new ProgressReporter({ total: jobs.length, label: typeof options.progress === 'string' ? options.progress : `generation ${generation}` })
    : null;
  try {
    let done = 0;
    const scores = await pool.run(jobs, () => progress?.update(++done));
    const returns = candidates.map((_, m) => scores.slice(m * episodes, (m + 1) * episodes));
    const fitness = returns.map((r) => r.reduce((a, b) => a + b, 0) / r.length);
    return { fitness, returns, seeds };
  } finally {
    progress?.stop();
    if (ownPool) await pool.close();
  }
}
