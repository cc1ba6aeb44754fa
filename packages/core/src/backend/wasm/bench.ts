import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/index.js';
import { initBackend } from '../init-backend.js';
import { createConvVae, convVaeTrainStep } from './conv-vae-step.js';
import { replacedWasmKernel } from './register-wasm-training-kernels.js';

/**
 * Microbenchmarks of the wasm backend's training kernels, one result per case as `npm run bench`
 * prints it. Conv cases report GFLOP/s (2 × multiply-adds of the direct convolution); the
 * `-builtin` case runs tfjs-backend-wasm's own Conv2DBackpropInput that ours replaced.
 */
export const wasmBenchCases = [
  'wasm-conv-backprop-input',
  'wasm-conv-backprop-input-builtin',
  'wasm-conv-backprop-filter',
  'wasm-conv2d',
  'wasm-vae-train-b32',
] as const;

export interface WasmBenchResult {
  case: string;
  unit: string;
  per_s: number;
  peer_per_s: null;
  ratio: null;
  [extra: string]: unknown;
}

/** Decoder layer 3 of the reference ConvVAE: [32, 13, 13, 64] → [32, 30, 30, 32], kernel 6, stride 2. */
const CONV = { batch: 32, small: 13, large: 30, smallChannels: 64, largeChannels: 32, kernel: 6, stride: 2 } as const;
const CONV_FLOPS = 2 * CONV.batch * CONV.small * CONV.small * CONV.smallChannels * CONV.kernel * CONV.kernel * CONV.largeChannels;

interface Timing {
  /** Wall-clock seconds per call. */
  wall: number;
  /** This process's CPU seconds per call: what the call costs on a machine shared with other jobs (wasm runs on one thread). */
  cpu: number;
}

function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** Time per call of `fn`: two warm-up calls, then repeats until `minSeconds` have passed. */
function timePerCall(fn: () => void, minSeconds = 2, maxReps = 50): Timing {
  fn();
  fn();
  let reps = 0;
  const cpuStart = cpuSeconds();
  const start = performance.now();
  while (reps < maxReps && (reps < 3 || performance.now() - start < minSeconds * 1000)) {
    fn();
    reps++;
  }
  return { wall: (performance.now() - start) / 1000 / reps, cpu: (cpuSeconds() - cpuStart) / reps };
}

/** A result line: `per_s` from wall-clock time, `cpu_per_s` from this process's CPU time. */
function result(name: string, unit: string, work: number, t: Timing, extra: Record<string, unknown> = {}): WasmBenchResult {
  const round = (v: number) => Number(v.toPrecision(4));
  return { case: name, unit, per_s: round(work / t.wall), peer_per_s: null, ratio: null, cpu_per_s: round(work / t.cpu), ...extra };
}

function convInputs() {
  const rng = new Rng(5);
  const dy = tf.tensor4d(rng.fillNormal(new Float32Array(CONV.batch * CONV.small * CONV.small * CONV.smallChannels)), [CONV.batch, CONV.small, CONV.small, CONV.smallChannels]);
  const x = tf.tensor4d(rng.fillNormal(new Float32Array(CONV.batch * CONV.large * CONV.large * CONV.largeChannels)), [CONV.batch, CONV.large, CONV.large, CONV.largeChannels]);
  const w = tf.tensor4d(rng.fillNormal(new Float32Array(CONV.kernel * CONV.kernel * CONV.largeChannels * CONV.smallChannels)), [CONV.kernel, CONV.kernel, CONV.largeChannels, CONV.smallChannels]);
  return { dy, x, w, xShape: [CONV.batch, CONV.large, CONV.large, CONV.largeChannels] as [number, number, number, number] };
}

function benchConv(name: string): WasmBenchResult {
  const { dy, x, w, xShape } = convInputs();
  let t: Timing;
  if (name === 'wasm-conv-backprop-input') {
    t = timePerCall(() => tf.tidy(() => { tf.conv2dTranspose(dy, w, xShape, CONV.stride, 'valid').dataSync(); }));
  } else if (name === 'wasm-conv-backprop-input-builtin') {
    const builtin = replacedWasmKernel('Conv2DBackpropInput');
    if (builtin === undefined) throw new Error('the wasm backend had no Conv2DBackpropInput of its own to compare with');
    const backend = tf.backend();
    const attrs = { strides: CONV.stride, pad: 'valid', dataFormat: 'NHWC', dimRoundingMode: undefined, inputShape: xShape };
    t = timePerCall(() => {
      const out = builtin.kernelFunc({ inputs: { dy, filter: w }, attrs: attrs as unknown as tf.NamedAttrMap, backend }) as tf.TensorInfo;
      backend.readSync(out.dataId);
      backend.disposeData(out.dataId);
    }, 2, 10);
  } else if (name === 'wasm-conv-backprop-filter') {
    // The filter gradient of the same layer (what conv2d's gradient runs).
    const attrs = { strides: CONV.stride, pad: 'valid', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: w.shape };
    t = timePerCall(() => tf.tidy(() => { (tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor).dataSync(); }));
  } else {
    t = timePerCall(() => tf.tidy(() => { tf.conv2d(x, w, CONV.stride, 'valid').dataSync(); }));
  }
  tf.dispose([dy, x, w]);
  return result(name, 'GFLOP/s', CONV_FLOPS / 1e9, t, {
    shape: `[${CONV.batch},${CONV.small},${CONV.small},${CONV.smallChannels}] ↔ [${CONV.batch},${CONV.large},${CONV.large},${CONV.largeChannels}] k${CONV.kernel} s${CONV.stride}`,
  });
}

function benchVaeTrain(batch: number): WasmBenchResult {
  const rng = new Rng(9);
  const params = createConvVae(32, 1);
  const optimizer = tf.train.adam(1e-4);
  const x = tf.tensor4d(rng.fillUniform(new Float32Array(batch * 64 * 64 * 3)), [batch, 64, 64, 3]);
  const noise = tf.tensor2d(rng.fillNormal(new Float32Array(batch * 32)), [batch, 32]);
  const t = timePerCall(() => convVaeTrainStep(params, optimizer, x, noise), 5, 10);
  tf.dispose([x, noise, ...Object.values(params)]);
  optimizer.dispose();
  return result(`wasm-vae-train-b${batch}`, 'frames/s', batch, t);
}

/** Runs the named cases (all when omitted) on the wasm backend with the training kernels registered. */
export async function* runWasmBenchCases(names?: string[]): AsyncIterable<WasmBenchResult> {
  const selected = names ?? [...wasmBenchCases];
  const unknown = selected.filter((n) => !(wasmBenchCases as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`unknown wasm bench case ${unknown.join(', ')}; known: ${wasmBenchCases.join(', ')}`);
  await initBackend({ backend: 'wasm', quiet: true });
  for (const name of selected) {
    yield name === 'wasm-vae-train-b32' ? benchVaeTrain(32) : benchConv(name);
  }
}
