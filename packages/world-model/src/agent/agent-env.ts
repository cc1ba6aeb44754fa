import { make, ReferencePreprocessObservation, ResizeObservation, type Env } from '@worldmodels/envs';
import { ENV_KINDS, type EnvKind } from '../config/env-kinds.js';

/** The real env of a kind, with the same frame preprocessing the data set was collected with (64×64×3 frames). */
export function makeAgentEnv(kind: EnvKind, envOptions?: Record<string, unknown>): Env<Uint8Array, any> {
  const info = ENV_KINDS[kind];
  const env = make(info.envId, envOptions) as Env<Uint8Array, any>;
  switch (info.preprocess) {
    case 'reference':
      return new ReferencePreprocessObservation(env) as Env<Uint8Array, any>;
    case 'resize64':
      return new ResizeObservation(env, { height: 64, width: 64 }) as Env<Uint8Array, any>;
    default:
      return env;
  }
}

export interface AgentEpisode {
  /** Sum of the env's rewards. */
  return: number;
  /** Sum of the per-step surprise (curiosity must be on in the agent). */
  surprise: number;
  length: number;
  terminated: boolean;
  truncated: boolean;
}

/** What {@link runAgentEpisode} plays with: `WorldModelAgent`, or any other frame-to-action agent (e.g. a planner in M). */
export interface EpisodeAgent {
  /** Starts a new episode. */
  reset(): void;
  /** One step: frame (uint8 [64, 64, 3]) → the env action, and its curiosity surprise (0 without). */
  act(frame: Uint8Array): { action: number | Float32Array; surprise: number };
}

/**
 * Plays one real-env episode with the agent from `reset({ seed })` until it ends or reaches
 * `maxSteps`. `onStep` sees each observation the agent acted on (e.g. to record a GIF).
 */
export function runAgentEpisode(
  env: Env<Uint8Array, any>,
  agent: EpisodeAgent,
  options: { seed: number; maxSteps?: number; onStep?: (observation: Uint8Array, t: number) => void },
): AgentEpisode {
  const maxSteps = options.maxSteps ?? Number.POSITIVE_INFINITY;
  agent.reset();
  let { observation } = env.reset({ seed: options.seed });
  let total = 0;
  let surprise = 0;
  let t = 0;
  let terminated = false;
  let truncated = false;
  while (t < maxSteps) {
    options.onStep?.(observation, t);
    const step = agent.act(observation);
    surprise += step.surprise;
    const res = env.step(step.action);
    total += res.reward;
    t++;
    observation = res.observation;
    terminated = res.terminated;
    truncated = res.truncated;
    if (terminated || truncated) break;
  }
  return { return: total, surprise, length: t, terminated, truncated: truncated || (!terminated && t >= maxSteps) };
}
