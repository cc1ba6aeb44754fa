/**
 * InfoGAN on Pong frames with a categorical code Cat(10) and 2 continuous codes. Reports the
 * Fréchet distance of samples against held-out frames (random init → end) and the mutual-
 * information lower bound L_I against its maximum H(c); writes one row of samples per category.
 *
 *   node --conditions=worldmodels-source --import tsx packages/gan/experiments/infogan-pong.ts --budget tiny
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@worldmodels/core';
import { MetricsLogger } from '@worldmodels/core/progress';
import { Rng } from '@worldmodels/core/rng';
import { downscaleArea, imagesToTensor } from '../src/data/images.js';
import { frechetDistanceFromStatistics } from '../src/metrics/frechet-distance.js';
import { codeEntropy } from '../src/losses/mutual-information.js';
import { sampleCodes } from '../src/models/infogan.js';
import { InfoGanTrainer } from '../src/train/infogan-trainer.js';
import { sampleNoise } from '../src/train/noise.js';
import { runTraining } from '../src/train/run-training.js';
import { sampleGrid, writeSampleGrid } from '../src/samples.js';
import { type Frame, writeGif } from '@worldmodels/core/image';
import { parseExperimentArgs } from './lib/args.js';
import { cachedArrays, collectPong, ndarray } from './lib/env-data.js';
import { fdOfImages, featureNetworkFor, generateInBatches, realStatistics } from './lib/fd.js';
import { writeResults } from './lib/results.js';
import { CpuMeter } from './lib/cpu-time.js';

const CODES = { categorical: [10], continuous: 2 };
const Z = 62; // InfoGAN's MNIST noise width
const BUDGETS = {
  tiny: { size: 32 as const, train: 96, heldOut: 64, width: 8, batch: 16, steps: 8, evalEvery: 4, samples: 64, fn: { steps: 20, featureDim: 16, width: 8, batchSize: 16 } },
  medium: { size: 32 as const, train: 2000, heldOut: 500, width: 32, batch: 32, steps: 600, evalEvery: 100, samples: 500, fn: { steps: 300, featureDim: 32, width: 16, batchSize: 32 } },
  small: { size: 32 as const, train: 2000, heldOut: 500, width: 32, batch: 64, steps: 1500, evalEvery: 250, samples: 500, fn: { steps: 400, featureDim: 32, width: 16, batchSize: 32 } },
  full: { size: 64 as const, train: 10000, heldOut: 2000, width: 64, batch: 64, steps: 10000, evalEvery: 1000, samples: 2000, fn: { steps: 1500, featureDim: 64, width: 32, batchSize: 64 } },
};

async function main(): Promise<void> {
  const args = parseExperimentArgs('infogan-pong');
  const b = BUDGETS[args.budget];
  mkdirSync(args.runDir, { recursive: true });
  const cpu = CpuMeter.open(args.runDir);
  const backend = await initBackend({ quiet: args.quiet });
  const log = (line: string) => !args.quiet && console.error(`infogan-pong: ${line}`);
  const size = b.size;
  const n = b.train + b.heldOut;
  const frame = size * size * 3;

  const data = await cachedArrays(join(args.runDir, 'data.npz'), () => {
    log(`collecting ${n} Pong frames`);
    const raw = collectPong(n, args.seed).frames;
    return { frames: ndarray('uint8', [n, size, size, 3], size === 64 ? raw : downscaleArea(raw, n, 64, 64, 3, 2)) };
  });
  const frames = data.frames!.data as Uint8Array;
  const train = frames.subarray(0, b.train * frame);
  const net = await featureNetworkFor(args.runDir, train, b.train, size, 3, b.fn, args.seed, log);
  const real = realStatistics(net, frames.subarray(b.train * frame), b.heldOut);
  const nRef = Math.min(b.train, b.heldOut);
  const fdRealVsReal = frechetDistanceFromStatistics(realStatistics(net, train.subarray(0, nRef * frame), nRef), real);

  const trainer = new InfoGanTrainer({ model: { imageSize: size, channels: 3, zDim: Z, gWidth: b.width, dWidth: b.width }, codes: CODES, seed: args.seed });
  const evalRng = new Rng(args.seed).derive('eval');
  const zEval = sampleNoise(evalRng, b.samples, Z);
  const cEval = sampleCodes(evalRng, b.samples, CODES);
  const order = new Rng(args.seed).derive('batches').permutation(b.train);
  const batch = new Uint8Array(b.batch * frame);

  const result = await runTraining({
    runDir: args.runDir,
    trainer,
    totalSteps: b.steps,
    checkpointEvery: Math.max(1, Math.min(b.evalEvery, 500)),
    evaluateEvery: b.evalEvery,
    label: 'infogan',
    quiet: args.quiet,
    batchAt: (step) => {
      for (let i = 0; i < b.batch; i++) {
        const k = order[(step * b.batch + i) % b.train]!;
        batch.set(train.subarray(k * frame, (k + 1) * frame), i * frame);
      }
      return { images: batch, count: b.batch };
    },
    evaluate: async (step) => {
      const fd = fdOfImages(net, real, generateInBatches(b.samples, 64, (m, off) => tf.tidy(() => trainer.generate(tf.slice(zEval, [off, 0], [m, -1]) as tf.Tensor2D, tf.slice(cEval.input, [off, 0], [m, -1]) as tf.Tensor2D))));
      log(`step ${step}: Fréchet distance ${fd.toFixed(3)}`);
      await cpu.save();
      return { fd, cpuSeconds: cpu.total() };
    },
  });

  // One row per category, the same noise along each column: what the categorical code controls.
  const cols = 8;
  const z = sampleNoise(new Rng(args.seed).derive('grid'), cols, Z);
  const zGrid = tf.tidy(() => tf.tile(z, [10, 1])) as tf.Tensor2D;
  const codes = sampleCodes(new Rng(0), 10 * cols, CODES, {
    categorical: Array.from({ length: 10 * cols }, (_, i) => [Math.floor(i / cols)]),
    continuous: Array.from({ length: 10 * cols }, () => [0, 0]),
  });
  const grid = trainer.generate(zGrid, codes.input);
  await writeSampleGrid(join(args.runDir, 'categories.png'), grid, 10, cols, size === 32 ? 3 : 2);
  // Collapse check: per-pixel standard deviation (0–255 units) across the categories (same noise)
  // and across the noise (same category), beside that of as many real held-out frames.
  const pixelStd = (x: tf.Tensor, axis: number) => tf.tidy(() => tf.mean(tf.sqrt(tf.moments(x, axis).variance)).mul(127.5).dataSync()[0]!);
  const byCategory = grid.reshape([10, cols, size, size, 3]); // [category, noise, S, S, 3]
  const nReal = Math.min(10 * cols, b.heldOut);
  const realFrames = imagesToTensor(frames.subarray(b.train * frame, (b.train + nReal) * frame), nReal, size, size, 3); // [≤80, S, S, 3]
  const diversity = { acrossCategories: pixelStd(byCategory, 0), acrossNoise: pixelStd(byCategory, 1), realFrames: pixelStd(realFrames, 0) };
  log(`per-pixel std (0–255): across categories ${diversity.acrossCategories.toFixed(2)}, across noise ${diversity.acrossNoise.toFixed(2)}, real frames ${diversity.realFrames.toFixed(2)}`);
  tf.dispose([byCategory, realFrames]);
  tf.dispose([z, zGrid, grid, codes.input, codes.categorical, codes.continuous!, zEval, cEval.input, cEval.categorical, cEval.continuous!]);

  // The first continuous code swept from −1 to 1 (GIF), one image per category, the same noise.
  const steps = 16;
  const z1 = sampleNoise(new Rng(args.seed).derive('sweep'), 1, Z);
  const zSweep = tf.tidy(() => tf.tile(z1, [10, 1])) as tf.Tensor2D;
  const sweepFrames: Frame[] = [];
  for (let s = 0; s < steps; s++) {
    const v = -1 + (2 * s) / (steps - 1);
    const c = sampleCodes(new Rng(0), 10, CODES, { categorical: Array.from({ length: 10 }, (_, i) => [i]), continuous: Array.from({ length: 10 }, () => [v, 0]) });
    const x = trainer.generate(zSweep, c.input);
    sweepFrames.push(sampleGrid(x, 2, 5, size === 32 ? 3 : 2));
    tf.dispose([x, c.input, c.categorical, c.continuous!]);
  }
  await writeGif(join(args.runDir, 'continuous-code.gif'), [...sweepFrames, ...sweepFrames.slice(1, -1).reverse()], { fps: 8 });
  tf.dispose([z1, zSweep]);

  const records = await MetricsLogger.read(join(args.runDir, 'metrics.jsonl'));
  const evals = records.filter((r) => r.kind === 'eval');
  const trainRecords = records.filter((r) => r.kind === 'train');
  // L_I of one batch is noisy: report the mean over the first and the last five logged steps.
  const meanMi = (rs: typeof trainRecords) => rs.reduce((sum, r) => sum + Number(r.miLowerBound), 0) / Math.max(1, rs.length);
  await writeResults(args.runDir, {
    experiment: 'infogan-pong',
    budget: args.budget,
    backend: backend.backend,
    imageSize: size,
    steps: result.step,
    fdRandomInit: Number(evals.find((e) => Number(e.step) === 0)?.fd ?? NaN),
    fdFinal: Number(evals.at(-1)?.fd ?? NaN),
    miLowerBoundFirst: meanMi(trainRecords.slice(0, 5)),
    miLowerBoundFinal: meanMi(trainRecords.slice(-5)),
    miLowerBoundSteps: [Number(trainRecords[0]?.step ?? NaN), Number(trainRecords.at(-1)?.step ?? NaN)],
    miMaximum: codeEntropy(CODES) - CODES.continuous * 0.5 * Math.log(2 * Math.PI),
    fdRealVsReal,
    pixelStd: diversity,
    curve: evals.map((e) => ({ step: Number(e.step), fd: Number(e.fd), cpuSeconds: Number(e.cpuSeconds ?? NaN) })),
    cpuSeconds: cpu.total(),
    processes: cpu.processes(),
  });
  await cpu.save();
  trainer.dispose();
  net.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
