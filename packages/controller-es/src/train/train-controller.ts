import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWriteFile } from '@worldmodels/core/dataset';
import { MetricsLogger, type MetricsRecord } from '@worldmodels/core/progress';
import type { EvolutionStrategy, EvolutionStrategyJSON } from '../es/evolution-strategy.js';
import { strategyFromJSON } from '../es/from-json.js';
import { saveControllerFile } from '../controllers/controller-file.js';
import { EvaluationPool } from '../parallel/evaluation-pool.js';
import { evaluatePopulation } from '../parallel/evaluate-population.js';
import { evaluationSeed } from '../parallel/episode-seeds.js';
import type { WorkerSpec } from '../parallel/worker-spec.js';

export interface TrainControllerOptions {
  /** The strategy to start from; ignored when `runDir` holds a checkpoint (the run resumes). */
  es: EvolutionStrategy;
  /** Total generations of the run (a resumed run continues up to this count). */
  generations: number;
  /** Episodes per candidate; fitness is their mean (paper: 16; default 16). */
  episodesPerMember?: number;
  /** Score the mean every this many generations, and at the last one (paper: 25; default 25; 0 = never). */
  evalEvery?: number;
  /** Fixed-seed episodes for scoring the mean (paper: 1024; default 100). */
  evalEpisodes?: number;
  /** The worker module that builds each worker's evaluator. */
  evaluator: WorkerSpec;
  /** Worker threads (default: available parallelism; 0 = this thread). Ignored with `pool`. */
  workers?: number;
  /** A pool to use instead of making one (left open). */
  pool?: EvaluationPool;
  /** Checkpoint, metrics and best controller go here. */
  runDir: string;
  /** Root seed of the episode seeds (default 0). */
  seed?: number;
  /** Same episode seeds for all members of a generation (default false). */
  commonSeeds?: boolean;
  /** End early when the strategy's stopping criteria hold (default true). */
  stopWhenConverged?: boolean;
  /** Attempts per episode before the run fails (default 3). */
  maxAttempts?: number;
  /** Progress bar per generation (default false). */
  progress?: boolean;
  /** Called after each generation is logged and checkpointed. */
  onGeneration?: (record: GenerationRecord, es: EvolutionStrategy) => void | Promise<void>;
}

/** One line of `metrics.jsonl`. */
export interface GenerationRecord {
  /** Completed generations. */
  generation: number;
  /** Episodes run so far (training only). */
  episodes: number;
  fitness_mean: number;
  fitness_min: number;
  fitness_max: number;
  fitness_std: number;
  sigma: number;
  /** Best single-candidate fitness seen so far. */
  best_fitness: number;
  /** Score of the mean on the fixed evaluation seeds (generations where it was scored). */
  eval_mean?: number;
  eval_std?: number;
  seconds: number;
}

export interface TrainControllerResult {
  es: EvolutionStrategy;
  /** The best evaluation of the mean (what `best.json` holds), or null if never scored. */
  best: { params: Float64Array; score: number; generation: number } | null;
  /** Stopping criteria that ended the run early, or []. */
  stopReasons: string[];
  /** True when the run continued from a checkpoint in runDir. */
  resumed: boolean;
}

interface Checkpoint {
  version: 1;
  seed: number;
  episodesPerMember: number;
  episodes: number;
  best: { params: number[]; score: number; generation: number } | null;
  es: EvolutionStrategyJSON;
}

export const RUN_FILES = {
  checkpoint: 'checkpoint.json',
  metrics: 'metrics.jsonl',
  best: 'best.json',
  done: 'done.json',
} as const;

/**
 * Trains a controller with an evolution strategy (the paper's C training loop, §3.3 / Appendix):
 * each generation asks the strategy for a population, scores every candidate as the mean return
 * of `episodesPerMember` episodes on the worker pool, tells the strategy, logs mean/min/max/std
 * fitness and σ to `metrics.jsonl`, and checkpoints the strategy atomically. Every `evalEvery`
 * generations the mean is scored on `evalEpisodes` fixed seeds and the best such mean is kept in
 * `best.json` (`[params, score]`, the reference's format). Killed and restarted with the same
 * runDir, it resumes from the last checkpoint and continues exactly as the uninterrupted run.
 */
