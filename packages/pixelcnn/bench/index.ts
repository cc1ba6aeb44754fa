/**
 * Benchmarks for `npm run bench`:
 * - `pixelcnn-train-b16-32x32`: training images/s of the default Gated PixelCNN (32×32×3, F 48,
 *   6 layers, 256-way softmax) on batches of 16.
 * - `pixelcnn-sample-32x32`: images/s of cached sampling (batch 8, temperature 1).
 * - `pixelcnn-sample-32x32-naive`: images/s of naive sampling (one full pass per sub-pixel), same
 *   model and batch. A full naive image takes 3072 passes, so 8 steps are timed and extrapolated:
 *   every naive step costs the same full pass. cached ÷ naive is the speed-up.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@worldmodels/core';
import { Rng } from '@worldmodels/core/rng';
import { GatedPixelCNN } from '../src/gated-pixelcnn.js';
import { NaiveEvaluator } from '../src/sampling/naive-evaluator.js';
import { sample } from '../src/sampling/sample.js';

export const benchCases: readonly string[] = ['pixelcnn-train-b16-32x32', 'pixelcnn-sample-32x32', 'pixelcnn-sample-32x32-naive'];

/** The benchmarked model: the package defaults (32×32×3, F 48, 6 gated layers, softmax). */
export const BENCH_CONFIG = { imageShape: [32, 32, 3] as [number, number, number] };
const TRAIN_BATCH = 16;
const SAMPLE_BATCH = 8;

function randomImages(n: number, seed: number): tf.Tensor4D {
  const r = new Rng(seed);
  return tf.tensor4d(Int32Array.from({ length: n * 32 * 32 * 3 }, () => r.int(256)), [n, 32, 32, 3], 'int32');
}

async function trainImagesPerSecond(minSeconds: number): Promise<number> {
  const model = new GatedPixelCNN(BENCH_CONFIG);
  const optimizer = tf.train.adam(1e-3);
  const x = randomImages(TRAIN_BATCH, 1);
  try {
    const step = () => tf.dispose(optimizer.minimize(() => model.bitsPerDimTensor(x), true, model.trainableVariables) ?? undefined);
    step(); // warm-up: Adam slots, kernel selection
    let steps = 0;
    const start = performance.now();
    while (steps < 2 || performance.now() - start < minSeconds * 1000) {
      step();
      steps++;
    }
    return (steps * TRAIN_BATCH) / ((performance.now() - start) / 1000);
  } finally {
    x.dispose();
    optimizer.dispose();
    model.dispose();
  }
}

async function sampleImagesPerSecond(method: 'cached' | 'naive'): Promise<number> {
  const model = new GatedPixelCNN(BENCH_CONFIG);
  try {
    const [h, w, c] = model.imageShape;
    if (method === 'cached') {
      sample(model, { count: SAMPLE_BATCH, rng: new Rng(1), onRow: () => undefined }); // warm-up
      const start = performance.now();
      sample(model, { count: SAMPLE_BATCH, rng: new Rng(2) });
      return SAMPLE_BATCH / ((performance.now() - start) / 1000);
    }
    // Naive: every step is the same full pass over the canvas, so time a few steps of the naive
    // evaluator (after one warm-up step) and extrapolate to the H·W·C steps of an image.
    const canvas = new Uint8Array(SAMPLE_BATCH * h * w * c);
    const evaluator = new NaiveEvaluator(model, canvas, SAMPLE_BATCH, undefined);
    evaluator.pixel(0, 0);
    const steps = 8;
    const start = performance.now();
    for (let k = 0; k < steps; k++) evaluator.pixel(k % h, k % w);
    const secondsPerStep = (performance.now() - start) / 1000 / steps;
    return SAMPLE_BATCH / (secondsPerStep * h * w * c);
  } finally {
    model.dispose();
  }
}

export async function* runBenchCases(names?: string[]): AsyncIterable<{ case: string; unit: string; per_s: number; peer_per_s: null; ratio: null }> {
  const wanted = names ?? [...benchCases];
  for (const n of wanted) if (!benchCases.includes(n)) throw new Error(`unknown pixelcnn bench case '${n}' (known: ${benchCases.join(', ')})`);
  await initBackend();
  const minSeconds = Number(process.env.PIXELCNN_BENCH_SECONDS ?? 10);
  for (const name of wanted) {
    const perS = name === 'pixelcnn-train-b16-32x32' ? await trainImagesPerSecond(minSeconds) : await sampleImagesPerSecond(name.endsWith('-naive') ? 'naive' : 'cached');
    yield { case: name, unit: 'images/s', per_s: Number(perS.toPrecision(4)), peer_per_s: null, ratio: null };
  }
}
