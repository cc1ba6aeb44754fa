/**
 * DCGAN on CarRacing frames: Fréchet distance (on a feature network trained on the frames) of
 * generated samples against held-out real frames, from the random-init generator to the end of
 * training; sample grid and latent-interpolation GIF.
 *
 *   node --conditions=worldmodels-source --import tsx packages/gan/experiments/dcgan-carracing.ts --budget tiny
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@worldmodels/core';
import { Rng } from '@worldmodels/core/rng';
import { sampleNoise } from '../src/train/noise.js';
import { DcganTrainer } from '../src/train/dcgan-trainer.js';
import { runTraining } from '../src/train/run-training.js';
import { interpolateLatents, writeInterpolationGif, writeSampleGrid } from '../src/samples.js';
import { frechetDistanceFromStatistics } from '../src/metrics/frechet-distance.js';
import { parseExperimentArgs } from './lib/args.js';
import { cachedArrays, collectCarRacing, ndarray, prepareFrames, prepSize, type CarRacingPrep } from './lib/env-data.js';
import { fdOfImages, featureNetworkFor, generateInBatches, realStatistics } from './lib/fd.js';
import { writeResults } from './lib/results.js';
import { CpuMeter } from './lib/cpu-time.js';

const BUDGETS = {
  tiny: { prep: 'area32' as CarRacingPrep, train: 96, heldOut: 64, width: 8, batch: 16, steps: 8, evalEvery: 4, samples: 64, fn: { steps: 20, featureDim: 16, width: 8, batchSize: 16 } },
  medium: { prep: 'area32' as CarRacingPrep, train: 2000, heldOut: 500, width: 32, batch: 32, steps: 1500, evalEvery: 250, samples: 500, fn: { steps: 300, featureDim: 32, width: 16, batchSize: 32 } },
  small: { prep: 'resize64' as CarRacingPrep, train: 2000, heldOut: 500, width: 32, batch: 64, steps: 1500, evalEvery: 250, samples: 500, fn: { steps: 400, featureDim: 64, width: 16, batchSize: 32 } },
  full: { prep: 'resize64' as CarRacingPrep, train: 10000, heldOut: 2000, width: 64, batch: 128, steps: 10000, evalEvery: 1000, samples: 2000, fn: { steps: 1500, featureDim: 64, width: 32, batchSize: 64 } },
};

async function main(): Promise<void> {
  const args = parseExperimentArgs('dcgan-carracing');
  const b = BUDGETS[args.budget];
  mkdirSync(args.runDir, { recursive: true });
  const cpu = CpuMeter.open(args.runDir);
  const backend = await initBackend({ quiet: args.quiet });
  const log = (line: string) => !args.quiet && console.error(`dcgan-carracing: ${line}`);
  const size = prepSize(b.prep);
  const frame = size * size * 3;

  const data = await cachedArrays(join(args.runDir, 'data.npz'), () => {
    log(`collecting ${b.train + b.heldOut} CarRacing frames`);
    const { frames } = collectCarRacing({ count: b.train + b.heldOut, seed: args.seed });
    return { frames: ndarray('uint8', [b.train + b.heldOut, size, size, 3], prepareFrames(frames, b.train + b.heldOut, b.prep)) };
  });
  const all = data.frames!.data as Uint8Array;
  const train = all.subarray(0, b.train * frame);
  const heldOut = all.subarray(b.train * frame);

  const net = await featureNetworkFor(args.runDir, train, b.train, size, 3, b.fn, args.seed, log);
  const real = realStatistics(net, heldOut, b.heldOut);
  const trainStats = realStatistics(net, train.subarray(0, Math.min(b.train, b.heldOut) * frame), Math.min(b.train, b.heldOut));
  const realVsReal = frechetDistanceFromStatistics(trainStats, real);

  const trainer = new DcganTrainer({ model: { imageSize: size as 32 | 64, channels: 3, zDim: 100, gWidth: b.width, dWidth: b.width }, seed: args.seed });
  const evalNoise = new Rng(args.seed).derive('eval-noise');
  const zEval = sampleNoise(evalNoise, b.samples, 100);
  const batchRng = new Rng(args.seed).derive('batches');
  const order = batchRng.permutation(b.train);
  const batchImages = new Uint8Array(b.batch * frame);
  const curve: { step: number; fd: number }[] = [];

  const result = await runTraining({
    runDir: args.runDir,
    trainer,
    totalSteps: b.steps,
    checkpointEvery: Math.max(1, Math.min(b.evalEvery, 500)),
    evaluateEvery: b.evalEvery,
    label: 'dcgan',
    quiet: args.quiet,
    batchAt: (step) => {
      for (let i = 0; i < b.batch; i++) {
        const k = order[(step * b.batch + i) % b.train]!;
        batchImages.set(train.subarray(k * frame, (k + 1) * frame), i * frame);
      }
      return { images: batchImages, count: b.batch };
    },
    evaluate: async (step) => {
      const fd = fdOfImages(net, real, generateInBatches(b.samples, 64, (n, off) => tf.tidy(() => trainer.generate(tf.slice(zEval, [off, 0], [n, -1]) as tf.Tensor2D))));
      curve.push({ step, fd });
      log(`step ${step}: Fréchet distance ${fd.toFixed(3)}`);
      await cpu.save();
      return { fd, cpuSeconds: cpu.total() };
    },
  });

  const z = tf.tidy(() => tf.slice(zEval, [0, 0], [64, -1])) as tf.Tensor2D;
  const grid = trainer.generate(z);
  await writeSampleGrid(join(args.runDir, 'samples.png'), grid, 8, 8, size === 32 ? 3 : 2);
  const a = zEval.slice([0, 0], [1, -1]);
  const c = zEval.slice([1, 0], [1, -1]);
  const path = interpolateLatents(a.dataSync(), c.dataSync(), 16);
  const walk = trainer.generate(path);
  await writeInterpolationGif(join(args.runDir, 'interpolation.gif'), walk, { scale: size === 32 ? 4 : 2 });
  tf.dispose([z, grid, a, c, path, walk, zEval]);

  const metrics = await import('@worldmodels/core/progress').then((m) => m.MetricsLogger.read(join(args.runDir, 'metrics.jsonl')));
  const evals = metrics.filter((r) => r.kind === 'eval').map((r) => ({ step: Number(r.step), fd: Number(r.fd), cpuSeconds: Number(r.cpuSeconds ?? NaN) }));
  await writeResults(args.runDir, {
    experiment: 'dcgan-carracing',
    budget: args.budget,
    backend: backend.backend,
    imageSize: size,
    steps: result.step,
    batch: b.batch,
    fdRandomInit: evals.find((e) => e.step === 0)?.fd ?? null,
    fdFinal: evals.at(-1)?.fd ?? null,
    fdRealVsReal: realVsReal,
    fdCurve: evals.length ? evals : curve,
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
