import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NativeBackend } from './backend.js';
import { register } from './register.js';
import { randomValues, relError } from './test-util/compare.js';
import { NATIVE } from './test-util/setup.js';

const N = 4096; // large enough to be kept for reuse

/** The values array behind a tensor, read without marking it as escaped. */
function rawValues(t: tf.Tensor): unknown {
  return (tf.backend() as NativeBackend).data.get(t.dataId)?.values;
}

describe.skipIf(!NATIVE)('NativeBackend output reuse', () => {
  beforeAll(async () => {
    await register();
    tf.setBackend('native');
  });

  it('reuses the array of a disposed, never-read native output', () => {
    tf.setBackend('native');
    const a = tf.ones([N]);
    const b = tf.ones([N]);
    const first = tf.add(a, b);
    const array = rawValues(first);
    first.dispose();
    const second = tf.mul(a, b);
    expect(rawValues(second)).toBe(array);
    expect(Array.from(second.dataSync().slice(0, 3))).toEqual([1, 1, 1]);
    tf.dispose([a, b, second]);
  });

  it('never reuses arrays that were read out or viewed by cpu kernels', () => {
    tf.setBackend('native');
    const a = tf.range(0, N, 1, 'float32');
    const read = tf.add(a, 1);
    const values = read.dataSync();
    const copy = values.slice();
    read.dispose();
    // A cpu kernel (Unpack) may return views into its input.
    const packed = tf.reshape(tf.mul(a, 2), [4, N / 4]);
    const parts = tf.unstack(packed);
    const partCopy = parts[1]!.dataSync().slice();
    packed.dispose();
    for (let i = 0; i < 6; i++) tf.dispose([tf.sub(a, i), tf.mul(a, i)]);
    expect(relError(values, copy)).toBe(0);
    expect(relError(parts[1]!.dataSync(), partCopy)).toBe(0);
    tf.dispose([a, ...parts]);
  });

  it('trains a small conv net identically to the cpu backend (Adam, 4 steps)', () => {
    const rng = new Rng(5);
    const x0 = randomValues(rng, [3, 9, 9, 2]);
    const w0 = randomValues(rng, [3, 3, 2, 4], 0.3);
    const v0 = randomValues(rng, [4 * 4 * 4, 3], 0.3);
    const run = (backend: string) => {
      tf.setBackend(backend);
      const x = tf.tensor4d(x0, [3, 9, 9, 2]);
      const w = tf.variable(tf.tensor4d(w0, [3, 3, 2, 4]));
      const v = tf.variable(tf.tensor2d(v0, [64, 3]));
      const opt = tf.train.adam(0.05);
      const losses: number[] = [];
      for (let step = 0; step < 4; step++) {
        const loss = opt.minimize(() => {
          const h = tf.relu(tf.conv2d(x, w, 2, 'valid')); // [3, 4, 4, 4]
          const y = tf.matMul(tf.reshape(h, [3, 64]), v); // [3, 3]
          return tf.mean(tf.square(tf.sub(tf.sigmoid(y), 0.5)));
        }, true)!;
        losses.push(loss.dataSync()[0]!);
        loss.dispose();
      }
      const out = { losses, w: w.dataSync().slice(), v: v.dataSync().slice() };
      tf.dispose([x, w, v]);
      opt.dispose();
      return out;
    };
    const cpu = run('cpu');
    const native = run('native');
    expect(relError(native.losses, cpu.losses)).toBeLessThan(1e-4);
    expect(relError(native.w, cpu.w)).toBeLessThan(1e-4);
    expect(relError(native.v, cpu.v)).toBeLessThan(1e-4);
  });
});
