import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

describe('Rng', () => {
  it('matches the xoshiro128** reference sequence for state {1,2,3,4}', () => {
    const rng = Rng.fromState({ seed: 0, path: [], s: [1, 2, 3, 4], spareNormal: null });
    expect([rng.nextUint32(), rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]).toEqual([11520, 0, 5927040, 70819200]);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const xs = Array.from({ length: 5 }, () => a.random());
    expect(Array.from({ length: 5 }, () => b.random())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.random())).not.toEqual(xs);
  });

  it('derives streams by label, independent of draw order on the parent', () => {
    const root1 = new Rng(42);
    const root2 = new Rng(42);
    root2.random();
    root2.random();
    const w1 = root1.derive('worker', 3).derive('episode', 17);
    const w2 = root2.derive('worker', 3, 'episode', 17);
    expect(w1.random()).toBe(w2.random());
    expect(new Rng(42).derive('worker', 3).random()).not.toBe(new Rng(42).derive('worker', 4).random());
    expect(new Rng(42).derive('generation', 1).random()).not.toBe(new Rng(42).derive('episode', 1).random());
  });

  it('resumes exactly from a saved state, including a cached normal', () => {
    const rng = new Rng(3);
    rng.normal();
    const state = JSON.parse(JSON.stringify(rng.getState()));
    const restored = Rng.fromState(state);
    for (let i = 0; i < 10; i++) expect(restored.normal()).toBe(rng.normal());
  });

  it('draws uniform and normal values with the right moments', () => {
    const rng = new Rng(1);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let u = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      s += z;
      s2 += z * z;
      u += rng.random();
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.015);
    expect(Math.abs(u / n - 0.5)).toBeLessThan(0.005);
  });

  it('int is unbiased and in range; shuffle is a permutation', () => {
    const rng = new Rng(5);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.int(6)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    const xs = rng.shuffle(Array.from({ length: 100 }, (_, i) => i));
    expect([...xs].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(() => rng.int(0)).toThrow(/integer n/);
  });

  it('categorical follows the weights', () => {
    const rng = new Rng(9);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[rng.categorical([1, 0, 3])]!++;
    expect(counts[1]).toBe(0);
    expect(Math.abs(counts[2]! / 30_000 - 0.75)).toBeLessThan(0.02);
    expect(() => rng.categorical([0, 0])).toThrow(/positive/);
  });
});
