import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../test-support/backend.js';
import { SemiSupervisedGanTrainer } from './semi-supervised-trainer.js';

beforeAll(useTestBackend);

/** Two classes of 32×32 grey images: a bright square on the left (0) or on the right (1), with noise. */
function twoClasses(count: number, seed: number): { images: Uint8Array; labels: number[] } {
  const images = new Uint8Array(count * 32 * 32);
  const labels: number[] = [];
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let n = 0; n < count; n++) {
    const label = n % 2;
    labels.push(label);
    const x0 = label === 0 ? 4 : 20;
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const inside = x >= x0 && x < x0 + 8 && y >= 10 && y < 18;
        images[(n * 32 + y) * 32 + x] = Math.round((inside ? 200 : 40) + rand() * 30);
      }
    }
  }
  return { images, labels };
}

describe('SemiSupervisedGanTrainer (K+1 discriminator)', () => {
  it('learns to classify from a few labels with unlabelled and generated data, leaking nothing', () => {
    const trainer = new SemiSupervisedGanTrainer({ model: { imageSize: 32, channels: 1, zDim: 4, gWidth: 4, dWidth: 4 }, numClasses: 2, learningRate: 2e-3, seed: 1 });
    const labelled = twoClasses(4, 1);
    const unlabelled = twoClasses(8, 2);
    const test = twoClasses(16, 3);
    const batch = { labelled: { ...labelled, count: 4 }, unlabelled: { images: unlabelled.images, count: 8 } };
    const first = trainer.trainStep(batch);
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 15; i++) last = trainer.trainStep(batch);
    expect(tf.memory().numTensors).toBe(before);
    expect(last.supervised!).toBeLessThan(first.supervised!);
    const predicted = trainer.classify(test.images, 16);
    const accuracy = test.labels.filter((l, i) => l === predicted[i]).length / 16;
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
    expect(() => trainer.trainStep({ ...batch, labelled: { ...labelled, labels: [0, 1, 2, 0], count: 4 } })).toThrow(/label 2/);
    expect(() => new SemiSupervisedGanTrainer({ unsupervisedWeight: -1 })).toThrow(/unsupervisedWeight/);
    trainer.dispose();
  });
});
