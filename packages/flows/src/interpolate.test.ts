import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proceduralShapes } from './data/procedural-shapes.js';
import { interpolateLatents, writeInterpolationGif } from './interpolate.js';
import { buildGlow } from './models/glow.js';
import { useTestBackend } from './test-support/backend.js';
import { perturb } from './test-support/jacobian.js';

const root = mkdtempSync(join(tmpdir(), 'flows-interp-'));
beforeAll(async () => {
  await useTestBackend();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('latent interpolation', () => {
  it('starts and ends at the two images, moves between them, and writes a GIF', async () => {
    const model = buildGlow({ imageShape: [8, 8, 3], levels: 2, steps: 1, width: 8, nBits: 5 });
    const data = proceduralShapes(2, 8, 3);
    const a = tf.tensor4d(data.subarray(0, 192), [1, 8, 8, 3], 'int32');
    const b = tf.tensor4d(data.subarray(192), [1, 8, 8, 3], 'int32');
    model.initialize(tf.concat([a, b]) as tf.Tensor4D);
    perturb(model.trainableVariables(), 0.05, 1);
    const before = tf.memory().numTensors;
    const frames = interpolateLatents(model, a, b, 5);
    expect(frames.shape).toEqual([5, 8, 8, 3]);
    const q = (t: tf.Tensor) => tf.tidy(() => tf.mul(tf.floorDiv(t, 8), 8).reshape([8, 8, 3]).arraySync()); // 5-bit
    const all = frames.unstack();
    expect(all[0]!.arraySync()).toEqual(q(a));
    expect(all[4]!.arraySync()).toEqual(q(b));
    expect(all[2]!.arraySync()).not.toEqual(q(a));
    tf.dispose([frames, ...all]);
    expect(tf.memory().numTensors).toBe(before);
    const path = join(root, 'interp.gif');
    const written = await writeInterpolationGif(path, model, a, b, { steps: 4, scale: 2 });
    expect(written).toHaveLength(4);
    expect(written[0]!.width).toBe(16);
    expect(readFileSync(path).subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect(() => interpolateLatents(model, a, b, 1)).toThrow(/at least 2 steps/);
    tf.dispose([a, b]);
    model.dispose();
  });
});
