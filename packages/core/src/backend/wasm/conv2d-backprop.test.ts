import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../random/index.js';
import { randomInput, relativeError, runOn, useBackend, type HostArray } from './compare-backends.js';
import { setConvInputGradientStrategy } from './conv2d-backprop-input.js';
import { replacedWasmKernel } from './register-wasm-training-kernels.js';

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];

interface ConvCase {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strides: [number, number];
  pad: Pad;
}

/** Seeded random conv geometries: batch 1 or odd, odd and even sizes, strides 1–2, all paddings. */
function randomCases(rng: Rng, count: number): ConvCase[] {
  const cases: ConvCase[] = [];
  while (cases.length < count) {
    const filterHeight = rng.integer(1, 6);
    const filterWidth = rng.integer(1, 6);
    const kind = cases.length % 3;
    const pad: Pad = kind === 0 ? 'same' : kind === 1 ? 'valid'
      : [[0, 0], [rng.integer(0, filterHeight), rng.integer(0, filterHeight)], [rng.integer(0, filterWidth), rng.integer(0, filterWidth)], [0, 0]];
    const c: ConvCase = {
      batch: rng.choice([1, 3]),
      height: rng.integer(filterHeight, 12),
      width: rng.integer(filterWidth, 12),
      inChannels: rng.integer(1, 6),
      outChannels: rng.integer(1, 6),
      filterHeight,
      filterWidth,
      strides: [rng.integer(1, 3), rng.integer(1, 3)],
      pad,
    };
    cases.push(c);
  }
  return cases;
}

function outShape(c: ConvCase): [number, number, number, number] {
  const info = tf.backend_util.computeConv2DInfo(
    [c.batch, c.height, c.width, c.inChannels], [c.filterHeight, c.filterWidth, c.inChannels, c.outChannels], c.strides, 1, c.pad);
  return info.outShape;
}

function describeCase(c: ConvCase): string {
  return `x [${c.batch},${c.height},${c.width},${c.inChannels}] filter [${c.filterHeight},${c.filterWidth},${c.inChannels},${c.outChannels}] strides ${c.strides} pad ${JSON.stringify(c.pad)}`;
}

/** conv2d forward plus the gradients of Σ conv2d(x, w) ⊙ r (dy = r: exercises both backprop kernels). */
function conv2dAndGrads(c: ConvCase) {
  return (x: tf.Tensor, w: tf.Tensor, r: tf.Tensor): tf.Tensor[] => {
    const f = (xx: tf.Tensor, ww: tf.Tensor) => tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, c.strides, c.pad);
    const g = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(f(xx, ww), r)));
    return [f(x, w), ...g([x, w])];
  };
}

/** conv2dTranspose forward (Conv2DBackpropInput) plus its gradients (Conv2D and Conv2DBackpropFilter). */
function conv2dTransposeAndGrads(c: ConvCase) {
  return (z: tf.Tensor, w: tf.Tensor, r: tf.Tensor): tf.Tensor[] => {
    const shape: [number, number, number, number] = [c.batch, c.height, c.width, c.inChannels];
    const f = (zz: tf.Tensor, ww: tf.Tensor) => tf.conv2dTranspose(zz as tf.Tensor4D, ww as tf.Tensor4D, shape, c.strides, c.pad);
    const g = tf.grads((zz: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(f(zz, ww), r)));
    return [f(z, w), ...g([z, w])];
  };
}

async function expectSameOnBothBackends(inputs: HostArray[], fn: (...xs: tf.Tensor[]) => tf.Tensor[], label: string) {
  const cpu = await runOn('cpu', inputs, fn);
  const wasm = await runOn('wasm', inputs, fn);
  expect(wasm.length).toBe(cpu.length);
  cpu.forEach((expected, i) => {
    expect(wasm[i]!.shape, `${label} output ${i} shape`).toEqual(expected.shape);
    expect(relativeError(wasm[i]!, expected), `${label} output ${i}`).toBeLessThan(1e-4);
  });
}

