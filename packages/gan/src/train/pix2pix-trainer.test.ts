import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../test-support/backend.js';
import { Pix2PixTrainer } from './pix2pix-trainer.js';

beforeAll(useTestBackend);

describe('Pix2PixTrainer', () => {
  it('uses λ = 100 and the 70×70 PatchGAN by default', () => {
    const t = new Pix2PixTrainer({ imageSize: 16, generatorWidth: 2, discriminatorWidth: 2 });
    expect(t.options.lambdaL1).toBe(100);
    expect(t.discriminator.receptiveField).toBe(70);
    t.dispose();
    expect(() => new Pix2PixTrainer({ lambdaL1: -1 })).toThrow(/lambdaL1/);
  });

  it('reports gLoss = gGan + λ·L1, lowers the held-out L1 on a learnable mapping, leaks nothing', () => {
    const trainer = new Pix2PixTrainer({ imageSize: 16, inChannels: 2, outChannels: 3, generatorWidth: 4, discriminatorWidth: 4, patch: 16, learningRate: 1e-3, seed: 1 });
    // Condition: smooth 2-channel maps; target: a fixed colour mixing of them (learnable through the skips).
    const input = tf.tidy(() => tf.image.resizeNearestNeighbor(tf.randomUniform([4, 4, 4, 2], -1, 1, 'float32', 5) as tf.Tensor4D, [16, 16])) as tf.Tensor4D;
    const target = tf.tidy(() => tf.tanh(tf.matMul(input.reshape([-1, 2]), tf.tensor2d([[1, -0.5, 0.3], [0.2, 0.8, -1]])).reshape([4, 16, 16, 3]))) as tf.Tensor4D;
    const l1Before = trainer.heldOutL1(input, target);
    const s0 = trainer.trainStep({ input, target });
    expect(s0.gLoss).toBeCloseTo(s0.gGan! + 100 * s0.gL1!, 3);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 31; i++) trainer.trainStep({ input, target });
    expect(tf.memory().numTensors).toBe(before);
    const l1After = trainer.heldOutL1(input, target);
    expect(l1After).toBeLessThan(0.85 * l1Before);
    tf.dispose([input, target]);
    trainer.dispose();
  });
});
