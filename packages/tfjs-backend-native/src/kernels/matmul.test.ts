import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { beforeAll, describe, it } from 'vitest';
import { register } from '../register.js';
import { expectSame, randomValues, withGradients } from '../test-util/compare.js';
import { NATIVE } from '../test-util/setup.js';

describe.skipIf(!NATIVE)('native BatchMatMul / _FusedMatMul vs cpu', () => {
  beforeAll(async () => {
    await register();
  });
  const rng = new Rng(11);

  it('matches on random shapes, transposes and batch broadcasting, forward and gradients', () => {
    for (let trial = 0; trial < 24; trial++) {
      const m = rng.integer(1, 40);
      const n = rng.integer(1, 40);
      const k = rng.integer(1, 40);
      const transposeA = rng.random() < 0.5;
      const transposeB = rng.random() < 0.5;
      const batchKind = trial % 4; // 0: 2-D, 1: same batch, 2: a broadcast, 3: b broadcast
      const batch = rng.integer(1, 4);
      const batchA = batchKind === 0 ? [] : batchKind === 2 ? [1] : [batch];
      const batchB = batchKind === 0 ? [] : batchKind === 3 ? [1] : [batch];
      const aShape = [...batchA, ...(transposeA ? [k, m] : [m, k])];
      const bShape = [...batchB, ...(transposeB ? [n, k] : [k, n])];
      expectSame(
        `matMul ${aShape} x ${bShape} tA=${transposeA} tB=${transposeB}`,
        [{ values: randomValues(rng, aShape), shape: aShape }, { values: randomValues(rng, bShape), shape: bShape }],
        // tfjs-core's BatchMatMul gradient does not reduce broadcast batch dims: forward only there.
        batchKind >= 2
          ? (a, b) => tf.matMul(a!, b!, transposeA, transposeB)
          : withGradients((a, b) => tf.matMul(a!, b!, transposeA, transposeB), trial),
      );
    }
  });

  it('matches fused matMul with bias and every fused activation, forward and gradients', () => {
    for (const activation of ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu'] as const) {
      const m = rng.integer(1, 33);
      const n = rng.integer(1, 33);
      const k = rng.integer(1, 33);
      const transposeB = rng.random() < 0.5;
      const bShape = transposeB ? [n, k] : [k, n];
      expectSame(
        `fused matMul ${activation}`,
        [
          { values: randomValues(rng, [m, k]), shape: [m, k] },
          { values: randomValues(rng, bShape), shape: bShape },
          { values: randomValues(rng, [n]), shape: [n] },
        ],
        withGradients(
          (a, b, bias) =>
            tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, transposeB, bias, activation, leakyreluAlpha: 0.1 }),
          m,
        ),
      );
    }
  });

  it('matches fused matMul with a bias of the output shape (an LSTM input projection), forward and gradients', () => {
    for (let trial = 0; trial < 4; trial++) {
      const m = rng.integer(2, 30);
      const n = rng.integer(1, 30);
      const k = rng.integer(1, 30);
      expectSame(
        `fused matMul full bias ${m}x${k}x${n}`,
        [
          { values: randomValues(rng, [m, k]), shape: [m, k] },
          { values: randomValues(rng, [k, n]), shape: [k, n] },
          { values: randomValues(rng, [m, n]), shape: [m, n] },
        ],
        withGradients((a, b, bias) => tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias, activation: trial % 2 ? 'relu' : 'linear' }), trial),
      );
    }
  });

  it('agrees with a large product to 1e-4 and leaks no tensors', () => {
    expectSame(
      'matMul 300x500x200',
      [{ values: randomValues(rng, [300, 500]), shape: [300, 500] }, { values: randomValues(rng, [500, 200]), shape: [500, 200] }],
      (a, b) => tf.matMul(a!, b!),
    );
    tf.setBackend('native');
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      tf.matMul(tf.ones([3, 4]), tf.ones([4, 5])).dataSync();
      tf.fused.matMul({ a: tf.ones([3, 4]), b: tf.ones([4, 5]), bias: tf.ones([5]), activation: "relu" }).dataSync();
    });
    if (tf.memory().numTensors !== before) throw new Error(`leaked ${tf.memory().numTensors - before} tensors`);
  });
});
