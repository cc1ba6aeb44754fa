import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@worldmodels/core/rng';
import { codeEntropy } from '../losses/mutual-information.js';
import { sampleCodes } from '../models/infogan.js';
import { syntheticImages, useTestBackend } from '../test-support/backend.js';
import { InfoGanTrainer } from './infogan-trainer.js';

beforeAll(useTestBackend);

describe('InfoGAN', () => {
  it('samples codes from the prior as one-hot categoricals and U(−1, 1) continuous values', () => {
    const spec = { categorical: [3, 2], continuous: 2 };
    const c = sampleCodes(new Rng(1), 200, spec);
    expect(c.input.shape).toEqual([200, 7]);
    const input = c.input.arraySync();
    const classes = c.categorical.arraySync();
    input.forEach((row, b) => {
      expect(row.slice(0, 3).reduce((a, v) => a + v, 0)).toBe(1);
      expect(row[classes[b]![0]!]).toBe(1);
      expect(row[3 + classes[b]![1]!]).toBe(1);
      expect(Math.abs(row[5]!) <= 1 && Math.abs(row[6]!) <= 1).toBe(true);
    });
    const counts = [0, 0, 0];
    for (const row of classes) counts[row[0]!]!++;
    for (const n of counts) expect(n).toBeGreaterThan(40);
    const fixed = sampleCodes(new Rng(1), 1, spec, { categorical: [[2, 1]], continuous: [[0.5, -0.5]] });
    expect(Array.from(fixed.input.dataSync())).toEqual([0, 0, 1, 0, 1, 0.5, -0.5]);
    expect(() => sampleCodes(new Rng(1), 1, spec, { categorical: [[3, 0]] })).toThrow(/\[0, 3\)/);
    tf.dispose([c.input, c.categorical, c.continuous!, fixed.input, fixed.categorical, fixed.continuous!]);
  });

  it('raises the MI lower bound towards H(c) as G and Q learn, leaking nothing', () => {
    const codes = { categorical: [4], continuous: 1 };
    const trainer = new InfoGanTrainer({ model: { imageSize: 32, channels: 1, zDim: 4, gWidth: 4, dWidth: 4 }, codes, seed: 2, gLearningRate: 2e-3, dLearningRate: 1e-3 });
    expect(trainer.generator.inputDim).toBe(4 + 5);
    const images = syntheticImages(8, 32, 1);
    const first = trainer.trainStep({ images, count: 8 });
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 24; i++) last = trainer.trainStep({ images, count: 8 });
    expect(tf.memory().numTensors).toBe(before);
    const bound = codeEntropy(codes) - 0.5 * Math.log(2 * Math.PI);
    // The bound starts near H(cat) − log 4 + log 2 − NLL(cont) and rises as codes become recoverable.
    expect(last.miLowerBound).toBeGreaterThan(first.miLowerBound! + 0.3);
    expect(last.miLowerBound).toBeLessThanOrEqual(bound + 1e-6);
    // Q recovers the categorical code of generated images better than chance (1/4).
    const z = tf.randomUniform([32, 4], -1, 1, 'float32', 9) as tf.Tensor2D;
    const cls = Array.from({ length: 32 }, (_, i) => [i % 4]);
    const c = sampleCodes(new Rng(3), 32, codes, { categorical: cls });
    const x = trainer.generate(z, c.input);
    const predicted = trainer.predictCategory(x);
    const accuracy = cls.filter((row, i) => row[0] === predicted[i]).length / 32;
    expect(accuracy).toBeGreaterThan(0.5);
    tf.dispose([z, x, c.input, c.categorical, c.continuous!]);
    trainer.dispose();
  });
});
