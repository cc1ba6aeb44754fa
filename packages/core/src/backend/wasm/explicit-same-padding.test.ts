import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../random/index.js';
import { randomInput, relativeError, runOn } from './compare-backends.js';

// tfjs-backend-wasm 4.22 gets 'same' padding wrong when a filter side is 1 at stride 2 (every
// output differs from cpu); with the training kernels registered the wasm results match cpu.
describe("wasm convolutions with 'same' padding", () => {
  const geometries: Array<[number[], number[], [number, number]]> = [
    [[3, 4, 10, 2], [1, 5, 2, 4], [2, 1]],
    [[2, 8, 10, 3], [3, 1, 3, 2], [2, 2]],
    [[2, 4, 6, 3], [1, 3, 3, 2], [2, 2]],
    [[1, 7, 7, 3], [3, 3, 3, 2], [2, 2]],
  ];
  for (const [xShape, wShape, strides] of geometries) {
    it(`conv2d, fused conv2d, depthwise and fused depthwise match cpu: x [${xShape}] filter [${wShape}] strides ${strides}`, async () => {
      const rng = new Rng(41).derive(xShape.join(), wShape.join());
      const x = randomInput(rng, xShape);
      const w = randomInput(rng, wShape);
      const bias = randomInput(rng, [wShape[3]!]);
      const dwBias = randomInput(rng, [wShape[2]! * wShape[3]!]);
      const fn = (xx: tf.Tensor, ww: tf.Tensor, b: tf.Tensor, db: tf.Tensor) => {
        const x4 = xx as tf.Tensor4D;
        const w4 = ww as tf.Tensor4D;
        return [
          tf.conv2d(x4, w4, strides, 'same'),
          tf.fused.conv2d({ x: x4, filter: w4, strides, pad: 'same', bias: b, activation: 'relu' }),
          tf.depthwiseConv2d(x4, w4, strides, 'same'),
          tf.fused.depthwiseConv2d({ x: x4, filter: w4, strides, pad: 'same', bias: db, activation: 'relu' }),
        ];
      };
      const cpu = await runOn('cpu', [x, w, bias, dwBias], fn);
      const wasm = await runOn('wasm', [x, w, bias, dwBias], fn);
      cpu.forEach((expected, i) => expect(relativeError(wasm[i]!, expected), `output ${i}`).toBeLessThan(1e-5));
    });
  }
});
