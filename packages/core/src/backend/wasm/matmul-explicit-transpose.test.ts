import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../random/index.js';
import { randomInput, relativeError, runOn, useBackend } from './compare-backends.js';
import { replacedWasmKernel } from './register-wasm-training-kernels.js';

describe('wasm BatchMatMul / _FusedMatMul with transposed operands', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('wraps the backend kernels', () => {
    expect(replacedWasmKernel('BatchMatMul')).toBeDefined();
    expect(replacedWasmKernel('_FusedMatMul')).toBeDefined();
  });

  const shapes: Array<[number[], number[]]> = [
    [[7, 5], [5, 3]],
    [[1, 9], [9, 1]],
    [[4, 6, 5], [4, 5, 3]],
    [[2, 1, 6, 5], [3, 5, 2]], // broadcast batch dims (tfjs-core has no gradient for these)
  ];
  for (const [aShape, bShape] of shapes) {
    for (const [ta, tb] of [[false, true], [true, false], [true, true]] as const) {
      it(`matMul [${aShape}]·[${bShape}] transposeA=${ta} transposeB=${tb} (and its gradients) match cpu`, async () => {
        const rng = new Rng(21).derive(aShape.join(), bShape.join(), String(ta), String(tb));
        const swap = (s: number[], t: boolean) => (t ? [...s.slice(0, -2), s[s.length - 1]!, s[s.length - 2]!] : s);
        const a = randomInput(rng, swap(aShape, ta));
        const b = randomInput(rng, swap(bShape, tb));
        const fn = (x: tf.Tensor, y: tf.Tensor) => {
          const f = (xx: tf.Tensor, yy: tf.Tensor) => tf.matMul(xx, yy, ta, tb);
          const out = f(x, y);
          const r = tf.sin(tf.reshape(tf.range(0, out.size), out.shape));
          const broadcast = aShape.length !== bShape.length;
          return broadcast ? [out] : [out, ...tf.grads((xx: tf.Tensor, yy: tf.Tensor) => tf.sum(tf.mul(f(xx, yy), r)))([x, y])];
        };
        const cpu = await runOn('cpu', [a, b], fn);
        const wasm = await runOn('wasm', [a, b], fn);
        cpu.forEach((expected, i) => expect(relativeError(wasm[i]!, expected), `output ${i}`).toBeLessThan(1e-5));
      });
    }
  }

  it('fused matMul with bias and relu, transposed, matches cpu with gradients', async () => {
    const rng = new Rng(22);
    const a = randomInput(rng, [6, 8]);
    const b = randomInput(rng, [5, 6]);
    const bias = randomInput(rng, [5]);
    const fn = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => {
      const f = (xx: tf.Tensor, yy: tf.Tensor, zz: tf.Tensor) =>
        tf.fused.matMul({ a: xx as tf.Tensor2D, b: yy as tf.Tensor2D, transposeA: true, transposeB: true, bias: zz, activation: 'relu' });
      return [f(x, y, z), ...tf.grads((xx: tf.Tensor, yy: tf.Tensor, zz: tf.Tensor) => tf.sum(tf.square(f(xx, yy, zz))))([x, y, z])];
    };
    const cpu = await runOn('cpu', [a, b, bias], fn);
    const wasm = await runOn('wasm', [a, b, bias], fn);
    cpu.forEach((expected, i) => expect(relativeError(wasm[i]!, expected), `output ${i}`).toBeLessThan(1e-5));
  });

  it('leaks no tensors and no wasm buffers', async () => {
    await useBackend('wasm');
    const a = tf.ones([3, 4]);
    const b = tf.ones([5, 4]);
    const before = { tensors: tf.memory().numTensors, buffers: tf.backend().numDataIds() };
    tf.tidy(() => tf.matMul(a, b, false, true)).dispose();
    expect({ tensors: tf.memory().numTensors, buffers: tf.backend().numDataIds() }).toEqual(before);
    tf.dispose([a, b]);
  });
});
