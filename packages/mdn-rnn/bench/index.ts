/**
 * Benchmark of M with the real model and training step (MDN-RNN 422,368 parameters, teacher
 * forcing, mixture NLL, element-wise clipping, Adam) on the fastest backend present.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@worldmodels/core';
import { MDNRNN } from '../src/mdn-rnn.js';
import { MDNRNNTrainer } from '../src/mdn-rnn-trainer.js';

export const benchCases = ['mdnrnn-train-b100-t100'] as const;

export interface MDNRNNBenchResult {
  case: string;
  unit: string;
  per_s: number;
  peer_per_s: null;
  ratio: null;
  backend: string;
  reps: number;
  seconds_per_rep: number;
}

export async function* runBenchCases(names?: string[]): AsyncIterable<MDNRNNBenchResult> {
  const wanted = names && names.length > 0 ? names : [...benchCases];
  const unknown = wanted.filter((n) => !(benchCases as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`unknown bench case(s) ${unknown.join(', ')}; known: ${benchCases.join(', ')}`);
  await initBackend();
  const backend = tf.getBackend();
  for (const name of wanted) {
    const [, b, t] = /-b(\d+)-t(\d+)$/.exec(name)!;
    const B = Number(b);
    const T = Number(t);
    const model = new MDNRNN({ zSize: 32, actionSize: 3, hiddenSize: 256, mixtures: 5 });
    const trainer = new MDNRNNTrainer(model);
    const batch = {
      z: tf.randomNormal([B, T, 32], 0, 1, 'float32', 1) as tf.Tensor3D,
      actions: tf.randomUniform([B, T, 3], -1, 1, 'float32', 2) as tf.Tensor3D,
      targetZ: tf.randomNormal([B, T, 32], 0, 1, 'float32', 3) as tf.Tensor3D,
    };
    trainer.step(batch);
    const reps = 3;
    const start = performance.now();
    for (let i = 0; i < reps; i++) trainer.step(batch);
    const seconds = (performance.now() - start) / 1000 / reps;
    tf.dispose(Object.values(batch));
    trainer.dispose();
    model.dispose();
    yield {
      case: name, unit: 'steps/s', per_s: Number(((B * T) / seconds).toFixed(2)), peer_per_s: null, ratio: null,
      backend, reps, seconds_per_rep: Number(seconds.toFixed(4)),
    };
  }
}