export async function trainController(options: TrainControllerOptions): Promise<TrainControllerResult> {
  const { runDir } = options;
  const generations = checkCount('generations', options.generations, 0);
  const episodesPerMember = checkCount('episodesPerMember', options.episodesPerMember ?? 16, 1);
  const evalEvery = checkCount('evalEvery', options.evalEvery ?? 25, 0);
  const evalEpisodes = checkCount('evalEpisodes', options.evalEpisodes ?? 100, 1);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  if (!options.es || typeof options.es.ask !== 'function') throw new Error('trainController needs an evolution strategy (es)');

  const checkpointPath = join(runDir, RUN_FILES.checkpoint);
  const metricsPath = join(runDir, RUN_FILES.metrics);
  let es = options.es;
  let best: TrainControllerResult['best'] = null;
  let episodes = 0;
  let resumed = false;
  if (existsSync(checkpointPath)) {
    const ckpt = await readCheckpoint(checkpointPath);
    if (ckpt.seed !== seed) throw new Error(`${checkpointPath} was written with seed ${ckpt.seed}, not ${seed}; use another runDir or the same seed`);
    if (ckpt.episodesPerMember !== episodesPerMember) throw new Error(`${checkpointPath} was written with episodesPerMember ${ckpt.episodesPerMember}, not ${episodesPerMember}`);
    es = strategyFromJSON(ckpt.es);
    if (es.type !== options.es.type || es.dim !== options.es.dim) throw new Error(`${checkpointPath} holds a ${es.type} of dim ${es.dim}, but the run was given a ${options.es.type} of dim ${options.es.dim}`);
    best = ckpt.best && { params: Float64Array.from(ckpt.best.params), score: ckpt.best.score, generation: ckpt.best.generation };
    episodes = ckpt.episodes;
    resumed = true;
    await dropMetricsAfter(metricsPath, es.generation);
  }
  const metrics = await MetricsLogger.open(metricsPath);

  const stopWhenConverged = options.stopWhenConverged ?? true;
  let stopReasons: string[] = [];
  const pool = options.pool ?? new EvaluationPool({ makeWorker: options.evaluator, workers: options.workers, maxAttempts: options.maxAttempts });
  try {
    while (es.generation < generations) {
      if (stopWhenConverged && es.shouldStop()) {
        stopReasons = es.stopReasons();
        break;
      }
      const started = performance.now();
      const g = es.generation;
      const candidates = es.ask();
      const { fitness } = await evaluatePopulation({
        candidates,
        episodes: episodesPerMember,
        seed,
        generation: g,
        commonSeeds: options.commonSeeds,
        pool,
        progress: options.progress ? `generation ${g + 1}/${generations}` : false,
      });
      es.tell(fitness);
      episodes += candidates.length * episodesPerMember;

      const record: GenerationRecord = {
        generation: es.generation,
        episodes,
        ...fitnessStats(fitness),
        sigma: es.sigma,
        best_fitness: es.best?.fitness ?? Math.max(...fitness),
        seconds: 0,
      };
      if (evalEvery > 0 && (es.generation % evalEvery === 0 || es.generation === generations)) {
        const mean = es.mean;
        const jobs = Array.from({ length: evalEpisodes }, (_, e) => ({ params: mean, seed: evaluationSeed(seed, e), label: `evaluation of the mean at generation ${es.generation}, episode ${e}` }));
        const scores = await pool.run(jobs);
        const { fitness_mean, fitness_std } = fitnessStats(scores);
        record.eval_mean = fitness_mean;
        record.eval_std = fitness_std;
        if (!best || fitness_mean > best.score) {
          best = { params: mean, score: fitness_mean, generation: es.generation };
          await saveControllerFile(join(runDir, RUN_FILES.best), mean, fitness_mean);
        }
      }
      record.seconds = (performance.now() - started) / 1000;
      // Log first, then checkpoint: a kill in between leaves a line that the resumed run drops.
      await metrics.log(record as unknown as MetricsRecord);
      const ckpt: Checkpoint = {
        version: 1,
        seed,
        episodesPerMember,
        episodes,
        best: best && { params: Array.from(best.params), score: best.score, generation: best.generation },
        es: es.toJSON(),
      };
      await atomicWriteFile(checkpointPath, JSON.stringify(ckpt));
      await options.onGeneration?.(record, es);
    }
    if (stopWhenConverged && stopReasons.length === 0 && es.shouldStop()) stopReasons = es.stopReasons();
    await atomicWriteFile(join(runDir, RUN_FILES.done), `${JSON.stringify({ generation: es.generation, stopReasons, best: best && { score: best.score, generation: best.generation } }, null, 2)}\n`);
  } finally {
    if (!options.pool) await pool.close();
  }
  return { es, best, stopReasons, resumed };
}

function fitnessStats(values: readonly number[]): { fitness_mean: number; fitness_min: number; fitness_max: number; fitness_std: number } {
  const n = values.length;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / n;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return { fitness_mean: mean, fitness_min: min, fitness_max: max, fitness_std: Math.sqrt(ss / n) };
}

async function readCheckpoint(path: string): Promise<Checkpoint> {
  let json: Checkpoint;
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as Checkpoint;
  } catch (error) {
    throw new Error(`cannot read training checkpoint ${path}: ${(error as Error).message}`);
  }
  if (json?.version !== 1 || !json.es) throw new Error(`${path} is not a controller training checkpoint (version 1)`);
  return json;
}

/** Keeps only the metrics of generations ≤ `generation` (lines logged after the last checkpoint go). */
async function dropMetricsAfter(path: string, generation: number): Promise<void> {
  if (!existsSync(path)) return;
  const text = await readFile(path, 'utf8');
  const records = await MetricsLogger.read(path);
  const kept = records.filter((r) => typeof r.generation === 'number' && r.generation <= generation);
  // Rewrite when lines go, or when a kill cut the last line short (appending would join it).
  if (kept.length === records.length && (text === '' || text.endsWith('\n'))) return;
  await atomicWriteFile(path, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${value}`);
  return value;
}
