import { describe, expect, it } from 'vitest';
import { Rng } from '@worldmodels/core/rng';
import { Box, Discrete } from './spaces.js';

describe('Box', () => {
  it('broadcasts scalar bounds and checks membership', () => {
    const box = new Box({ low: [-1, 0, 0], high: [1, 1, 1], shape: [3], dtype: 'float32' });
    expect(box.size).toBe(3);
    expect(box.contains(new Float32Array([0, 0.5, 1]))).toBe(true);
    expect(box.contains([0, 0.5, 1])).toBe(true);
    expect(box.contains([0, 1.5, 1])).toBe(false);
    expect(box.contains([0, Number.NaN, 1])).toBe(false);
    expect(box.contains([0, 0.5])).toBe(false);
    expect(box.contains('abc')).toBe(false);
    expect(box.toString()).toBe('Box([-1, 0, 0], 1, [3], float32)');
  });

  it('samples members deterministically from the seed', () => {
    const box = new Box({ low: [-1, 0, 0], high: [1, 1, 1], shape: [3], dtype: 'float32' });
    const a = box.sample(new Rng(3));
    const b = box.sample(new Rng(3));
    expect(Array.from(a)).toEqual(Array.from(b));
    const rng = new Rng(5);
    for (let i = 0; i < 200; i++) expect(box.contains(box.sample(rng))).toBe(true);
  });

  it('samples uint8 images over the whole inclusive range', () => {
    const box = new Box({ low: 0, high: 255, shape: [4, 4, 3], dtype: 'uint8' });
    const s = box.sample(new Rng(1));
    expect(s).toBeInstanceOf(Uint8Array);
    expect(s.length).toBe(48);
    expect(box.contains(s)).toBe(true);
    expect(box.contains(new Float32Array(48))).toBe(false);
    const small = new Box({ low: 0, high: 1, shape: [1000], dtype: 'uint8' });
    const v = small.sample(new Rng(2));
    expect(v.includes(0) && v.includes(1)).toBe(true);
  });

  it('rejects bad construction with a named problem', () => {
    expect(() => new Box({ low: 0, high: 1, shape: [0], dtype: 'float32' })).toThrow(/shape/);
    expect(() => new Box({ low: [0, 0], high: 1, shape: [3], dtype: 'float32' })).toThrow(/low has 2 values/);
    expect(() => new Box({ low: 2, high: 1, shape: [1], dtype: 'float32' })).toThrow(/above high/);
  });
});

describe('Discrete', () => {
  it('contains and samples integers 0..n-1', () => {
    const d = new Discrete(3);
    expect(d.contains(2)).toBe(true);
    expect(d.contains(3)).toBe(false);
    expect(d.contains(1.5)).toBe(false);
    const rng = new Rng(9);
    const seen = new Set<number>();
    for (let i = 0; i < 100; i++) seen.add(d.sample(rng));
    expect([...seen].sort()).toEqual([0, 1, 2]);
    expect(() => new Discrete(0)).toThrow(/positive integer/);
  });
});
