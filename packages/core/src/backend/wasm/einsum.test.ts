import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../random/index.js';
import { randomInput, relativeError, runOn, useBackend } from './compare-backends.js';

const SIZES: Record<string, number> = { i: 3, j: 4, k: 5, b: 2, h: 3, q: 4, d: 5, a: 2, c: 3 };

describe('wasm Einsum', () => {
  const equations = [
    'ij,jk->ik', 'ij,kj->ik', 'ji,jk->ik', 'ij,jk->ki', 'bij,bjk->bik', 'bij,bkj->bik', 'bhqd,bhkd->bhqk',
    'i,i->', 'i,j->ij', 'ij,j->i', 'ij,ik->', 'ijk,k->ji', 'abc,cd->abd', 'ij->ji', 'ij->', 'ijk->ki', 'ij->ij',
  ];
  for (const equation of equations) {
    it(`${equation} matches cpu`, async () => {
      const rng = new Rng(51).derive(equation);
      const terms = equation.split('->')[0]!.split(',');
      const inputs = terms.map((term) => randomInput(rng, term.split('').map((l) => SIZES[l]!)));
      const fn = (...xs: tf.Tensor[]) => [tf.einsum(equation, ...xs)];
      const cpu = await runOn('cpu', inputs, fn);
      const wasm = await runOn('wasm', inputs, fn);
      expect(wasm[0]!.shape).toEqual(cpu[0]!.shape);
      expect(relativeError(wasm[0]!, cpu[0]!)).toBeLessThan(1e-5);
    });
  }

  it('rejects operands whose shared labels differ in size', async () => {
    await useBackend('wasm');
    tf.tidy(() => {
      expect(() => tf.einsum('ij,jk->ik', tf.ones([2, 3]), tf.ones([4, 5]))).toThrow(/Expected dimension 3/);
    });
  });

  it('leaks no tensors and no wasm buffers', async () => {
    await useBackend('wasm');
    const a = tf.ones([2, 3, 4]);
    const b = tf.ones([2, 5, 4]);
    const before = { tensors: tf.memory().numTensors, buffers: tf.backend().numDataIds() };
    tf.tidy(() => tf.einsum('bij,bkj->bik', a, b)).dispose();
    tf.tidy(() => tf.einsum('bij->', a)).dispose();
    expect({ tensors: tf.memory().numTensors, buffers: tf.backend().numDataIds() }).toEqual(before);
    tf.dispose([a, b]);
  });
});
