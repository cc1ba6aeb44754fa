import { Rng } from '@worldmodels/core/rng';
import { describe, expect, it } from 'vitest';
import { Box, Discrete } from '../spaces.js';
import { brownianPolicy, heldPolicy, resolvePolicy, uniformPolicy, type Policy } from './policies.js';

const obs = new Uint8Array(0);
const ctx = (actionSpace: Box | Discrete, seed = 0) => ({ envId: 'Test-v0', actionSpace, rng: new Rng(seed), options: {} });
const actions = async (p: Policy | Promise<Policy>, n: number) => {
  const policy = await p;
  return Array.from({ length: n }, () => {
    const a = policy.act(obs, {});
    return typeof a === 'number' ? a : Array.from(a);
  });
};

describe('collection policies', () => {
  it('uniform: every action of a Discrete space, drawn from the episode Rng', async () => {
    const a = (await actions(uniformPolicy(ctx(new Discrete(3), 1)), 3000)) as number[];
    const b = await actions(uniformPolicy(ctx(new Discrete(3), 1)), 3000);
    expect(b).toEqual(a);
    for (let k = 0; k < 3; k++) {
      const share = a.filter((x) => x === k).length / a.length;
      expect(share).toBeGreaterThan(0.3);
      expect(share).toBeLessThan(0.37);
    }
  });

  it('brownian: increments of std σ·√dt, clipped to the box; refuses Discrete spaces', async () => {
    const wide = new Box({ low: -1000, high: 1000, shape: [2], dtype: 'float32' });
    const seq = (await actions(brownianPolicy()(ctx(wide, 2)), 4001)) as number[][];
    const diffs = seq.slice(1).flatMap((a, t) => a.map((v, i) => v - seq[t]![i]!));
    const mean = diffs.reduce((s, d) => s + d, 0) / diffs.length;
    const std = Math.sqrt(diffs.reduce((s, d) => s + (d - mean) ** 2, 0) / diffs.length);
    expect(std).toBeGreaterThan(0.95 * Math.sqrt(1 / 50));
    expect(std).toBeLessThan(1.05 * Math.sqrt(1 / 50));
    const car = new Box({ low: [-1, 0, 0], high: [1, 1, 1], shape: [3], dtype: 'float32' });
    const clipped = (await actions(brownianPolicy({ dt: 1, sigma: 3 })(ctx(car, 3)), 500)) as number[][];
    for (const a of clipped) for (let i = 0; i < 3; i++) expect(car.contains(Float32Array.from(a))).toBe(true);
    expect(clipped.some((a) => a[1] === 0) && clipped.some((a) => a[1] === 1)).toBe(true);
    expect(() => brownianPolicy()(ctx(new Discrete(3)))).toThrow(/Box\) action space; Test-v0 has Discrete\(3\)/);
  });

  it('held: a random action kept for 1–10 steps (mean hold 5.5)', async () => {
    const unit = new Box({ low: 0, high: 1, shape: [1], dtype: 'float32' });
    const seq = ((await actions(heldPolicy()(ctx(unit, 4)), 20000)) as number[][]).map((a) => a[0]);
    const runs: number[] = [];
    let run = 1;
    for (let t = 1; t < seq.length; t++) {
      if (seq[t] === seq[t - 1]) run++;
      else {
        runs.push(run);
        run = 1;
      }
    }
    expect(Math.min(...runs)).toBe(1);
    expect(Math.max(...runs)).toBe(10);
    const mean = runs.reduce((s, r) => s + r, 0) / runs.length;
    expect(mean).toBeGreaterThan(5.3);
    expect(mean).toBeLessThan(5.7);
    expect(() => heldPolicy({ minHold: 0 })).toThrow(/minHold/);
  });

  it('resolves specs and names what is wrong', async () => {
    expect((await resolvePolicy('uniform')).factory).toBe(uniformPolicy);
    await expect(resolvePolicy({ kind: 'greedy' } as never)).rejects.toThrow(/unknown policy kind "greedy"/);
    await expect(resolvePolicy({ kind: 'module', module: 'node:path', export: 'nope' })).rejects.toThrow(/no exported function 'nope'/);
  });
});
