import { describe, expect, it } from 'vitest';
import { CarRacingEnv } from '../carracing/car-racing-env.js';
import { ActionRepeat } from './action-repeat.js';
import { EpisodeRecorder, type EpisodeRecord } from './episode-recorder.js';
import { ReferencePreprocessObservation } from './reference-observation.js';
import { referencePreprocess } from './reference-preprocess.js';
import { ResizeObservation } from './resize-observation.js';
import { TimeLimit } from './time-limit.js';
import { resizeBilinear } from '../render/resample.js';

/** Byte equality of two frames (vitest's deep equality is slow on large typed arrays). */
function sameBytes(a: Uint8Array | null, b: Uint8Array): boolean {
  return a !== null && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe('wrappers', () => {
  it('ResizeObservation gives 64×64 frames equal to the resized inner frames', () => {
    const inner = new CarRacingEnv();
    const env = new ResizeObservation(inner);
    expect(env.observationSpace.shape).toEqual([64, 64, 3]);
    const r = env.reset({ seed: 1 });
    expect(r.observation.length).toBe(64 * 64 * 3);
    const s = env.step([0, 1, 0]);
    expect(env.observationSpace.contains(s.observation)).toBe(true);
    const plain = new CarRacingEnv();
    plain.reset({ seed: 1 });
    expect(sameBytes(s.observation, resizeBilinear(plain.step([0, 1, 0]).observation, 96, 96, 3, 64, 64))).toBe(true);
    expect(env.unwrapped).toBe(inner);
  });

  it('ReferencePreprocessObservation applies referencePreprocess', () => {
    const inner = new CarRacingEnv();
    const env = new ReferencePreprocessObservation(inner);
    env.reset({ seed: 2 });
    const s = env.step([0, 0.5, 0]);
    expect(sameBytes(s.observation, referencePreprocess(inner.render('rgb_array').data))).toBe(true);
    expect(() => new ReferencePreprocessObservation(new ResizeObservation(new CarRacingEnv()))).toThrow(/96×96×3/);
  });

  it('TimeLimit truncates after N steps and refuses to step further', () => {
    const env = new TimeLimit(new CarRacingEnv(), 3);
    expect(() => env.step([0, 0, 0])).toThrow(/before reset/);
    env.reset({ seed: 3 });
    expect([0, 1, 2].map(() => env.step([0, 0, 0]).truncated)).toEqual([false, false, true]);
    expect(env.elapsedSteps).toBe(3);
    expect(() => env.step([0, 0, 0])).toThrow(/time limit of 3 steps/);
    env.reset({ seed: 3 });
    expect(env.step([0, 0, 0]).truncated).toBe(false);
    expect(() => new TimeLimit(new CarRacingEnv(), 0)).toThrow(/positive integer/);
  });

  it('ActionRepeat sums rewards over repeated steps and matches stepping by hand', () => {
    const a = new ActionRepeat(new CarRacingEnv(), 4);
    const b = new CarRacingEnv();
    a.reset({ seed: 4 });
    b.reset({ seed: 4 });
    const r = a.step([0.1, 0.6, 0]);
    let sum = 0;
    let last = b.step([0.1, 0.6, 0]);
    sum += last.reward;
    for (let i = 0; i < 3; i++) {
      last = b.step([0.1, 0.6, 0]);
      sum += last.reward;
    }
    expect(r.reward).toBeCloseTo(sum, 10);
    expect(sameBytes(r.observation, last.observation)).toBe(true);
    expect(r.info.repeatedSteps).toBe(4);
    // Stops at the end of the episode.
    const short = new ActionRepeat(new TimeLimit(new CarRacingEnv(), 6), 4);
    short.reset({ seed: 4 });
    short.step([0, 0, 0]);
    const end = short.step([0, 0, 0]);
    expect(end.truncated).toBe(true);
    expect(end.info.repeatedSteps).toBe(2);
  });

  it('EpisodeRecorder records aligned observations, actions, rewards and dones', () => {
    const episodes: EpisodeRecord[] = [];
    const env = new EpisodeRecorder(new TimeLimit(new CarRacingEnv(), 5), { onEpisode: (e) => episodes.push(e) });
    const first = env.reset({ seed: 5 }).observation;
    const rewards: number[] = [];
    let lastObs = first;
    for (let t = 0; t < 5; t++) {
      const s = env.step([0, t / 5, 0]);
      rewards.push(s.reward);
      lastObs = s.observation;
    }
    expect(episodes).toHaveLength(1);
    const ep = episodes[0]!;
    expect(ep.length).toBe(5);
    expect(ep.observationShape).toEqual([96, 96, 3]);
    expect(ep.actionShape).toEqual([3]);
    expect(ep.observations.length).toBe(5 * 96 * 96 * 3);
    expect(sameBytes(ep.observations.subarray(0, 96 * 96 * 3), first)).toBe(true);
    expect(sameBytes(ep.finalObservation, lastObs)).toBe(true);
    expect(Array.from(ep.actions.subarray(6, 9))).toEqual([0, Math.fround(0.4), 0]);
    expect(Array.from(ep.rewards)).toEqual(rewards.map(Math.fround));
    expect(Array.from(ep.dones)).toEqual([0, 0, 0, 0, 1]);
    expect(ep.truncated).toBe(true);
    expect(ep.seed).toBe(5);
    expect(env.lastEpisode).toBe(ep);
  });
});
