import type { EpisodeSummary } from '@worldmodels/envs';
import type { CheckpointRef } from '../checkpoints/checkpoint-ref.js';

/** The queue every coordinator and worker uses unless told otherwise. */
export const DEFAULT_QUEUE = 'worldmodels';

/** Job names on the queue. */
export const EVALUATE_JOB = 'evaluate';
export const ROLLOUT_JOB = 'rollout';

/**
 * The evaluator a worker builds (controller-es's worker-module convention): `module` exports
 * `createEvaluator(options)` (or `exportName`) returning `(params, seed) => fitness`.
 * `module` is a file URL (the same path on every machine, e.g. an installed package or a shared
 * disk) or a bare package specifier such as `@worldmodels/controller-es/carracing-evaluator`.
 * Each entry of `checkpoints` reaches the worker by content hash and becomes option `name`
 * holding the verified local checkpoint directory.
 */
export interface EvaluatorRef {
  module: string;
  options?: unknown;
  exportName?: string;
  checkpoints?: Record<string, CheckpointRef>;
}

/** Data of an `evaluate` job: one candidate, a batch of its episodes. */
export interface EvaluateJobData {
  evaluator: EvaluatorRef;
  /** Content hash of `evaluator` (stable JSON), the key of the worker's evaluator pool. */
  evaluatorHash: string;
  /** The candidate's float64 parameters, base64 ({@link encodeFloat64}). */
  params: string;
  /** SHA-256 of the parameter bytes, checked by the worker. */
  paramsSha256: string;
  /** One env seed per episode of the batch. */
  seeds: number[];
  /** Per-episode labels for error messages (e.g. `generation 3 member 5 episode 0`). */
  labels: string[];
}

/** Return value of an `evaluate` job: one return per seed, float64 base64 (exact, ±Infinity included). */
export interface EvaluateJobResult {
  returns: string;
}

/** Everything a worker needs to collect one episode (envs's `EpisodeJobConfig`, plain data). */
export interface RolloutConfig {
  env: string;
  envOptions?: Record<string, unknown>;
  preprocess?: 'none' | 'resize64' | 'reference';
  policy: unknown;
  /** The data set directory: a path every worker sees (a shared disk). */
  out: string;
  seed: number;
  maxSteps?: number;
}

/** Data of a `rollout` job: one episode of a collection. */
export interface RolloutJobData {
  config: RolloutConfig;
  configHash: string;
  index: number;
}

export type RolloutJobResult = EpisodeSummary;
