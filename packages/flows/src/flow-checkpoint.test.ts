import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { saveVariables } from '@worldmodels/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFlow, saveFlow } from './flow-checkpoint.js';
import { buildGlow } from './models/glow.js';
import { buildRealNVP } from './models/realnvp.js';
import { useTestBackend } from './test-support/backend.js';
import { perturb } from './test-support/jacobian.js';

const root = mkdtempSync(join(tmpdir(), 'flows-ckpt-'));
beforeAll(async () => {
  await useTestBackend();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('saveFlow / loadFlow', () => {
  it.each([
    ['glow', () => buildGlow({ imageShape: [4, 4, 3], levels: 2, steps: 2, width: 8, share: 'level', condDim: 2 })],
    ['realnvp', () => buildRealNVP({ imageShape: [4, 4, 3], levels: 2, width: 8 })],
  ])('%s round-trips config, parameters, init flag and log-likelihood', async (name, make) => {
    const model = make();
    const cond = model.config.condDim ? { cond: tf.randomNormal([2, model.config.condDim], 0, 1, 'float32', 1) as tf.Tensor2D } : {};
    const imgs = tf.randomUniform([2, 4, 4, 3], 0, 256, 'int32', 2) as tf.Tensor4D;
    model.initialize(imgs, cond);
    perturb(model.trainableVariables(), 0.05, 3);
    const dir = join(root, name);
    await saveFlow(dir, model);
    const loaded = await loadFlow(dir);
    expect(loaded.config).toEqual(model.config);
    expect(loaded.initialized).toBe(true);
    expect(loaded.parameterCount()).toBe(model.parameterCount());
    const a = model.bitsPerDim(imgs, { ...cond, seed: 5 });
    const b = loaded.bitsPerDim(imgs, { ...cond, seed: 5 });
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([a, b, imgs, ...Object.values(cond)]);
    model.dispose();
    loaded.dispose();
  });

  it('errors name the checkpoint and the problem', async () => {
    await expect(loadFlow(join(root, 'missing'))).rejects.toThrow(/missing/);
    const noConfig = join(root, 'no-config');
    await saveVariables(noConfig, { a: tf.zeros([1]) });
    await expect(loadFlow(noConfig)).rejects.toThrow(/no-config holds no flow config/);
    const model = buildGlow({ imageShape: [4, 4, 3], levels: 1, steps: 1, width: 4 });
    const wrong = join(root, 'wrong-shape');
    const tensors: Record<string, tf.Tensor> = {};
    for (const [k, v] of Object.entries(model.namedVariables())) tensors[`flow/${k}`] = k.endsWith('actnorm/bias') ? tf.zeros([5]) : v;
    await saveVariables(wrong, tensors, { metadata: { flowConfig: model.config, actnormInitialized: false } });
    await expect(loadFlow(wrong)).rejects.toThrow(/'level0\/step0\/actnorm\/bias' has shape \[5\], expected \[12\]/);
    model.dispose();
  });
});
