import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { beforeAll, describe, it } from 'vitest';
import { register } from '../register.js';
import { expectSame, randomValues, withGradients } from '../test-util/compare.js';
import { NATIVE } from '../test-util/setup.js';

const int = (rng: Rng, lo: number, hi: number) => rng.integer(lo, hi + 1);

describe.skipIf(!NATIVE)('native reductions, transpose, slice and pad vs cpu', () => {
  beforeAll(async () => {
    await register();
  });
  const rng = new Rng(41);

  const reductions: [string, (x: tf.Tensor, axis: number[] | undefined, keepDims: boolean) => tf.Tensor][] = [
    ['sum', (x, a, k) => tf.sum(x, a, k)],
    ['mean', (x, a, k) => tf.mean(x, a, k)],
    ['max', (x, a, k) => tf.max(x, a, k)],
    ['min', (x, a, k) => tf.min(x, a, k)],
    ['prod', (x, a, k) => tf.prod(x, a, k)],
  ];

  it('reduce over random axis sets (contiguous, scattered, all), keepDims, forward and gradients', () => {
    for (const [name, op] of reductions) {
      for (let trial = 0; trial < 8; trial++) {
        const rank = int(rng, 1, 4);
        const shape = Array.from({ length: rank }, () => int(rng, 1, 6));
        const axes = trial === 0 ? undefined : Array.from({ length: rank }, (_, i) => i).filter(() => rng.random() < 0.5);
        const keepDims = rng.random() < 0.5;
        // prod's gradient divides by x: keep values away from 0.
        const values = randomValues(rng, shape).map((v) => (name === 'prod' ? Math.sign(v) * (0.5 + Math.abs(v) / 2) : v));
        // tfjs-core 4.22's Prod gradient calls chained tensor methods that tfjs-core alone lacks.
        const gradOk = name !== 'prod';
        const f = (x: tf.Tensor) => op(x, axes, keepDims);
        expectSame(
          `${name} ${shape} axes=${JSON.stringify(axes)} keepDims=${keepDims}`,
          [{ values, shape }],
          gradOk ? withGradients((x) => f(x!), trial) : (x) => f(x!),
        );
      }
    }
  });

  it('prod over one axis (tfjs-core 4.22 has no working Prod gradient without chained ops)', () => {
    for (let trial = 0; trial < 4; trial++) {
      const shape = [int(rng, 1, 5), int(rng, 1, 5), int(rng, 1, 5)];
      const axis = int(rng, 0, 2);
      const values = randomValues(rng, shape).map((v) => Math.sign(v) * (0.5 + Math.abs(v) / 2));
      expectSame(`prod ${shape} axis=${axis}`, [{ values, shape }], (x) => tf.prod(x!, axis));
    }
  });

  it('large column and row sums (bias gradients), threaded', () => {
    const shape = [64, 31, 31, 32];
    expectSame('sum over N,H,W', [{ values: randomValues(rng, shape), shape }], (x) => tf.sum(x!, [0, 1, 2]));
    expectSame('sum over H,W,C', [{ values: randomValues(rng, shape), shape }], (x) => tf.sum(x!, [1, 2, 3]));
    expectSame('max over W', [{ values: randomValues(rng, shape), shape }], (x) => tf.max(x!, 2));
  });

  it('transpose with random permutations, forward and gradients', () => {
    for (let trial = 0; trial < 10; trial++) {
      const rank = int(rng, 1, 5);
      const shape = Array.from({ length: rank }, () => int(rng, 1, 6));
      const perm = Array.from(rng.permutation(rank), Number);
      expectSame(`transpose ${shape} perm=${perm}`, [{ values: randomValues(rng, shape), shape }], withGradients((x) => tf.transpose(x!, perm), trial));
    }
  });

  it('slice, split and pad (Slice, PadV2 and their gradients)', () => {
    for (let trial = 0; trial < 10; trial++) {
      const rank = int(rng, 1, 4);
      const shape = Array.from({ length: rank }, () => int(rng, 1, 7));
      const begin = shape.map((d) => int(rng, 0, d - 1));
      const size = shape.map((d, i) => (rng.random() < 0.2 ? -1 : int(rng, 1, d - begin[i]!)));
      const paddings = shape.map(() => [int(rng, 0, 2), int(rng, 0, 2)] as [number, number]);
      expectSame(`slice ${shape} ${begin} ${size}`, [{ values: randomValues(rng, shape), shape }], withGradients((x) => tf.slice(x!, begin, size), trial));
      expectSame(`pad ${shape} ${JSON.stringify(paddings)}`, [{ values: randomValues(rng, shape), shape }], withGradients((x) => tf.pad(x!, paddings, 0.5), trial));
    }
    expectSame(
      'stack and concat along every axis',
      [0, 1, 2].map(() => ({ values: randomValues(rng, [4, 3, 5]), shape: [4, 3, 5] })),
      withGradients((a, b, c) => tf.concat([tf.stack([a!, b!, c!], 1), tf.stack([c!, a!, b!], 1)], 2), 3),
    );
    expectSame(
      'concat of unequal parts on axis 0 and 2',
      [{ values: randomValues(rng, [2, 3, 5]), shape: [2, 3, 5] }, { values: randomValues(rng, [2, 3, 1]), shape: [2, 3, 1] }],
      withGradients((a, b) => tf.concat([tf.concat([a!, b!], 2), tf.concat([b!, a!], 2)], 0), 4),
    );
    const shape = [9, 12];
    expectSame('split into 4 along axis 1', [{ values: randomValues(rng, shape), shape }], withGradients((x) => tf.concat(tf.split(x!, 4, 1).map((p, i) => tf.mul(p, i + 1)), 1), 2));
  });
});
