import { Rng } from '@worldmodels/core/rng';
import type { Env, StepResult } from './env.js';
import { Box, Discrete } from './spaces.js';

export interface CheckEnvOptions {
  /** Seed for resets and sampled actions (default 0). */
  seed?: number;
  /** Steps compared in the determinism check (default 40). */
  steps?: number;
  /** Steps to try to reach an episode end, to check `step` then throws (default 1500). */
  maxEpisodeSteps?: number;
}

/**
 * Checks that an env keeps the API contract, throwing one error that lists every problem found:
 * spaces of the right kind, documentation present, observations inside the observation space,
 * numeric rewards and boolean flags, renders of consistent size, the same seed giving exactly
 * the same observations and rewards, and clear errors for bad actions and for stepping before
 * reset or after the episode ended.
 */
export function checkEnv(env: Env<any, any>, options: CheckEnvOptions = {}): void {
  const seed = options.seed ?? 0;
  const steps = options.steps ?? 40;
  const maxEpisodeSteps = options.maxEpisodeSteps ?? 1500;
  const problems: string[] = [];
  const fail = (msg: string): void => {
    problems.push(msg);
  };

  // Spaces and docs.
  const obsSpace = env.observationSpace;
  if (!(obsSpace instanceof Box) || obsSpace.dtype !== 'uint8' || obsSpace.shape.length !== 3 || obsSpace.shape[2] !== 3) {
    fail(`observationSpace must be a uint8 Box of shape [H, W, 3], got ${String(obsSpace)}`);
  }
  const actSpace = env.actionSpace;
  if (!(actSpace instanceof Box || actSpace instanceof Discrete)) fail('actionSpace must be a Box or a Discrete');
  for (const key of ['description', 'actionSpace', 'observationSpace', 'rewards', 'episodeEnd'] as const) {
    if (typeof env.doc?.[key] !== 'string' || env.doc[key].trim() === '') fail(`doc.${key} is missing`);
  }
  if (problems.length > 0) throw new Error(`checkEnv(${env.id}): ${problems.join('; ')}`);

  // Step before reset.
  expectThrow(() => env.step(actSpace.sample(new Rng(seed))), 'step() before reset()', fail);

  // A seeded rollout, twice, with another seed in between: exactly the same.
  const rollout = (s: number): { frames: Uint8Array[]; rewards: number[]; flags: string[] } => {
    const rng = new Rng(s).derive('checkEnv', 'actions');
    const r = env.reset({ seed: s });
    checkObservation(r.observation, 'reset', fail, obsSpace);
    if (typeof r.info !== 'object' || r.info === null) fail('reset() info must be an object');
    const frames = [r.observation.slice()];
    const rewards: number[] = [];
    const flags: string[] = [];
    for (let t = 0; t < steps; t++) {
      const res = env.step(actSpace.sample(rng));
      checkStep(res, t, fail, obsSpace);
      frames.push(res.observation.slice());
      rewards.push(res.reward);
      flags.push(`${res.terminated}/${res.truncated}`);
      if (res.terminated || res.truncated) break;
    }
    return { frames, rewards, flags };
  };
  const a = rollout(seed);
  rollout(seed + 1);
  const b = rollout(seed);
  if (a.frames.length !== b.frames.length) {
    fail(`same seed gave episodes of different lengths (${a.frames.length - 1} vs ${b.frames.length - 1} steps)`);
  } else {
    for (let t = 0; t < a.frames.length; t++) {
      if (!sameBytes(a.frames[t]!, b.frames[t]!)) {
        fail(`same seed gave different observations at step ${t}`);
        break;
      }
      if (t > 0 && (a.rewards[t - 1] !== b.rewards[t - 1] || a.flags[t - 1] !== b.flags[t - 1])) {
        fail(`same seed gave different rewards or done flags at step ${t}`);
        break;
      }
    }
  }

  // Renders.
  env.reset({ seed });
  for (const mode of ['rgb_array', 'human'] as const) {
    const f = env.render(mode);
    if (!(f.data instanceof Uint8Array) || f.channels !== 3 || f.data.length !== f.width * f.height * 3) {
      fail(`render('${mode}') must return RGB bytes of width×height×3`);
    }
    if (mode === 'rgb_array' && (f.height !== obsSpace.shape[0] || f.width !== obsSpace.shape[1])) {
      fail(`render('rgb_array') is ${f.width}×${f.height}, the observation is ${obsSpace.shape[1]}×${obsSpace.shape[0]}`);
    }
  }

  // Bad actions.
  if (actSpace instanceof Box) {
    expectThrow(() => env.step(new Float32Array(actSpace.size + 1)), 'an action of the wrong length', fail);
    expectThrow(() => env.step(new Float32Array(actSpace.size).fill(Number.NaN)), 'a NaN action', fail);
  } else {
    expectThrow(() => env.step(actSpace.n), 'an action out of range', fail);
    expectThrow(() => env.step(Number.NaN), 'a NaN action', fail);
  }

  // Stepping after the end (when an end is reached within the budget).
  const rng = new Rng(seed).derive('checkEnv', 'end');
  env.reset({ seed });
  for (let t = 0; t < maxEpisodeSteps; t++) {
    const res = env.step(actSpace.sample(rng));
    if (res.terminated || res.truncated) {
      expectThrow(() => env.step(actSpace.sample(rng)), 'step() after the episode ended', fail);
      break;
    }
  }

  if (problems.length > 0) throw new Error(`checkEnv(${env.id}): ${problems.join('; ')}`);
}

function checkObservation(obs: unknown, where: string, fail: (m: string) => void, space: Box): void {
  if (!(obs instanceof Uint8Array)) fail(`${where}: observation must be a Uint8Array`);
  else if (!space.contains(obs)) fail(`${where}: observation is not in ${space.toString()} (length ${(obs as Uint8Array).length})`);
}

function checkStep(res: StepResult<unknown>, t: number, fail: (m: string) => void, space: Box): void {
  checkObservation(res.observation, `step ${t}`, fail, space);
  if (typeof res.reward !== 'number' || !Number.isFinite(res.reward)) fail(`step ${t}: reward must be a finite number, got ${String(res.reward)}`);
  if (typeof res.terminated !== 'boolean' || typeof res.truncated !== 'boolean') fail(`step ${t}: terminated and truncated must be booleans`);
  if (typeof res.info !== 'object' || res.info === null) fail(`step ${t}: info must be an object`);
}

function expectThrow(f: () => unknown, what: string, fail: (m: string) => void): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof Error) || e.message.trim() === '') fail(`${what} threw without a message`);
    return;
  }
  fail(`${what} did not throw`);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
