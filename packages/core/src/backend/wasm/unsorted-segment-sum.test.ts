import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../random/index.js';
import { randomInput, relativeError, runOn, useBackend } from './compare-backends.js';

describe('wasm UnsortedSegmentSum', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('sums rows that share a segment, drops out-of-range ids, leaves empty segments zero', async () => {
    await useBackend('wasm');
    const out = tf.tidy(() => tf.unsortedSegmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]]), tf.tensor1d([2, 0, 2, -1, 7], 'int32'), 4));
    expect(out.shape).toEqual([4, 2]);
    expect(Array.from(out.dataSync())).toEqual([3, 4, 0, 0, 6, 8, 0, 0]);
    out.dispose();
  });

  it('gather gradients (embedding lookups) match cpu', async () => {
    const rng = new Rng(12);
    const table = randomInput(rng, [50, 3, 4]);
    const ids = Array.from({ length: 37 }, () => rng.int(50));
    const weights = randomInput(rng, [37, 3, 4]);
    const fn = (t: tf.Tensor, w: tf.Tensor) => {
      const f = (tt: tf.Tensor) => tf.sum(tf.mul(tf.gather(tt, tf.tensor1d(ids, 'int32')), w));
      return [tf.grad(f)(t)];
    };
    const cpu = await runOn('cpu', [table, weights], fn);
    const wasm = await runOn('wasm', [table, weights], fn);
    expect(wasm[0]!.shape).toEqual([50, 3, 4]);
    expect(relativeError(wasm[0]!, cpu[0]!)).toBeLessThan(1e-5);
  });

  it('rejects segment ids that do not match x', async () => {
    await useBackend('wasm');
    tf.tidy(() => {
      expect(() => tf.unsortedSegmentSum(tf.ones([4, 2]), tf.tensor1d([0, 1, 1], 'int32'), 2)).toThrow(/segmentIds must be 1-D with x.shape\[0\] = 4/);
    });
  });

  it('leaks no tensors and no wasm buffers', async () => {
    await useBackend('wasm');
    const x = tf.ones([6, 3]);
    const ids = tf.tensor1d([0, 5, 1, 1, 9, 0], 'int32');
    const before = { tensors: tf.memory().numTensors, buffers: tf.backend().numDataIds() };
    tf.tidy(() => tf.unsortedSegmentSum(x, ids, 3)).dispose();
    expect({ tensors: tf.memory().numTensors, buffers: tf.backend().numDataIds() }).toEqual(before);
    tf.dispose([x, ids]);
  });
});
