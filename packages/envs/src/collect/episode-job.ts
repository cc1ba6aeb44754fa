import { DatasetWriter } from '@worldmodels/core/dataset';
import type { Env } from '../env.js';
import { make } from '../registry.js';
import { ReferencePreprocessObservation } from '../wrappers/reference-observation.js';
import { ResizeObservation } from '../wrappers/resize-observation.js';
import { episodeEnvSeed, episodePolicyRng } from './episode-seeds.js';
import { resolvePolicy, type PolicySpec } from './policies.js';
import { runEpisode } from './run-episode.js';

/** How observations are stored: as the env emits them, resized to 64×64, or as the reference preprocessed CarRacing. */
export type ObservationPreprocess = 'none' | 'resize64' | 'reference';

/** Everything a worker needs to collect any episode of a collection (plain data: it crosses threads). */
export interface EpisodeJobConfig {
  env: string;
  envOptions?: Record<string, unknown>;
  preprocess?: ObservationPreprocess;
  policy: PolicySpec;
  out: string;
  seed: number;
  maxSteps?: number;
}

/** What the collection learns about a finished episode. */
export interface EpisodeSummary {
  index: number;
  length: number;
  return: number;
  terminated: boolean;
  truncated: boolean;
}

/** Builds the env of a collection, with its observation preprocessing. */
export function makeCollectionEnv(config: Pick<EpisodeJobConfig, 'env' | 'envOptions' | 'preprocess'>): Env<Uint8Array, any> {
  const env = make(config.env, config.envOptions);
  switch (config.preprocess ?? 'none') {
    case 'none':
      return env;
    case 'resize64':
      return new ResizeObservation(env, { height: 64, width: 64 });
    case 'reference':
      return new ReferencePreprocessObservation(env);
    default:
      throw new Error(`unknown preprocess ${JSON.stringify(config.preprocess)}; use 'none', 'resize64' or 'reference'`);
  }
}

/**
 * Collects single episodes of a collection by index, in whichever thread runs it: one env, the
 * resolved policy factory, and a writer into the shared data set directory (one atomic file per
 * episode, so workers never touch each other's files).
 */
export class EpisodeJob {
  private constructor(
    private readonly config: EpisodeJobConfig,
    private readonly env: Env<Uint8Array, any>,
    private readonly policy: Awaited<ReturnType<typeof resolvePolicy>>,
    private readonly writer: DatasetWriter,
  ) {}

  static async create(config: EpisodeJobConfig): Promise<EpisodeJob> {
    const policy = await resolvePolicy(config.policy);
    const env = makeCollectionEnv(config);
    const writer = await DatasetWriter.open(config.out);
    return new EpisodeJob(config, env, policy, writer);
  }

  /** Plays episode `index` with its derived seeds and writes it as episode id `index`. */
  async run(index: number): Promise<EpisodeSummary> {
    const { seed, maxSteps } = this.config;
    const envSeed = episodeEnvSeed(seed, index);
    const policy = await this.policy.factory({
      envId: this.env.id,
      actionSpace: this.env.actionSpace,
      rng: episodePolicyRng(seed, index),
      options: this.policy.options,
    });
    const outcome = runEpisode(this.env, policy, { seed: envSeed, ...(maxSteps !== undefined && { maxSteps }) });
    await this.writer.writeEpisode(
      { ...outcome.arrays },
      { id: index, seed: envSeed, info: { return: outcome.return, terminated: outcome.terminated, truncated: outcome.truncated } },
    );
    return { index, length: outcome.length, return: outcome.return, terminated: outcome.terminated, truncated: outcome.truncated };
  }

  close(): void {
    this.env.close();
  }
}
