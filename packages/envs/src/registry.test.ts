import { describe, expect, it } from 'vitest';
import { checkEnv } from './check-env.js';
import type { Env } from './env.js';
import { envDoc, listEnvs, make, register } from './registry.js';
import { Box } from './spaces.js';

describe('registry', () => {
  it('lists the built-in envs and builds them by id', () => {
    expect(listEnvs()).toContain('CarRacing-v0');
    const env = make('CarRacing-v0');
    expect(env.id).toBe('CarRacing-v0');
    expect(env.observationSpace.shape).toEqual([96, 96, 3]);
    expect(envDoc('CarRacing-v0').rewards).toMatch(/1000\/N/);
  });

  it('names the known ids when an id is unknown', () => {
    expect(() => make('CarRacing-v9')).toThrow(/Unknown env id "CarRacing-v9"; registered envs: .*CarRacing-v0/);
  });

  it('rejects bad and duplicate registrations', () => {
    expect(() => register('not an id', () => make('CarRacing-v0'))).toThrow(/must look like/);
    expect(() => register('CarRacing-v0', () => make('CarRacing-v0'))).toThrow(/already registered/);
  });
});

describe('checkEnv', () => {
  for (const id of listEnvs()) {
    it(`passes on ${id}`, () => {
      const env = make(id);
      expect(() => checkEnv(env, { steps: 30, maxEpisodeSteps: 1100 })).not.toThrow();
      env.close();
    });
  }

  it('catches an env whose seed does not fix its observations', () => {
    expect(() => checkEnv(new NoisyEnv())).toThrow(/same seed gave different observations/);
  });
});

/** A deliberately broken env: observations use Math.random, so seeding does nothing. */
class NoisyEnv implements Env<Uint8Array, Float32Array | number[]> {
  readonly id = 'Noisy-v0';
  readonly observationSpace = new Box({ low: 0, high: 255, shape: [4, 4, 3], dtype: 'uint8' });
  readonly actionSpace = new Box({ low: -1, high: 1, shape: [1], dtype: 'float32' });
  readonly doc = { description: 'noise', actionSpace: 'one number', observationSpace: '4×4 noise', rewards: '0', episodeEnd: 'after 10 steps' };
  private t = -1;
  private frame(): Uint8Array {
    return Uint8Array.from({ length: 48 }, () => Math.floor(Math.random() * 256));
  }
  reset() {
    this.t = 0;
    return { observation: this.frame(), info: {} };
  }
  step(action: Float32Array | number[]) {
    if (this.t < 0 || this.t >= 10) throw new Error('Noisy-v0: step() needs reset()');
    if (action.length !== 1 || !Number.isFinite(action[0])) throw new Error('Noisy-v0: bad action');
    this.t++;
    return { observation: this.frame(), reward: 0, terminated: this.t >= 10, truncated: false, info: {} };
  }
  render() {
    return { data: this.frame(), width: 4, height: 4, channels: 3 as const };
  }
  close() {}
}
