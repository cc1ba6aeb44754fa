import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../random/index.js';
import { randomInput, relativeError, runOn, useBackend, type HostArray } from './compare-backends.js';

interface DepthwiseCase {
  batch: number;
  height: number;
  width: number;
  channels: number;
  multiplier: number;
  filterHeight: number;
  filterWidth: number;
  strides: [number, number];
  dilations: [number, number];
  pad: 'same' | 'valid';
}

function randomCases(rng: Rng, count: number): DepthwiseCase[] {
  return Array.from({ length: count }, (_, i) => {
    const filterHeight = rng.integer(1, 5);
    const filterWidth = rng.integer(1, 5);
    const dilated = i % 4 === 3;
    return {
      batch: rng.choice([1, 3]),
      height: rng.integer(filterHeight * (dilated ? 2 : 1), 12),
      width: rng.integer(filterWidth * (dilated ? 2 : 1), 12),
      channels: rng.integer(1, 5),
      multiplier: rng.integer(1, 3),
      filterHeight,
      filterWidth,
      strides: dilated ? [1, 1] : [rng.integer(1, 3), rng.integer(1, 3)],
      dilations: dilated ? [2, 2] : [1, 1],
      pad: i % 2 === 0 ? 'same' : 'valid',
    };
  });
}

function describeCase(c: DepthwiseCase): string {
  return `x [${c.batch},${c.height},${c.width},${c.channels}] filter [${c.filterHeight},${c.filterWidth},${c.channels},${c.multiplier}] strides ${c.strides} dilations ${c.dilations} ${c.pad}`;
}

function outShape(c: DepthwiseCase): [number, number, number, number] {
  return tf.backend_util.computeConv2DInfo(
    [c.batch, c.height, c.width, c.channels], [c.filterHeight, c.filterWidth, c.channels, c.multiplier], c.strides, c.dilations, c.pad,
    undefined, true).outShape;
}

/** The two backprop kernels called directly (gradients through tfjs-core only allow dilation 1). */
function backpropKernels(c: DepthwiseCase) {
  return (x: tf.Tensor, w: tf.Tensor, dy: tf.Tensor): tf.Tensor[] => {
    const attrs = { strides: c.strides, dilations: c.dilations, pad: c.pad, dimRoundingMode: undefined };
    const dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape } as never) as tf.Tensor;
    const dw = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape } as never) as tf.Tensor;
    return [dx, dw];
  };
}

/**
 * Reference for dilated cases: tfjs-backend-cpu's DepthwiseConv2dNativeBackpropInput ignores
 * dilations, so the reference runs the undilated kernels on the zero-inserted (effective) filter,
 * whose forward conv is the same, and reads dW back at the dilated taps.
 */
function dilatedReference(c: DepthwiseCase) {
  return (x: tf.Tensor, w: tf.Tensor, dy: tf.Tensor): tf.Tensor[] => {
    const [dh, dw] = c.dilations;
    const effH = (c.filterHeight - 1) * dh + 1;
    const effW = (c.filterWidth - 1) * dw + 1;
    const values = w.dataSync();
    const eff = new Float32Array(effH * effW * c.channels * c.multiplier);
    const tap = c.channels * c.multiplier;
    for (let y = 0; y < c.filterHeight; y++) {
      for (let xx = 0; xx < c.filterWidth; xx++) eff.set(values.subarray((y * c.filterWidth + xx) * tap, (y * c.filterWidth + xx + 1) * tap), (y * dh * effW + xx * dw) * tap);
    }
    const undilated = { ...c, filterHeight: effH, filterWidth: effW, dilations: [1, 1] as [number, number] };
    const [dx, dwEff] = backpropKernels(undilated)(x, tf.tensor(eff, [effH, effW, c.channels, c.multiplier]), dy) as [tf.Tensor, tf.Tensor];
    return [dx, tf.stridedSlice(dwEff, [0, 0, 0, 0], [effH, effW, c.channels, c.multiplier], [dh, dw, 1, 1])];
  };
}

async function expectSame(inputs: HostArray[], fn: (...xs: tf.Tensor[]) => tf.Tensor[], label: string, reference = fn) {
  const cpu = await runOn('cpu', inputs, reference);
  const wasm = await runOn('wasm', inputs, fn);
  cpu.forEach((expected, i) => {
    expect(wasm[i]!.shape, `${label} output ${i}`).toEqual(expected.shape);
    expect(relativeError(wasm[i]!, expected), `${label} output ${i}`).toBeLessThan(1e-4);
  });
}

describe('wasm DepthwiseConv2dNativeBackpropFilter and DepthwiseConv2dNativeBackpropInput', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  const cases = randomCases(new Rng(99), 16);
  it.each(cases.map((c) => [describeCase(c), c] as const))('kernels match cpu: %s', async (_name, c) => {
    const rng = new Rng(4).derive(describeCase(c));
    const x = randomInput(rng, [c.batch, c.height, c.width, c.channels]);
    const w = randomInput(rng, [c.filterHeight, c.filterWidth, c.channels, c.multiplier]);
    const dy = randomInput(rng, outShape(c));
    const dilated = c.dilations[0] > 1 || c.dilations[1] > 1;
    await expectSame([x, w, dy], backpropKernels(c), describeCase(c), dilated ? dilatedReference(c) : backpropKernels(c));
  });

  it('depthwiseConv2d and separableConv2d gradients match cpu', async () => {
    const rng = new Rng(5);
    const x = randomInput(rng, [2, 9, 8, 3]);
    const depthwise = randomInput(rng, [3, 3, 3, 2]);
    const pointwise = randomInput(rng, [1, 1, 6, 4]);
    const r = randomInput(rng, [2, 5, 4, 4]);
    const fn = (xx: tf.Tensor, dw: tf.Tensor, pw: tf.Tensor, rr: tf.Tensor) => {
      const f = (a: tf.Tensor, b: tf.Tensor, p: tf.Tensor) => tf.separableConv2d(a as tf.Tensor4D, b as tf.Tensor4D, p as tf.Tensor4D, 2, 'same');
      return [f(xx, dw, pw), ...tf.grads((a: tf.Tensor, b: tf.Tensor, p: tf.Tensor) => tf.sum(tf.mul(f(a, b, p), rr)))([xx, dw, pw])];
    };
    await expectSame([x, depthwise, pointwise, r], fn, 'separableConv2d');
  });

  it('leaks no tensors and no wasm buffers', async () => {
    await useBackend('wasm');
    const c = cases[0]!;
    const rng = new Rng(6);
    const tensors = [randomInput(rng, [c.batch, c.height, c.width, c.channels]), randomInput(rng, [c.filterHeight, c.filterWidth, c.channels, c.multiplier]),
      randomInput(rng, outShape(c))].map((a) => tf.tensor(a.values, a.shape));
    const before = { tensors: tf.memory().numTensors, buffers: tf.backend().numDataIds() };
    tf.dispose(tf.tidy(() => backpropKernels(c)(tensors[0]!, tensors[1]!, tensors[2]!)));
    expect({ tensors: tf.memory().numTensors, buffers: tf.backend().numDataIds() }).toEqual(before);
    tf.dispose(tensors);
  });
});
