import type { EnvKind } from './env-kinds.js';
import { DEFAULT_ITERATIVE, type RunConfig, type RunConfigInput } from './schema.js';

export type PresetName = 'paper' | 'tiny' | 'ci';
export const PRESET_NAMES: readonly PresetName[] = ['paper', 'tiny', 'ci'];

/**
 * The paper's sizes (Ha & Schmidhuber 2018 and its reference code), the defaults every other
 * preset and config file starts from.
 */
function paper(env: EnvKind): RunConfig {
  const carracing = env === 'carracing';
  return {
    env,
    seed: 1,
    backend: 'auto',
    iterations: 1,
    iterative: { ...DEFAULT_ITERATIVE },
    collect: {
      episodes: 10_000,
      ...(carracing ? {} : { maxSteps: 2100 }),
      policy: carracing ? 'random-agent' : 'held',
      workers: 2,
    },
    vae: { zSize: carracing ? 32 : 64, epochs: 10, batchSize: 100, learningRate: 1e-4, klTolerance: 0.5, beta: 1, width: 1, checkpointEvery: 500 },
    series: { batchSize: 1000 },
    mdnrnn: {
      hiddenSize: carracing ? 256 : 512,
      mixtures: 5,
      epochs: 40,
      batchSize: 100,
      seqLen: carracing ? 999 : 100,
      learningRate: 1e-3,
      gradClip: 1,
      doneHead: !carracing,
      rewardHead: carracing,
      padEpisodeEnds: !carracing,
      donePositiveWeight: 10,
      checkpointEvery: 500,
    },
    controller: {
      mode: carracing ? 'real' : 'dream',
      form: carracing ? 'linear' : 'doom',
      hiddenUnits: 40,
      algorithm: 'cmaes',
      popSize: 64,
      sigma: 0.1,
      weightDecay: 0,
      generations: carracing ? 1800 : 400,
      episodesPerMember: 16,
      evalEvery: 25,
      evalEpisodes: 1024,
      workers: 2,
      dream: { temperature: carracing ? 1.0 : 1.15, maxSteps: carracing ? 1000 : 2100, temperatures: [] },
      curiosity: { weight: 0 },
    },
    eval: { episodes: 100, seed: 1_000_000, gifFrames: 200 },
  };
}

/** Small enough to run end to end in a few minutes on 2 cores: the README's first job. */
function tiny(env: EnvKind): RunConfigInput {
  const carracing = env === 'carracing';
  return {
    collect: { episodes: 16, maxSteps: carracing ? 200 : 300, policy: carracing ? 'brownian' : 'held', workers: 2 },
    vae: { epochs: 2, batchSize: 32, width: 0.25, checkpointEvery: 50, learningRate: 1e-3 },
    series: { batchSize: 200 },
    mdnrnn: { hiddenSize: 64, epochs: 10, batchSize: 16, seqLen: 32, checkpointEvery: 50 },
    controller: {
      popSize: 8,
      generations: carracing ? 4 : 10,
      episodesPerMember: carracing ? 1 : 4,
      evalEvery: 2,
      evalEpisodes: carracing ? 2 : 16,
      maxSteps: 200,
      workers: 0,
      dream: { maxSteps: 300 },
    },
    eval: { episodes: 4, maxSteps: carracing ? 300 : 500, gifFrames: 60 },
  };
}

/** Smaller still: the end-to-end test in CI (well under two minutes on 2 cores). */
function ci(env: EnvKind): RunConfigInput {
  return {
    collect: { episodes: 2, maxSteps: 40, policy: env === 'carracing' ? 'brownian' : 'held', workers: 0 },
    vae: { zSize: 8, epochs: 1, batchSize: 20, width: 0.125, checkpointEvery: 4, learningRate: 1e-3 },
    series: { batchSize: 64 },
    mdnrnn: { hiddenSize: 16, mixtures: 2, epochs: 3, batchSize: 4, seqLen: 8, checkpointEvery: 4 },
    controller: {
      popSize: 4,
      generations: 2,
      episodesPerMember: 1,
      evalEvery: 1,
      evalEpisodes: 2,
      maxSteps: 24,
      workers: 0,
      dream: { maxSteps: 24 },
    },
    eval: { episodes: 2, maxSteps: 24, gifFrames: 8 },
  };
}

export function presetConfig(env: EnvKind, preset: PresetName): { base: RunConfig; overrides: RunConfigInput } {
  const base = paper(env);
  switch (preset) {
    case 'paper':
      return { base, overrides: {} };
    case 'tiny':
      return { base, overrides: tiny(env) };
    case 'ci':
      return { base, overrides: ci(env) };
    default:
      throw new Error(`unknown preset '${String(preset)}'; use ${PRESET_NAMES.join(', ')}`);
  }
}
