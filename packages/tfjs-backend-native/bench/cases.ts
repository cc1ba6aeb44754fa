import * as tf from '@tensorflow/tfjs-core';
import { createMdnRnn, INPUT, mdnLoss, Z } from './mdnrnn-net.js';
import { countParams, createVae, encode, vaeLoss } from './vae-net.js';

/** CPU seconds (all threads) per call in the last `timed` run: load-independent cost. */
export let lastCpuSecondsPerCall = 0;

/** Mean wall seconds per call after two warm-up calls (the peer's `timed`). */
export function timed(fn: () => void, reps: number): number {
  fn();
  fn();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  const wall = (performance.now() - t0) / 1000 / reps;
  const cpu = process.cpuUsage(c0);
  lastCpuSecondsPerCall = (cpu.user + cpu.system) / 1e6 / reps;
  return wall;
}

export interface CaseResult {
  case: string;
  unit: string;
  per_s: number;
  [extra: string]: unknown;
}

/** FLOPs of one ConvVAE forward pass per frame (multiply-adds × 2), convolutions and linears. */
export function vaeForwardFlopsPerFrame(): number {
  const conv = (oh: number, cout: number, k: number, cin: number) => 2 * oh * oh * cout * k * k * cin;
  const enc = conv(31, 32, 4, 3) + conv(14, 64, 4, 32) + conv(6, 128, 4, 64) + conv(2, 256, 4, 128) + 2 * 1024 * 64;
  // A transposed conv costs what the forward conv of its input size does.
  const dec = 2 * 32 * 1024 + conv(1, 1024, 5, 128) + conv(5, 128, 5, 64) + conv(13, 64, 6, 32) + conv(30, 32, 6, 3);
  return enc + dec;
}

export function vaeTrain(batch: number, reps = 5): CaseResult {
  const p = createVae();
  const vars = Object.values(p);
  const opt = tf.train.adam(1e-4);
  const x = tf.randomUniform([batch, 64, 64, 3], 0, 1, 'float32', 7) as tf.Tensor4D; // [B, 64, 64, 3]
  let seed = 100;
  const step = () => {
    const loss = opt.minimize(() => vaeLoss(p, x, 32, seed++), true, vars)!;
    loss.dataSync();
    loss.dispose();
  };
  const dt = timed(step, reps);
  const params = countParams(p);
  tf.dispose([x, ...vars]);
  opt.dispose();
  // Training ≈ 3 × forward (forward, input gradients, weight gradients).
  const gflops = (3 * vaeForwardFlopsPerFrame() * batch) / dt / 1e9;
  return {
    case: `vae-train-b${batch}`, unit: 'frames/s', per_s: batch / dt, params, gflop_s: Number(gflops.toFixed(1)),
    cpu_s_per_step: Number(lastCpuSecondsPerCall.toFixed(4)),
  };
}

export function vaeEncode(batch: number, reps = 20): CaseResult {
  const p = createVae();
  const x = tf.randomUniform([batch, 64, 64, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
  const dt = timed(() => {
    const h = tf.tidy(() => encode(p, x));
    h.dataSync();
    h.dispose();
  }, reps);
  tf.dispose([x, ...Object.values(p)]);
  return { case: `vae-encode-b${batch}`, unit: 'frames/s', per_s: batch / dt, cpu_s_per_step: Number(lastCpuSecondsPerCall.toFixed(4)) };
}

export function mdnrnnTrain(batch = 100, steps = 100, reps = 5): CaseResult {
  const p = createMdnRnn();
  const vars = Object.values(p);
  const opt = tf.train.adam(1e-3);
  const x = tf.randomNormal([batch, steps, INPUT], 0, 1, 'float32', 3) as tf.Tensor3D; // [B, T, 35]
  const target = tf.randomNormal([batch, steps, Z], 0, 1, 'float32', 4) as tf.Tensor3D; // [B, T, 32]
  const step = () => {
    tf.tidy(() => {
      const { value, grads } = opt.computeGradients(() => mdnLoss(p, x, target), vars);
      const clipped: tf.NamedTensorMap = {};
      for (const [name, g] of Object.entries(grads)) clipped[name] = tf.clipByValue(g, -1, 1);
      opt.applyGradients(clipped as unknown as Parameters<typeof opt.applyGradients>[0]);
      value.dataSync();
    });
  };
  const dt = timed(step, reps);
  const params = vars.reduce((n, v) => n + v.size, 0);
  tf.dispose([x, target, ...vars]);
  opt.dispose();
  return {
    case: `mdnrnn-train-b${batch}-t${steps}`, unit: 'steps/s', per_s: (batch * steps) / dt, params,
    cpu_s_per_step: Number(lastCpuSecondsPerCall.toFixed(4)),
  };
}
