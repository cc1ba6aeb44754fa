import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { initBackend } from './init-backend.js';

const missing = (specifier: string) => {
  const e = new Error(`Cannot find package '${specifier}' imported from test`) as NodeJS.ErrnoException;
  e.code = 'ERR_MODULE_NOT_FOUND';
  return e;
};

describe('initBackend', () => {
  afterEach(() => {
    delete process.env.WORLDMODELS_BACKEND;
  });

  it('falls back past absent native backends to the next present one and says why', async () => {
    const lines: string[] = [];
    const choice = await initBackend({
      log: (l) => lines.push(l),
      importModule: async (s) => {
        if (s.startsWith('@tensorflow/tfjs-node') || s === '@worldmodels/tfjs-backend-native') throw missing(s);
        if (s === '@tensorflow/tfjs-backend-wasm') throw new Error('wasm disabled in this test');
        return import(s);
      },
    });
    expect(choice.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(choice.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'native', 'webgl', 'wasm']);
    expect(choice.skipped[0]!.error).toBe('@tensorflow/tfjs-node-gpu is not installed');
    expect(choice.skipped[3]!.error).toMatch(/only used in a browser/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/tensor backend 'cpu'.*skipped tensorflow-gpu \(@tensorflow\/tfjs-node-gpu is not installed\)/);
  });

  it('reports the same choice only once', async () => {
    const lines: string[] = [];
    await initBackend({ backend: 'cpu', log: (l) => lines.push(l) });
    await initBackend({ backend: 'cpu', log: (l) => lines.push(l) });
    expect(lines.length).toBeLessThanOrEqual(1);
  });

  it('picks the native backend when it is present', async () => {
    const choice = await initBackend({
      quiet: true,
      importModule: async (s) => {
        if (s.startsWith('@tensorflow/tfjs-node')) throw missing(s);
        if (s === '@worldmodels/tfjs-backend-native') return { register: async () => ({ name: 'cpu', detail: 'fake native for the test' }) };
        return import(s);
      },
    });
    expect(choice.name).toBe('native');
    expect(choice.reason).toMatch(/fake native/);
  });

  it('forces a backend by option or env var, and fails clearly when the forced one is absent', async () => {
    expect((await initBackend({ backend: 'cpu', quiet: true })).reason).toMatch(/forced by options\.backend/);
    process.env.WORLDMODELS_BACKEND = 'cpu';
    expect((await initBackend({ quiet: true })).reason).toMatch(/forced by WORLDMODELS_BACKEND/);
    process.env.WORLDMODELS_BACKEND = 'tensorflow';
    await expect(initBackend({ quiet: true, importModule: async (s) => { throw missing(s); } })).rejects.toThrow(
      /backend 'tensorflow' was forced but cannot be used: @tensorflow\/tfjs-node is not installed/,
    );
    process.env.WORLDMODELS_BACKEND = 'tpu';
    await expect(initBackend({ quiet: true })).rejects.toThrow(/unknown backend 'tpu'.*WORLDMODELS_BACKEND/);
  });

  it('computes with gradients registered on the chosen backend', async () => {
    await initBackend({ backend: 'cpu', quiet: true });
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([1, 2, 3]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.square(v)))(x);
    expect(Array.from(g.dataSync())).toEqual([2, 4, 6]);
    tf.dispose([x, g]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
