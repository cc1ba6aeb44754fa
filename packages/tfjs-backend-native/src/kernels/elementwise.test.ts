import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { beforeAll, describe, expect, it } from 'vitest';
import { register } from '../register.js';
import { expectSame, randomValues, withGradients } from '../test-util/compare.js';
import { NATIVE } from '../test-util/setup.js';

const int = (rng: Rng, lo: number, hi: number) => rng.integer(lo, hi + 1);

/** A random shape of rank 0–4 with odd sizes, and a shape that broadcasts against it. */
function broadcastPair(rng: Rng): [number[], number[]] {
  const rank = int(rng, 0, 4);
  const a = Array.from({ length: rank }, () => int(rng, 1, 7));
  const kind = int(rng, 0, 3);
  if (kind === 0) return [a, a.slice()]; // same shape
  if (kind === 1) return [a, []]; // scalar
  if (kind === 2) return [a, a.slice(int(rng, 0, rank))]; // trailing dims
  return [a, a.map((d) => (rng.random() < 0.5 ? 1 : d))]; // size-1 dims
}

describe.skipIf(!NATIVE)('native element-wise kernels vs cpu', () => {
  beforeAll(async () => {
    await register();
  });
  const rng = new Rng(37);

  const binaries: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
    ['add', tf.add],
    ['sub', tf.sub],
    ['mul', tf.mul],
    ['div', tf.div],
    ['maximum', tf.maximum],
    ['minimum', tf.minimum],
    ['squaredDifference', tf.squaredDifference],
  ];

  it('binary ops with broadcasting, both argument orders, forward and gradients', () => {
    for (const [name, op] of binaries) {
      for (let trial = 0; trial < 6; trial++) {
        let [sa, sb] = broadcastPair(rng);
        if (trial % 2) [sa, sb] = [sb, sa];
        const bValues = randomValues(rng, sb);
        // Keep divisors away from 0 so the cpu reference itself is well conditioned.
        if (name === 'div') for (let i = 0; i < bValues.length; i++) bValues[i] = Math.sign(bValues[i]!) * (0.5 + Math.abs(bValues[i]!));
        // tfjs-core's Maximum/Minimum/SquaredDifference gradients do not reduce broadcast dims: forward only there.
        const broadcasting = JSON.stringify(sa) !== JSON.stringify(sb);
        const gradOk = !(broadcasting && ['maximum', 'minimum', 'squaredDifference'].includes(name));
        expectSame(
          `${name} ${JSON.stringify(sa)} ${JSON.stringify(sb)}`,
          [{ values: randomValues(rng, sa), shape: sa }, { values: bValues, shape: sb }],
          gradOk ? withGradients((a, b) => op(a!, b!), trial) : (a, b) => op(a!, b!),
        );
      }
    }
  });

  it('comparisons with broadcasting give the same bool tensors', () => {
    const ops: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
      ['equal', tf.equal], ['notEqual', tf.notEqual], ['less', tf.less],
      ['lessEqual', tf.lessEqual], ['greater', tf.greater], ['greaterEqual', tf.greaterEqual],
    ];
    for (const [name, op] of ops) {
      for (let trial = 0; trial < 4; trial++) {
        const [sa, sb] = broadcastPair(rng);
        // Rounded values so that equality actually happens.
        const av = randomValues(rng, sa).map((v) => Math.round(v));
        const bv = randomValues(rng, sb).map((v) => Math.round(v));
        expectSame(`${name} ${JSON.stringify(sa)} ${JSON.stringify(sb)}`, [{ values: av, shape: sa }, { values: bv, shape: sb }], (a, b) => op(a!, b!));
      }
    }
  });

  it('pow with positive bases, forward and gradients', () => {
    const shape = [3, 5];
    const base = randomValues(rng, shape).map((v) => 0.5 + Math.abs(v));
    expectSame('pow', [{ values: base, shape }, { values: randomValues(rng, [5]), shape: [5] }], withGradients((a, b) => tf.pow(a!, b!), 1));
  });

  const unaries: [string, (x: tf.Tensor) => tf.Tensor, 'any' | 'positive'][] = [
    ['relu', tf.relu, 'any'],
    ['sigmoid', tf.sigmoid, 'any'],
    ['tanh', tf.tanh, 'any'],
    ['exp', tf.exp, 'any'],
    ['log', tf.log, 'positive'],
    ['sqrt', tf.sqrt, 'positive'],
    ['square', tf.square, 'any'],
    ['neg', tf.neg, 'any'],
    ['abs', tf.abs, 'any'],
    ['step', (x) => tf.step(x, 0.25), 'any'],
    ['rsqrt', tf.rsqrt, 'positive'],
    ['reciprocal', tf.reciprocal, 'positive'],
    ['relu6', (x) => tf.relu6(tf.mul(x, 4)), 'any'],
    ['elu', tf.elu, 'any'],
    ['leakyRelu', (x) => tf.leakyRelu(x, 0.15), 'any'],
    ['softplus', tf.softplus, 'any'],
    ['log1p', tf.log1p, 'positive'],
    ['expm1', tf.expm1, 'any'],
    ['clipByValue', (x) => tf.clipByValue(x, -0.4, 0.7), 'any'],
    ['sign', tf.sign, 'any'],
    ['floor', tf.floor, 'any'],
    ['ceil', tf.ceil, 'any'],
    ['round', tf.round, 'any'],
  ];

  it('unary ops on odd shapes (large enough to run threaded), forward and gradients', () => {
    for (const [name, op, domain] of unaries) {
      for (const shape of [[7], [3, 5, 2], [(1 << 15) + 3]]) {
        let values = randomValues(rng, shape, 3);
        if (domain === 'positive') values = values.map((v) => 0.05 + Math.abs(v));
        expectSame(`${name} ${shape}`, [{ values, shape }], withGradients((x) => op(x!), shape.length));
      }
    }
  });

  it('AddN and large threaded binary ops with trailing-dimension broadcasts', () => {
    const shape = [129, 33, 17];
    expectSame(
      'addN',
      [0, 1, 2].map(() => ({ values: randomValues(rng, shape), shape })),
      withGradients((a, b, c) => tf.addN([a!, b!, c!]), 3),
    );
    expectSame(
      'bias add [129,33,17] + [17]',
      [{ values: randomValues(rng, shape), shape }, { values: randomValues(rng, [17]), shape: [17] }],
      withGradients((a, b) => tf.add(a!, b!), 4),
    );
    expectSame(
      'mul [129,33,17] * [129,1,17]',
      [{ values: randomValues(rng, shape), shape }, { values: randomValues(rng, [129, 1, 17]), shape: [129, 1, 17] }],
      withGradients((a, b) => tf.mul(a!, b!), 5),
    );
  });

  it('int32 and bool tensors still work through the cpu kernels', () => {
    tf.setBackend('native');
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      expect(Array.from(tf.add(tf.tensor1d([1, 2], 'int32'), tf.tensor1d([3, 4], 'int32')).dataSync())).toEqual([4, 6]);
      expect(tf.add(tf.tensor1d([1, 2], 'int32'), tf.tensor1d([3, 4], 'int32')).dtype).toBe('int32');
      expect(Array.from(tf.relu(tf.tensor1d([-1, 2], 'int32')).dataSync())).toEqual([0, 2]);
      expect(Array.from(tf.sum(tf.tensor1d([true, true, false], 'bool')).dataSync())).toEqual([2]);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
