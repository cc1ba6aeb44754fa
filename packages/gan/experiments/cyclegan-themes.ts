/**
 * CycleGAN between two colour themes of CarRacing (X: 'default', Y: 'night'), unpaired: the two
 * sets come from different episodes. Reports the Fréchet distance of translated held-out X frames
 * G(x) against real held-out Y frames (feature network trained on Y), from random init to the
 * end, beside the distance of the untranslated x (the identity map) for scale.
 *
 *   node --conditions=worldmodels-source --import tsx packages/gan/experiments/cyclegan-themes.ts --budget tiny
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@worldmodels/core';
import { MetricsLogger } from '@worldmodels/core/progress';
import { Rng } from '@worldmodels/core/rng';
import { imagesToTensor } from '../src/data/images.js';
import { CycleGanTrainer } from '../src/train/cyclegan-trainer.js';
import { runTraining } from '../src/train/run-training.js';
import { writeSampleGrid } from '../src/samples.js';
import { parseExperimentArgs } from './lib/args.js';
import { cachedArrays, collectCarRacing, ndarray, prepareFrames, prepSize, type CarRacingPrep } from './lib/env-data.js';
import { fdOfImages, featureNetworkFor, generateInBatches, realStatistics } from './lib/fd.js';
import { writeResults } from './lib/results.js';
import { CpuMeter } from './lib/cpu-time.js';

const BUDGETS = {
  tiny: { prep: 'area32' as CarRacingPrep, train: 64, heldOut: 32, width: 4, blocks: 1, batch: 2, steps: 6, evalEvery: 3, fn: { steps: 20, featureDim: 16, width: 8, batchSize: 16 } },
  medium: { prep: 'area32' as CarRacingPrep, train: 500, heldOut: 100, width: 16, blocks: 3, batch: 1, steps: 200, evalEvery: 50, fn: { steps: 300, featureDim: 32, width: 16, batchSize: 32 } },
  small: { prep: 'area32' as CarRacingPrep, train: 1000, heldOut: 200, width: 16, blocks: 3, batch: 4, steps: 2000, evalEvery: 250, fn: { steps: 400, featureDim: 32, width: 16, batchSize: 32 } },
  full: { prep: 'resize64' as CarRacingPrep, train: 3000, heldOut: 500, width: 32, blocks: 6, batch: 1, steps: 20000, evalEvery: 2000, fn: { steps: 1500, featureDim: 64, width: 32, batchSize: 64 } },
};

async function main(): Promise<void> {
  const args = parseExperimentArgs('cyclegan-themes');
  const b = BUDGETS[args.budget];
  mkdirSync(args.runDir, { recursive: true });
  const cpu = CpuMeter.open(args.runDir);
  const backend = await initBackend({ quiet: args.quiet });
  const log = (line: string) => !args.quiet && console.error(`cyclegan-themes: ${line}`);
  const size = prepSize(b.prep);
  const n = b.train + b.heldOut;
  const frame = size * size * 3;

  const data = await cachedArrays(join(args.runDir, 'data.npz'), () => {
    log(`collecting ${n} frames in each theme, from different episodes`);
    const x = collectCarRacing({ count: n, seed: args.seed, theme: 'default' }).frames;
    const y = collectCarRacing({ count: n, seed: args.seed + 1_000_003, theme: 'night' }).frames;
    return { x: ndarray('uint8', [n, size, size, 3], prepareFrames(x, n, b.prep)), y: ndarray('uint8', [n, size, size, 3], prepareFrames(y, n, b.prep)) };
  });
  const xs = data.x!.data as Uint8Array;
  const ys = data.y!.data as Uint8Array;
  const heldX = imagesToTensor(xs.subarray(b.train * frame), b.heldOut, size, size, 3);
  const net = await featureNetworkFor(args.runDir, ys.subarray(0, b.train * frame), b.train, size, 3, b.fn, args.seed, log);
  const realY = realStatistics(net, ys.subarray(b.train * frame), b.heldOut);
  const fdIdentity = fdOfImages(net, realY, tf.clone(heldX));
  log(`Fréchet distance of untranslated X frames to Y: ${fdIdentity.toFixed(3)}`);

  const trainer = new CycleGanTrainer({
    imageSize: size, channels: 3, generatorWidth: b.width, residualBlocks: b.blocks, discriminatorWidth: b.width,
    patch: 70, constantSteps: Math.floor(b.steps / 2), decaySteps: b.steps - Math.floor(b.steps / 2), seed: args.seed,
  });
  const rng = new Rng(args.seed).derive('batches');
  const orderX = rng.permutation(b.train);
  const orderY = rng.permutation(b.train);
  const pick = (src: Uint8Array, order: ArrayLike<number>, step: number) => {
    const out = new Uint8Array(b.batch * frame);
    for (let i = 0; i < b.batch; i++) {
      const k = order[(step * b.batch + i) % b.train]!;
      out.set(src.subarray(k * frame, (k + 1) * frame), i * frame);
    }
    return imagesToTensor(out, b.batch, size, size, 3);
  };

  const result = await runTraining({
    runDir: args.runDir,
    trainer,
    totalSteps: b.steps,
    checkpointEvery: Math.max(1, Math.min(b.evalEvery, 500)),
    evaluateEvery: b.evalEvery,
    label: 'cyclegan',
    quiet: args.quiet,
    batchAt: (step) => ({ x: pick(xs, orderX, step), y: pick(ys, orderY, step) }),
    disposeBatch: (batch) => tf.dispose([batch.x, batch.y]),
    evaluate: async (step) => {
      const fd = fdOfImages(net, realY, generateInBatches(b.heldOut, 16, (m, off) => tf.tidy(() => trainer.toY(tf.slice(heldX, [off, 0, 0, 0], [m, -1, -1, -1])))));
      log(`step ${step}: Fréchet distance of G(x) to Y ${fd.toFixed(3)}`);
      await cpu.save();
      return { fd, cpuSeconds: cpu.total() };
    },
  });

  const rows = Math.min(8, b.heldOut);
  const x = tf.slice(heldX, [0, 0, 0, 0], [rows, -1, -1, -1]);
  const gx = trainer.toY(x);
  const back = trainer.toX(gx);
  const grid = tf.stack([x, gx, back], 1).reshape([rows * 3, size, size, 3]) as tf.Tensor4D;
  await writeSampleGrid(join(args.runDir, 'x-gx-fgx.png'), grid, rows, 3, size === 32 ? 3 : 2);
  tf.dispose([x, gx, back, grid, heldX]);

  const evals = (await MetricsLogger.read(join(args.runDir, 'metrics.jsonl'))).filter((r) => r.kind === 'eval');
  await writeResults(args.runDir, {
    experiment: 'cyclegan-themes',
    budget: args.budget,
    backend: backend.backend,
    imageSize: size,
    steps: result.step,
    fdIdentity,
    fdRandomInit: Number(evals.find((e) => Number(e.step) === 0)?.fd ?? NaN),
    fdFinal: Number(evals.at(-1)?.fd ?? NaN),
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
