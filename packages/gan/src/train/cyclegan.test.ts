import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../test-support/backend.js';
import { ResnetGenerator } from '../models/resnet-generator.js';
import { CycleGanTrainer } from './cyclegan-trainer.js';
import { ImagePool } from './image-pool.js';
import { linearDecayLearningRate } from './lr-schedule.js';

beforeAll(useTestBackend);

/** A batch of 1×1×1 images whose single value identifies them. */
const ids = (values: number[]) => tf.tensor4d(values, [values.length, 1, 1, 1]);
const read = (t: tf.Tensor) => {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
};

describe('ImagePool', () => {
  it('returns and stores every image until it holds `size`, then mixes in past images half of the time', () => {
    const pool = new ImagePool(4, 1);
    const first = ids([1, 2, 3]);
    expect(read(pool.query(first))).toEqual([1, 2, 3]);
    expect(pool.count).toBe(3);
    const second = ids([4, 5]);
    // One more fills the pool (returned as is); the next is past the fill.
    const out = read(pool.query(second));
    expect(out[0]).toBe(4);
    expect(pool.count).toBe(4);
    expect([5, 1, 2, 3, 4]).toContain(out[1]);
    // Over many queries about half the returned images are older ones, and all come from history.
    let swapped = 0;
    const seen = new Set<number>([1, 2, 3, 4, 5]);
    for (let q = 0; q < 50; q++) {
      const fresh = [100 + 2 * q, 101 + 2 * q];
      const batch = ids(fresh);
      const got = read(pool.query(batch));
      batch.dispose();
      for (const v of fresh) seen.add(v); // an image stored earlier in the same batch may come back
      got.forEach((v, i) => {
        if (v !== fresh[i]) {
          swapped++;
          expect(seen.has(v)).toBe(true);
        }
      });
    }
    expect(swapped).toBeGreaterThan(30);
    expect(swapped).toBeLessThan(70);
    expect(pool.count).toBe(4);
    tf.dispose([first, second]);
    pool.dispose();
  });

  it('passes batches through when its size is 0, keeps no extra tensors, and round-trips its state', () => {
    const off = new ImagePool(0, 1);
    const b = ids([7, 8]);
    expect(read(off.query(b))).toEqual([7, 8]);
    expect(off.count).toBe(0);
    const pool = new ImagePool(3, 2);
    tf.dispose(pool.query(b));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) tf.dispose(pool.query(b));
    expect(tf.memory().numTensors).toBe(before + 1); // the pool grew from 2 to 3 stored images
    const saved = pool.stateTensor()!;
    const state = pool.rngState();
    const copy = new ImagePool(3, 99);
    copy.restore(saved, state);
    const x = ids([50, 51, 52, 53]);
    expect(read(copy.query(x))).toEqual(read(pool.query(x)));
    expect(() => new ImagePool(2, 0).restore(saved, state)).toThrow(/holds 3 images for a pool of 2/);
    tf.dispose([b, saved, x]);
    pool.dispose();
    copy.dispose();
    expect(() => new ImagePool(-1, 0)).toThrow(/non-negative integer/);
  });
});

describe('CycleGAN', () => {
  it('decays the learning rate linearly to zero after the constant phase', () => {
    expect(linearDecayLearningRate(2e-4, 0, 100, 100)).toBe(2e-4);
    expect(linearDecayLearningRate(2e-4, 100, 100, 100)).toBe(2e-4);
    expect(linearDecayLearningRate(2e-4, 150, 100, 100)).toBeCloseTo(1e-4, 12);
    expect(linearDecayLearningRate(2e-4, 200, 100, 100)).toBe(0);
    expect(linearDecayLearningRate(2e-4, 300, 100, 100)).toBe(0);
    expect(() => linearDecayLearningRate(0, 0, 1, 1)).toThrow(/> 0/);
  });

  it('ResNet generator: exact parameter count, input size kept, reflection padding', () => {
    const g = new ResnetGenerator({ imageSize: 16, inChannels: 3, outChannels: 3, width: 2, blocks: 2 });
    // c7s1-2, d4, d8, 2 × (two 3×3 8→8), u4, u2 (instance norm: no biases, no norm parameters), c7s1-3 with bias.
    const expected = 7 * 7 * 3 * 2 + 3 * 3 * 2 * 4 + 3 * 3 * 4 * 8 + 2 * 2 * (3 * 3 * 8 * 8) + 3 * 3 * 8 * 4 + 3 * 3 * 4 * 2 + (7 * 7 * 2 * 3 + 3);
    expect(g.params.countTrainable()).toBe(expected);
    const x = tf.randomUniform([2, 16, 16, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
    const y = g.apply(x, true);
    expect(y.shape).toEqual([2, 16, 16, 3]);
    tf.dispose([x, y]);
    g.dispose();
  });

  it('trains G, F, D_X, D_Y with cycle and identity terms, the pool and the decayed rate, leaking nothing', async () => {
    const trainer = new CycleGanTrainer({ imageSize: 16, channels: 3, generatorWidth: 2, residualBlocks: 1, discriminatorWidth: 2, patch: 16, poolSize: 3, constantSteps: 1, decaySteps: 2, seed: 4 });
    const x = tf.randomUniform([2, 16, 16, 3], -1, 1, 'float32', 2) as tf.Tensor4D;
    const y = tf.randomUniform([2, 16, 16, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
    const s0 = trainer.trainStep({ x, y });
    expect(s0.lr).toBe(2e-4);
    expect(s0.cycle).toBeGreaterThan(0);
    expect(s0.identity).toBeGreaterThan(0);
    const before = tf.memory().numTensors;
    const s1 = trainer.trainStep({ x, y });
    // Two more stored fakes per pool (of 3): one more tensor each once full — pools grow 2 → 3.
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(s1.lr).toBe(2e-4);
    const s2 = trainer.trainStep({ x, y });
    expect(s2.lr).toBeCloseTo(1e-4, 12);
    for (const v of Object.values(s2)) expect(Number.isFinite(v)).toBe(true);
    // The state round-trips: a restored trainer translates identically.
    const tensors = await trainer.stateTensors();
    expect(tensors['pool/X']!.shape).toEqual([3, 16, 16, 3]);
    const copy = new CycleGanTrainer({ ...trainer.options, seed: 9 });
    await copy.restoreState(tensors, JSON.parse(JSON.stringify(trainer.stateMetadata())), 'mem');
    expect(copy.step).toBe(3);
    expect(read(copy.toY(x))).toEqual(read(trainer.toY(x)));
    tf.dispose(Object.values(tensors));
    tf.dispose([x, y]);
    trainer.dispose();
    copy.dispose();
  });
});
