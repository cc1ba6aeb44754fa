import * as tf from '@tensorflow/tfjs-core';
import { hasLSTMSequenceKernels, lstmSequence } from '@worldmodels/core';
import { Rng } from '@worldmodels/core/rng';
import { beforeAll, describe, expect, it } from 'vitest';
import { register } from '../register.js';
import { expectSame, randomValues } from '../test-util/compare.js';
import { NATIVE } from '../test-util/setup.js';

/**
 * Forward outputs (hs, h, c) and the gradients of Σ hs·w₁ + Σ h·w₂ + Σ c²·w₃ with respect to x,
 * kernel, bias, h0 and c0. On the cpu backend lstmSequence runs composed ops; on the native
 * backend its fused kernels.
 */
function lstmWithGradients(forgetBias: number, withKeep: boolean, seed: number) {
  return (...ts: tf.Tensor[]): tf.Tensor[] => {
    const [x, kernel, bias, h0, c0, keep] = ts as [tf.Tensor3D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const options = { forgetBias, keep: withKeep ? keep : undefined };
    const out = lstmSequence(x, kernel, bias, h0, c0, options);
    const rng = new Rng(seed);
    const w = [out.hs, out.h, out.c].map((t) => tf.tensor(randomValues(rng, t.shape), t.shape));
    const loss = (...xs: tf.Tensor[]) => {
      const o = lstmSequence(xs[0] as tf.Tensor3D, xs[1] as tf.Tensor2D, xs[2] as tf.Tensor1D, xs[3] as tf.Tensor2D, xs[4] as tf.Tensor2D, options);
      return tf.add(tf.add(tf.sum(tf.mul(o.hs, w[0]!)), tf.sum(tf.mul(o.h, w[1]!))), tf.sum(tf.mul(tf.square(o.c), w[2]!)));
    };
    return [out.hs, out.h, out.c, ...tf.grads(loss)([x, kernel, bias, h0, c0])];
  };
}

describe.skipIf(!NATIVE)('native WorldModelsLSTMSequence(Grad) vs the composed-ops lstmSequence', () => {
  beforeAll(async () => {
    await register();
  });
  const rng = new Rng(31);

  it('registers both fused kernels for the native backend only', async () => {
    await tf.setBackend('native');
    expect(hasLSTMSequenceKernels()).toBe(true);
    await tf.setBackend('cpu');
    expect(hasLSTMSequenceKernels()).toBe(false);
  });

  it('matches on random shapes (batch 1, odd sizes, T = 1, state resets), forward and gradients', () => {
    const shapes: [number, number, number, number][] = [[1, 1, 1, 1], [3, 7, 5, 4], [1, 9, 3, 17], [6, 4, 11, 33], [100, 12, 35, 64], [5, 20, 2, 70]];
    shapes.forEach(([B, T, I, H], trial) => {
      for (const withKeep of [false, true]) {
        const keep = new Float32Array(B * T).map(() => (rng.random() < 0.25 ? 0 : 1));
        const inputs = [
          { values: randomValues(rng, [B, T, I]), shape: [B, T, I] },
          { values: randomValues(rng, [I + H, 4 * H], 0.5), shape: [I + H, 4 * H] },
          { values: randomValues(rng, [4 * H], 0.3), shape: [4 * H] },
          { values: randomValues(rng, [B, H], 0.5), shape: [B, H] },
          { values: randomValues(rng, [B, H], 0.5), shape: [B, H] },
          { values: keep, shape: [B, T] },
        ];
        const forgetBias = trial % 2 === 0 ? 1 : 0.3;
        expectSame(`lstmSequence B=${B} T=${T} I=${I} H=${H} keep=${withKeep}`, inputs, lstmWithGradients(forgetBias, withKeep, trial));
      }
    });
  });

  it('leaks no tensors on the native backend, forward or backward', async () => {
    await tf.setBackend('native');
    const [B, T, I, H] = [4, 6, 3, 8];
    const x = tf.tensor(randomValues(rng, [B, T, I]), [B, T, I]) as tf.Tensor3D;
    const kernel = tf.variable(tf.tensor(randomValues(rng, [I + H, 4 * H], 0.5), [I + H, 4 * H])) as tf.Variable<tf.Rank.R2>;
    const bias = tf.variable(tf.zeros([4 * H])) as tf.Variable<tf.Rank.R1>;
    const h0 = tf.zeros([B, H]) as tf.Tensor2D;
    const keep = tf.ones([B, T]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) {
      const out = lstmSequence(x, kernel, bias, h0, h0, { keep });
      tf.dispose([out.hs, out.h, out.c]);
      const { value, grads } = tf.variableGrads(() => tf.sum(lstmSequence(x, kernel, bias, h0, h0, { keep }).hs) as tf.Scalar);
      expect(grads[kernel.name]!.shape).toEqual([I + H, 4 * H]);
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, kernel, bias, h0, keep]);
  });
});
