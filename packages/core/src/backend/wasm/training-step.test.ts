import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../random/index.js';
import { randomInput, relativeError, useBackend, type HostArray } from './compare-backends.js';
import { convVaeTrainStep, createConvVae } from './conv-vae-step.js';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels.js';

/** conv(3×3, stride 2, same) → relu → conv2dTranspose(4×4, stride 2, same) → sigmoid, MSE to the input. */
function tinyNetLoss(w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor, x: tf.Tensor): tf.Scalar {
  const h = tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, w1 as tf.Tensor4D, 2, 'same'), b1)); // [B, 5, 6, 8]
  const [batch, height, width, channels] = x.shape as [number, number, number, number];
  const y = tf.sigmoid(tf.add(tf.conv2dTranspose(h as tf.Tensor4D, w2 as tf.Tensor4D, [batch, height, width, channels], 2, 'same'), b2)); // [B, 9, 11, 3]
  return tf.losses.meanSquaredError(x, y) as tf.Scalar;
}

/** One SGD step of the tiny net on `backend`; returns the updated weights and the loss. */
async function tinyNetStep(backend: 'cpu' | 'wasm', init: HostArray[], x: HostArray): Promise<{ weights: HostArray[]; loss: number; leaked: number[] }> {
  await useBackend(backend);
  const vars = init.map((a) => {
    const initial = tf.tensor(a.values, a.shape);
    const v = tf.variable(initial);
    initial.dispose(); // else its buffer outlives the variable's first update
    return v;
  });
  const input = tf.tensor(x.values, x.shape);
  const optimizer = tf.train.sgd(0.5);
  const before = [tf.memory().numTensors, tf.backend().numDataIds()];
  const cost = optimizer.minimize(() => tinyNetLoss(vars[0]!, vars[1]!, vars[2]!, vars[3]!, input), true, vars)!;
  const loss = cost.dataSync()[0]!;
  cost.dispose();
  const leaked = [tf.memory().numTensors - before[0]!, tf.backend().numDataIds() - before[1]!];
  const weights = vars.map((v) => ({ shape: v.shape.slice(), values: v.dataSync() as Float32Array }));
  optimizer.dispose();
  tf.dispose([...vars, input]);
  return { weights, loss, leaked };
}

describe('training on the wasm backend', () => {
  it('registerWasmTrainingKernels is idempotent and names what it provides', async () => {
    await useBackend('wasm');
    const first = registerWasmTrainingKernels();
    const kernel = tf.getKernel('Conv2DBackpropFilter', 'wasm');
    expect(registerWasmTrainingKernels()).toEqual(first);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBe(kernel);
    expect(first).toEqual(expect.arrayContaining([
      'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum',
    ]));
    for (const name of first) expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
  });

  it('a tiny conv / conv2dTranspose net takes the same SGD step as on cpu, without leaks', async () => {
    const rng = new Rng(31);
    const scale = (a: HostArray, s: number) => ({ shape: a.shape, values: a.values.map((v) => v * s) });
    const init = [
      scale(randomInput(rng, [3, 3, 3, 8]), 0.3), // conv filter [kh, kw, in, out]
      scale(randomInput(rng, [8]), 0.1),
      scale(randomInput(rng, [4, 4, 3, 8]), 0.3), // conv2dTranspose filter [kh, kw, out, in]
      scale(randomInput(rng, [3]), 0.1),
    ];
    const x: HostArray = { shape: [3, 9, 11, 3], values: rng.fillUniform(new Float32Array(3 * 9 * 11 * 3)) };
    const cpu = await tinyNetStep('cpu', init, x);
    const wasm = await tinyNetStep('wasm', init, x);
    expect(wasm.leaked).toEqual([0, 0]);
    expect(Math.abs(wasm.loss - cpu.loss) / cpu.loss).toBeLessThan(1e-5);
    cpu.weights.forEach((expected, i) => {
      // The step moved every weight tensor, and wasm moved it the same way.
      expect(relativeError(expected, init[i]!), `weights ${i} changed`).toBeGreaterThan(1e-4);
      const change = (w: HostArray) => ({ shape: w.shape, values: w.values.map((v, j) => v - init[i]!.values[j]!) });
      expect(relativeError(change(wasm.weights[i]!), change(expected)), `update of weights ${i}`).toBeLessThan(1e-4);
    });
  });

  it('the reference ConvVAE has 4,348,547 parameters and an Adam step on wasm lowers its loss', async () => {
    await useBackend('wasm');
    const rng = new Rng(32);
    const params = createConvVae(32, 7);
    expect(Object.values(params).reduce((n, v) => n + v.size, 0)).toBe(4_348_547);
    const x = tf.tensor4d(rng.fillUniform(new Float32Array(4 * 64 * 64 * 3)), [4, 64, 64, 3]);
    const noise = tf.tensor2d(rng.fillNormal(new Float32Array(4 * 32)), [4, 32]);
    const optimizer = tf.train.adam(1e-3);
    const losses = [0, 1, 2].map(() => convVaeTrainStep(params, optimizer, x, noise));
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[2]!).toBeLessThan(losses[0]!);
    optimizer.dispose();
    tf.dispose([x, noise, ...Object.values(params)]);
  });
});
