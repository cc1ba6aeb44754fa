import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { decodePng } from '@worldmodels/core/image';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from './test-support/backend.js';
import { interpolateLatents, sampleGrid, writeInterpolationGif, writeSampleGrid } from './samples.js';

let dir: string;
beforeAll(async () => {
  await useTestBackend();
  dir = await mkdtemp(join(tmpdir(), 'gan-samples-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('samples', () => {
  it('interpolates latents linearly and spherically between the endpoints', () => {
    const lin = interpolateLatents([0, 2], [2, 0], 3);
    expect(lin.arraySync()).toEqual([[0, 2], [1, 1], [2, 0]]);
    const sl = interpolateLatents([1, 0], [0, 1], 3, 'slerp').arraySync();
    // On the unit circle: the midpoint keeps norm 1 (linear would give 0.707).
    expect(sl[1]![0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(Math.hypot(sl[1]![0]!, sl[1]![1]!)).toBeCloseTo(1, 6);
    expect(() => interpolateLatents([1], [1, 2], 3)).toThrow(/widths 1 and 2/);
    tf.dispose(lin);
  });

  it('tiles images into a grid PNG and writes an interpolation GIF', async () => {
    const images = tf.tidy(() => tf.linspace(-1, 1, 4 * 4 * 4 * 3).reshape([4, 4, 4, 3])) as tf.Tensor4D;
    const grid = sampleGrid(images, 2, 2);
    expect([grid.width, grid.height, grid.channels]).toEqual([10, 10, 3]);
    expect(Array.from(grid.data.subarray(0, 3))).toEqual([0, 1, 3]); // the first pixel: −1, then steps of 2/191
    await writeSampleGrid(join(dir, 'grid.png'), images, 2, 2, 3);
    const png = decodePng(new Uint8Array(await readFile(join(dir, 'grid.png'))));
    expect([png.width, png.height]).toEqual([30, 30]);
    await writeInterpolationGif(join(dir, 'walk.gif'), images);
    const gif = await readFile(join(dir, 'walk.gif'));
    expect(gif.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    images.dispose();
  });
});
