import type { Env } from '../env.js';
import { Discrete } from '../spaces.js';
import type { Policy } from './policies.js';

/** One episode as the data set stores it: step t holds the observation seen before action t. */
export interface EpisodeArrays {
  /** [T, H, W, C] */
  observations: Uint8Array;
  /** [T, A]: a Discrete action is stored as its index (A = 1). */
  actions: Float32Array;
  /** [T]: the reward received after action t. */
  rewards: Float32Array;
  /** [T]: 1 on the last step when the episode ended there (terminated, truncated or cut at maxSteps). */
  dones: Uint8Array;
}

export interface EpisodeOutcome {
  arrays: EpisodeArrays;
  length: number;
  return: number;
  terminated: boolean;
  truncated: boolean;
}

/** Width of one stored action: 1 for a Discrete space, the box size otherwise. */
export function actionWidth(env: Env<any, any>): number {
  return env.actionSpace instanceof Discrete ? 1 : env.actionSpace.size;
}

/**
 * Plays one episode of `env` with `policy` from `reset({ seed })` until it terminates, is
 * truncated, or reaches `maxSteps` steps, and returns its arrays (the final observation, seen
 * after the last action, is not stored, as in the reference's rollouts).
 */
export function runEpisode(env: Env<Uint8Array, any>, policy: Policy, options: { seed: number; maxSteps?: number }): EpisodeOutcome {
  const maxSteps = options.maxSteps ?? Number.POSITIVE_INFINITY;
  if (!(maxSteps >= 1)) throw new Error(`maxSteps must be at least 1, got ${options.maxSteps}`);
  const frameSize = env.observationSpace.size;
  const width = actionWidth(env);
  const discrete = env.actionSpace instanceof Discrete;
  let capacity = Math.min(Number.isFinite(maxSteps) ? maxSteps : 256, 1024);
  let observations = new Uint8Array(capacity * frameSize);
  let actions = new Float32Array(capacity * width);
  let rewards = new Float32Array(capacity);
  let dones = new Uint8Array(capacity);

  let { observation, info } = env.reset({ seed: options.seed });
  let t = 0;
  let total = 0;
  let terminated = false;
  let truncated = false;
  while (t < maxSteps) {
    if (t === capacity) {
      capacity *= 2;
      observations = grow(observations, capacity * frameSize);
      actions = grow(actions, capacity * width);
      rewards = grow(rewards, capacity);
      dones = grow(dones, capacity);
    }
    if (observation.length !== frameSize) throw new Error(`${env.id}: observation has ${observation.length} values, the observation space holds ${frameSize}`);
    observations.set(observation, t * frameSize);
    const action = policy.act(observation, info);
    if (discrete) {
      if (typeof action !== 'number') throw new Error(`${env.id}: the policy must return an integer action for ${String(env.actionSpace)}, got ${describe(action)}`);
      actions[t] = action;
    } else {
      if (typeof action === 'number' || action.length !== width) throw new Error(`${env.id}: the policy must return ${width} numbers, got ${describe(action)}`);
      for (let i = 0; i < width; i++) actions[t * width + i] = action[i]!;
    }
    const res = env.step(action);
    rewards[t] = res.reward;
    total += res.reward;
    terminated = res.terminated;
    truncated = res.truncated;
    t++;
    observation = res.observation;
    info = res.info;
    if (terminated || truncated) break;
  }
  if (t > 0) dones[t - 1] = 1;
  return {
    arrays: {
      observations: observations.subarray(0, t * frameSize),
      actions: actions.subarray(0, t * width),
      rewards: rewards.subarray(0, t),
      dones: dones.subarray(0, t),
    },
    length: t,
    return: total,
    terminated,
    truncated: truncated || (!terminated && t >= maxSteps),
  };
}

function grow<T extends Uint8Array | Float32Array>(a: T, size: number): T {
  const out = new (a.constructor as new (n: number) => T)(size);
  out.set(a);
  return out;
}

function describe(x: unknown): string {
  if (typeof x === 'number') return String(x);
  if (x && typeof x === 'object' && 'length' in x) return `${(x as object).constructor.name}(${(x as ArrayLike<unknown>).length})`;
  return typeof x;
}
