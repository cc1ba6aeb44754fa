export { collectRollouts, type CollectOptions, type CollectResult } from './collect-rollouts.js';
export { type Policy, type PolicyContext, type PolicyFactory, type PolicySpec, uniformPolicy, brownianPolicy, heldPolicy, resolvePolicy } from './policies.js';
export { runEpisode, type EpisodeArrays, type EpisodeOutcome } from './run-episode.js';
export { episodeEnvSeed, episodePolicyRng } from './episode-seeds.js';
export { runRolloutWorker } from './rollout-worker-main.js';
export type { EpisodeSummary, ObservationPreprocess } from './episode-job.js';
export { completedEpisodes, episodeWritten, type ResumeCheck } from './completed-episodes.js';