describe('wasm Conv2DBackpropFilter and Conv2DBackpropInput', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('replaced the slow built-in Conv2DBackpropInput and added Conv2DBackpropFilter', () => {
    expect(replacedWasmKernel('Conv2DBackpropInput')).toBeDefined();
    expect(replacedWasmKernel('Conv2DBackpropFilter')).toBeUndefined();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  const cases = randomCases(new Rng(20240611), 24);
  it.each(cases.map((c) => [describeCase(c), c] as const))('conv2d gradients match cpu: %s', async (_name, c) => {
    const rng = new Rng(7).derive(describeCase(c));
    const x = randomInput(rng, [c.batch, c.height, c.width, c.inChannels]);
    const w = randomInput(rng, [c.filterHeight, c.filterWidth, c.inChannels, c.outChannels]);
    const r = randomInput(rng, outShape(c));
    await expectSameOnBothBackends([x, w, r], conv2dAndGrads(c), describeCase(c));
  });

  for (const strategy of ['subpixel', 'matmul'] as const) {
    it.each(cases.map((c) => [describeCase(c), c] as const))(`conv2dTranspose and its gradients match cpu (${strategy}): %s`, async (_name, c) => {
      const rng = new Rng(8).derive(describeCase(c));
      const z = randomInput(rng, outShape(c));
      const w = randomInput(rng, [c.filterHeight, c.filterWidth, c.inChannels, c.outChannels]);
      const r = randomInput(rng, [c.batch, c.height, c.width, c.inChannels]);
      const previous = setConvInputGradientStrategy(strategy);
      try {
        await expectSameOnBothBackends([z, w, r], conv2dTransposeAndGrads(c), describeCase(c));
      } finally {
        setConvInputGradientStrategy(previous);
      }
    });
  }

  it('matches the reference ConvVAE decoder geometry (1→5→13→30→64, kernels 5,5,6,6, stride 2)', async () => {
    const rng = new Rng(11);
    const layers: Array<[number, number, number, number, number]> = [
      // [inSize, outSize, kernel, inChannels (of dx), outChannels (of dy)]
      [5, 1, 5, 16, 32],
      [13, 5, 5, 8, 16],
      [30, 13, 6, 4, 8],
      [64, 30, 6, 3, 4],
    ];
    for (const [size, small, k, ci, co] of layers) {
      for (const strategy of ['subpixel', 'matmul', 'auto'] as const) {
        const c: ConvCase = { batch: 2, height: size, width: size, inChannels: ci, outChannels: co, filterHeight: k, filterWidth: k, strides: [2, 2], pad: 'valid' };
        expect(outShape(c)).toEqual([2, small, small, co]);
        const z = randomInput(rng, [2, small, small, co]);
        const w = randomInput(rng, [k, k, ci, co]);
        const r = randomInput(rng, [2, size, size, ci]);
        const previous = setConvInputGradientStrategy(strategy);
        try {
          await expectSameOnBothBackends([z, w, r], conv2dTransposeAndGrads(c), `${describeCase(c)} (${strategy})`);
        } finally {
          setConvInputGradientStrategy(previous);
        }
      }
    }
  });

  it('handles NCHW data in both backprop kernels', async () => {
    const rng = new Rng(13);
    const x = randomInput(rng, [2, 3, 9, 8]); // [B, C, H, W]
    const w = randomInput(rng, [3, 3, 3, 4]);
    const dy = randomInput(rng, [2, 4, 5, 4]); // stride 2, 'same' → [B, Co, 5, 4]
    const fn = (xx: tf.Tensor, ww: tf.Tensor, dd: tf.Tensor) => {
      const attrs = { strides: 2, pad: 'same', dataFormat: 'NCHW', dimRoundingMode: undefined };
      return [
        tf.engine().runKernel('Conv2DBackpropInput', { dy: dd, filter: ww }, { ...attrs, inputShape: xx.shape } as never) as tf.Tensor,
        tf.engine().runKernel('Conv2DBackpropFilter', { x: xx, dy: dd }, { ...attrs, filterShape: ww.shape } as never) as tf.Tensor,
      ];
    };
    await expectSameOnBothBackends([x, w, dy], fn, 'NCHW');
  });

  it('rejects a dy whose shape does not fit the convolution', async () => {
    await useBackend('wasm');
    tf.tidy(() => {
      const dy = tf.zeros([1, 3, 3, 2]) as tf.Tensor4D;
      const w = tf.zeros([3, 3, 1, 2]) as tf.Tensor4D;
      expect(() => tf.conv2dTranspose(dy, w, [1, 8, 8, 1], 1, 'same')).toThrow(/dy has shape \[1,3,3,2\]/);
    });
  });

  it('leaks no tensors and no wasm buffers', async () => {
    await useBackend('wasm');
    const c: ConvCase = { batch: 3, height: 9, width: 7, inChannels: 2, outChannels: 3, filterHeight: 4, filterWidth: 3, strides: [2, 2], pad: 'same' };
    const rng = new Rng(3);
    const inputs = [randomInput(rng, [3, 9, 7, 2]), randomInput(rng, [4, 3, 2, 3]), randomInput(rng, outShape(c))];
    const tensors = inputs.map((a) => tf.tensor(a.values, a.shape));
    const before = { tensors: tf.memory().numTensors, buffers: tf.backend().numDataIds() };
    const outs = tf.tidy(() => conv2dAndGrads(c)(...(tensors as [tf.Tensor, tf.Tensor, tf.Tensor])));
    tf.dispose(outs);
    const outsT = tf.tidy(() => conv2dTransposeAndGrads(c)(tf.tensor(inputs[2]!.values, inputs[2]!.shape), tensors[1]!, tf.tensor(inputs[0]!.values, inputs[0]!.shape)));
    tf.dispose(outsT);
    expect({ tensors: tf.memory().numTensors, buffers: tf.backend().numDataIds() }).toEqual(before);
    tf.dispose(tensors);
  });
});
