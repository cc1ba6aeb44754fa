import { resolve } from 'node:path';
import { ProgressReporter } from '@worldmodels/core/progress';
import { type CollectOptions, type CollectResult, type EpisodeSummary, collectRollouts, completedEpisodes, episodeWritten } from '@worldmodels/envs';
import { sha256, stableJson } from '../jobs/content-hash.js';
import { ROLLOUT_JOB, type RolloutConfig, type RolloutJobData, type RolloutJobResult } from '../jobs/job-types.js';
import { QueueConnection, type QueueConnectionOptions } from './queue-connection.js';
import { runJobs, type QueuedJob, type RunJobsOptions } from './run-jobs.js';

export interface CollectRolloutsOnQueueOptions extends Omit<CollectOptions, 'workers'> {
  /** An open {@link QueueConnection} (kept open), or where to connect for this call. */
  queue: QueueConnection | (QueueConnectionOptions & RunJobsOptions);
}

/**
 * `collectRollouts` of envs with one queue job per episode: workers play episode `i` with the
 * seeds derived from (seed, i) — envs's own episode code (`runRolloutWorker`) in a worker thread —
 * and write it into `out`, which must be a directory every worker sees (a shared disk). The data
 * set is the same as a local collection's, and a collection resumes the same way (complete
 * episodes are kept, missing or damaged ones collected again).
 */
export async function collectRolloutsOnQueue(options: CollectRolloutsOnQueueOptions): Promise<CollectResult> {
  const started = Date.now();
  const { queue, ...collect } = options;
  if (!queue || typeof queue !== 'object') throw new Error('collectRolloutsOnQueue needs queue: an open QueueConnection or { redis: URL, queue?: name }');
  if (typeof collect.out !== 'string' || collect.out === '') throw new Error('collectRolloutsOnQueue: out must be a directory path');
  const out = resolve(collect.out);
  const { episodes, seed } = collect;
  // envs's own checks and data set set-up (shapes, manifest, refusing other settings), collecting nothing.
  await collectRollouts({ ...collect, out, episodes: 0, workers: 0, progress: false, onEpisode: undefined });
  const resumeCheck = collect.resumeCheck ?? 'size';
  const config: RolloutConfig = {
    env: collect.env,
    policy: collect.policy,
    out,
    seed,
    preprocess: collect.preprocess ?? 'none',
    ...(collect.envOptions !== undefined && { envOptions: collect.envOptions }),
    ...(collect.maxSteps !== undefined && { maxSteps: collect.maxSteps }),
  };
  const configHash = sha256(stableJson(config));

  const { done, repaired } = await completedEpisodes(out, episodes, resumeCheck);
  const missing: number[] = [];
  for (let i = 0; i < episodes; i++) if (!done.has(i)) missing.push(i);

  const connection = queue instanceof QueueConnection ? queue : await QueueConnection.open(queue);
  const progress = new ProgressReporter({ total: episodes, label: `collect ${collect.env} (queue)`, silent: collect.progress === false });
  let completed = done.size;
  let steps = 0;
  let returns = 0;
  progress.update(completed);
  try {
    const jobs: QueuedJob<RolloutJobData>[] = missing.map((index) => ({
      id: `ro-${sha256(`${configHash}|${index}`).slice(0, 40)}`,
      name: ROLLOUT_JOB,
      data: { config, configHash, index },
      label: `${collect.env} episode ${index} of ${out}`,
    }));
    const summaries = await runJobs<RolloutJobData, RolloutJobResult>(
      connection,
      jobs,
      (_i, s: EpisodeSummary) => {
        completed++;
        steps += s.length;
        returns += s.return;
        progress.update(completed, { steps, 'mean return': Number((returns / (completed - done.size)).toFixed(2)) });
        collect.onEpisode?.(s);
      },
      queue instanceof QueueConnection ? {} : queue,
    );
    const absent: number[] = [];
    for (const s of summaries) if (!(await episodeWritten(out, s.index))) absent.push(s.index);
    if (absent.length > 0) {
      throw new Error(`episodes ${absent.join(', ')} were reported collected but are not in ${out}: the data set directory must be a path every worker sees (a shared disk mounted at the same path)`);
    }
  } finally {
    progress.stop();
    if (!(queue instanceof QueueConnection)) await connection.close();
  }
  return { collected: missing.length, kept: done.size, repaired, steps, seconds: (Date.now() - started) / 1000 };
}
