import { DatasetWriter } from '@worldmodels/core/dataset';
import { ProgressReporter } from '@worldmodels/core/progress';
import { completedEpisodes, type ResumeCheck } from './completed-episodes.js';
import { EpisodeJob, makeCollectionEnv, type EpisodeJobConfig, type EpisodeSummary, type ObservationPreprocess } from './episode-job.js';
import type { PolicySpec } from './policies.js';
import { actionWidth } from './run-episode.js';
import { runOnWorkers } from './worker-pool.js';

export interface CollectOptions {
  /** A registered env id, e.g. 'CarRacing-v0'. */
  env: string;
  /** Options passed to `make(env, envOptions)`. */
  envOptions?: Record<string, unknown>;
  /** Observation preprocessing before storage (default 'none'). */
  preprocess?: ObservationPreprocess;
  policy: PolicySpec;
  /** Number of episodes in the data set (indices 0 .. episodes-1). */
  episodes: number;
  /** Worker threads (default 1); 0 collects in the calling thread. */
  workers?: number;
  /** Data set directory (created if needed). */
  out: string;
  /** Seed of the whole collection: episode i uses seeds derived from (seed, i) only. */
  seed: number;
  /** Cut episodes at this many steps (default: none beyond the env's own limits). */
  maxSteps?: number;
  /** How to check episodes found on disk when resuming (default 'size'). */
  resumeCheck?: ResumeCheck;
  /** Show progress (default true): a bar on a terminal, plain lines otherwise. */
  progress?: boolean;
  /** Called after each episode is written. */
  onEpisode?: (summary: EpisodeSummary) => void;
}

export interface CollectResult {
  /** Episodes collected by this call. */
  collected: number;
  /** Episodes already complete on disk and kept. */
  kept: number;
  /** Episodes found damaged (file missing, wrong size or checksum) and collected again. */
  repaired: number[];
  /** Steps collected by this call. */
  steps: number;
  seconds: number;
}

/**
 * Collects `episodes` rollouts of `env` with `policy` into the data set at `out`, in parallel
 * worker threads, one `.npz` file per episode written atomically by core's DatasetWriter.
 *
 * Resumable: run it again after a kill (or with a larger `episodes`) and it keeps every complete
 * episode and collects only the missing indices. Each episode's env seed and policy stream are
 * derived from (seed, index) with `Rng.derive`, so the data are the same whatever the number of
 * workers and however often the run was interrupted. A data set collected with other settings
 * (env, policy, seed, preprocessing, step cap) is refused rather than mixed.
 */
export async function collectRollouts(options: CollectOptions): Promise<CollectResult> {
  const started = Date.now();
  const { env: envId, episodes, out, seed } = options;
  const workers = options.workers ?? 1;
  if (typeof envId !== 'string' || envId === '') throw new Error('collectRollouts: env must be a registered env id');
  if (!Number.isInteger(episodes) || episodes < 0) throw new Error(`collectRollouts: episodes must be a non-negative integer, got ${episodes}`);
  if (!Number.isInteger(workers) || workers < 0) throw new Error(`collectRollouts: workers must be a non-negative integer, got ${workers}`);
  if (!Number.isInteger(seed)) throw new Error(`collectRollouts: seed must be an integer, got ${seed}`);
  if (typeof out !== 'string' || out === '') throw new Error('collectRollouts: out must be a directory path');
  if (options.maxSteps !== undefined && (!Number.isInteger(options.maxSteps) || options.maxSteps < 1)) {
    throw new Error(`collectRollouts: maxSteps must be a positive integer, got ${options.maxSteps}`);
  }
  const resumeCheck = options.resumeCheck ?? 'size';
  if (resumeCheck !== 'size' && resumeCheck !== 'checksum') throw new Error(`collectRollouts: resumeCheck must be 'size' or 'checksum', got ${String(resumeCheck)}`);

  const config: EpisodeJobConfig = {
    env: envId,
    policy: options.policy,
    out,
    seed,
    preprocess: options.preprocess ?? 'none',
    ...(options.envOptions !== undefined && { envOptions: options.envOptions }),
    ...(options.maxSteps !== undefined && { maxSteps: options.maxSteps }),
  };

  // The shapes come from the env itself (this also validates env id and options up front).
  const probe = makeCollectionEnv(config);
  const observationShape = [...probe.observationSpace.shape];
  const actionShape = [actionWidth(probe)];
  probe.close();
  const settings = { policy: config.policy, seed, preprocess: config.preprocess, envOptions: config.envOptions ?? null, maxSteps: config.maxSteps ?? null };
  const writer = await DatasetWriter.open(out, { env: envId, observationShape, actionShape, info: { collection: settings } });
  checkSameCollection(out, writer.manifest, envId, settings);

  const { done, repaired } = await completedEpisodes(out, episodes, resumeCheck);
  const missing: number[] = [];
  for (let i = 0; i < episodes; i++) if (!done.has(i)) missing.push(i);

  const progress = new ProgressReporter({ total: episodes, label: `collect ${envId}`, silent: options.progress === false });
  let completed = done.size;
  let steps = 0;
  let returns = 0;
  progress.update(completed);
  const onDone = (s: EpisodeSummary): void => {
    completed++;
    steps += s.length;
    returns += s.return;
    const made = completed - done.size;
    progress.update(completed, { steps, 'mean return': Number((returns / made).toFixed(2)) });
    options.onEpisode?.(s);
  };

  try {
    if (workers === 0) {
      const job = await EpisodeJob.create(config);
      try {
        for (const index of missing) onDone(await job.run(index));
      } finally {
        job.close();
      }
    } else {
      await runOnWorkers(config, missing, workers, onDone);
    }
  } finally {
    progress.stop();
  }
  return { collected: missing.length, kept: done.size, repaired, steps, seconds: (Date.now() - started) / 1000 };
}

function checkSameCollection(out: string, manifest: DatasetWriter['manifest'], envId: string, settings: Record<string, unknown>): void {
  if (manifest.env !== undefined && manifest.env !== envId) {
    throw new Error(`data set ${out} holds ${manifest.env} rollouts, not ${envId}; use another directory`);
  }
  const recorded = (manifest.info as { collection?: unknown } | undefined)?.collection;
  if (recorded !== undefined && JSON.stringify(recorded) !== JSON.stringify(settings)) {
    throw new Error(`data set ${out} was collected with other settings (${JSON.stringify(recorded)}), not ${JSON.stringify(settings)}; resume with the same env, policy, seed, preprocess, envOptions and maxSteps, or use another directory`);
  }
}
