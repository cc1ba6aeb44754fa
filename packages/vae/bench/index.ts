/**
 * Benchmarks of V with the real model and training step (ConvVAE 4,348,547 parameters, Adam,
 * the reference loss) on the fastest backend present. `npm run bench` fills the peer fields.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@worldmodels/core';
import { ConvVAE } from '../src/conv-vae.js';
import { VAETrainer } from '../src/vae-trainer.js';

export const benchCases = ['vae-train-b32', 'vae-train-b100', 'vae-encode-b32'] as const;

export interface VAEBenchResult {
  case: string;
  unit: string;
  per_s: number;
  peer_per_s: null;
  ratio: null;
  backend: string;
  reps: number;
  seconds_per_rep: number;
}

function timeReps(fn: () => void, warmup: number, reps: number): number {
  for (let i = 0; i < warmup; i++) fn();
  const start = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - start) / 1000 / reps;
}

export async function* runBenchCases(names?: string[]): AsyncIterable<VAEBenchResult> {
  const wanted = names && names.length > 0 ? names : [...benchCases];
  const unknown = wanted.filter((n) => !(benchCases as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`unknown bench case(s) ${unknown.join(', ')}; known: ${benchCases.join(', ')}`);
  await initBackend();
  const backend = tf.getBackend();
  for (const name of wanted) {
    const batch = Number(/-b(\d+)$/.exec(name)![1]);
    const vae = new ConvVAE({ zSize: 32, seed: 0 });
    const x = tf.randomUniform([batch, 64, 64, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    let seconds: number;
    let reps: number;
    if (name.startsWith('vae-train')) {
      const trainer = new VAETrainer(vae);
      reps = batch >= 100 ? 3 : 5;
      seconds = timeReps(() => trainer.step(x), 2, reps);
      trainer.dispose();
    } else {
      reps = 20;
      seconds = timeReps(() => tf.tidy(() => vae.encode(x).mu.dataSync()), 3, reps);
    }
    tf.dispose(x);
    vae.dispose();
    yield {
      case: name, unit: 'frames/s', per_s: Number((batch / seconds).toFixed(2)), peer_per_s: null, ratio: null,
      backend, reps, seconds_per_rep: Number(seconds.toFixed(4)),
    };
  }
}
