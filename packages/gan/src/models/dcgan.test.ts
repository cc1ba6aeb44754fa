import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@worldmodels/core/rng';
import { useTestBackend } from '../test-support/backend.js';
import { sampleNoise } from '../train/noise.js';
import { DcganDiscriminator, DcganGenerator } from './dcgan.js';

beforeAll(useTestBackend);

const tiny = { imageSize: 32 as const, channels: 3, zDim: 8, gWidth: 4, dWidth: 4, seed: 1 };

describe('DCGAN', () => {
  it('has the exact parameter counts of the guideline architecture (32×32)', () => {
    const g = new DcganGenerator(tiny);
    const d = new DcganDiscriminator(tiny);
    // G: dense z→4·4·16 (no bias) + BN(16); deconvs 16→8, 8→4 (no bias, BN); 4→3 with bias.
    const gCount = 8 * 16 * 16 + 2 * 16 + (4 * 4 * 16 * 8 + 2 * 8) + (4 * 4 * 8 * 4 + 2 * 4) + (4 * 4 * 4 * 3 + 3);
    expect(g.params.countTrainable()).toBe(gCount);
    // D: conv 3→4 with bias (no BN on the input layer), 4→8 + BN, 8→16 + BN, dense 4·4·16→1.
    const dCount = 4 * 4 * 3 * 4 + 4 + (4 * 4 * 4 * 8 + 2 * 8) + (4 * 4 * 8 * 16 + 2 * 16) + (16 * 16 + 1);
    expect(d.params.countTrainable()).toBe(dCount);
    g.dispose();
    d.dispose();
  });

  it('maps noise to tanh images of 32×32 and 64×64 and scores them, without leaking tensors', () => {
    for (const imageSize of [32, 64] as const) {
      const g = new DcganGenerator({ ...tiny, imageSize });
      const d = new DcganDiscriminator({ ...tiny, imageSize, dOutputs: 3, minibatchDiscrimination: { kernels: 5, kernelDim: 3 } });
      const before = tf.memory().numTensors;
      const z = sampleNoise(new Rng(0), 4, 8);
      const x = g.apply(z, true);
      expect(x.shape).toEqual([4, imageSize, imageSize, 3]);
      const values = x.dataSync();
      expect(Math.max(...values)).toBeLessThanOrEqual(1);
      expect(Math.min(...values)).toBeGreaterThanOrEqual(-1);
      const { logits, features } = d.apply(x, true);
      expect(logits.shape).toEqual([4, 3]);
      expect(features.shape).toEqual([4, d.featureDim]);
      tf.dispose([z, x, logits, features]);
      expect(tf.memory().numTensors).toBe(before);
      g.dispose();
      d.dispose();
    }
  });

  it('is seeded: the same seed builds the same weights, another seed different ones', () => {
    const a = new DcganGenerator(tiny);
    const b = new DcganGenerator(tiny);
    const c = new DcganGenerator({ ...tiny, seed: 2 });
    const wa = a.params.named()['up0/kernel']!.dataSync();
    expect(Array.from(b.params.named()['up0/kernel']!.dataSync())).toEqual(Array.from(wa));
    expect(Array.from(c.params.named()['up0/kernel']!.dataSync())).not.toEqual(Array.from(wa));
    // N(0, 0.02) initialisation.
    const std = Math.sqrt(Array.from(wa).reduce((s, v) => s + v * v, 0) / wa.length);
    expect(std).toBeGreaterThan(0.017);
    expect(std).toBeLessThan(0.023);
    a.dispose();
    b.dispose();
    c.dispose();
  });

  it('rejects bad configs and inputs with errors naming the problem', () => {
    expect(() => new DcganGenerator({ imageSize: 48 as 64 })).toThrow(/imageSize must be 32 or 64/);
    expect(() => new DcganGenerator({ zDim: 0 })).toThrow(/zDim/);
    const g = new DcganGenerator(tiny);
    const z = tf.zeros([2, 5]) as tf.Tensor2D;
    expect(() => g.apply(z, false)).toThrow(/width 8/);
    const d = new DcganDiscriminator(tiny);
    const x = tf.zeros([2, 16, 16, 3]) as tf.Tensor4D;
    expect(() => d.apply(x, false)).toThrow(/\[B, 32, 32, 3\]/);
    tf.dispose([z, x]);
    g.dispose();
    d.dispose();
  });
});
