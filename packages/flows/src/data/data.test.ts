import { make } from '@worldmodels/envs';
import { describe, expect, it } from 'vitest';
import { collectEnvFrames } from './env-frames.js';
import { proceduralShapes } from './procedural-shapes.js';
import { downscaleArea } from './resize.js';

describe('proceduralShapes', () => {
  it('is deterministic in its seed and draws shapes over a background', () => {
    const a = proceduralShapes(4, 16, 1);
    expect(a.length).toBe(4 * 16 * 16 * 3);
    expect(proceduralShapes(4, 16, 1)).toEqual(a);
    expect(proceduralShapes(4, 16, 2)).not.toEqual(a);
    const distinct = new Set<number>();
    for (let p = 0; p < 256; p++) distinct.add(a[p * 3]! * 65536 + a[p * 3 + 1]! * 256 + a[p * 3 + 2]!);
    expect(distinct.size).toBeGreaterThan(1);
    expect(() => proceduralShapes(0, 16, 1)).toThrow(/count/);
  });
});

describe('downscaleArea', () => {
  it('averages each block', () => {
    // One 2×2 single-channel image to 1×1: mean of 0, 10, 20, 31 = 15.25 → 15.
    expect(Array.from(downscaleArea(Uint8Array.from([0, 10, 20, 31]), 1, 2, 2, 1, 1))).toEqual([15]);
    expect(() => downscaleArea(new Uint8Array(9), 1, 3, 3, 1, 2)).toThrow(/integer multiple/);
  });
});

describe('collectEnvFrames', () => {
  it('collects seeded CarRacing frames at 32×32', () => {
    const opts = { count: 3, observationShape: [96, 96, 3] as [number, number, number], size: 32, seed: 5, skipFirst: 2, every: 2 };
    const frames = collectEnvFrames(() => make('CarRacing-v0'), opts);
    expect(frames.length).toBe(3 * 32 * 32 * 3);
    expect(collectEnvFrames(() => make('CarRacing-v0'), opts)).toEqual(frames);
    expect(new Set(frames).size).toBeGreaterThan(10);
  });
});
