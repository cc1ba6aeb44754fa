/**
 * pix2pix from CarRacing's semantic map (road / grass / kerb / car / indicator, one-hot) to the
 * frame. Reports the L1 error on held-out maps (pixel units, 0–255) and the Fréchet distance of
 * translated held-out maps against the real held-out frames, from random init to the end.
 *
 *   node --conditions=worldmodels-source --import tsx packages/gan/experiments/pix2pix-carracing.ts --budget tiny
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@worldmodels/core';
import { hstack, writePng } from '@worldmodels/core/image';
import { MetricsLogger } from '@worldmodels/core/progress';
import { Rng } from '@worldmodels/core/rng';
import { SEMANTIC_CLASSES, colorizeLabels } from '@worldmodels/envs';
import type { PatchSize } from '../src/models/patchgan.js';
import { imagesToTensor, labelsToTensor } from '../src/data/images.js';
import { Pix2PixTrainer } from '../src/train/pix2pix-trainer.js';
import { runTraining } from '../src/train/run-training.js';
import { sampleGrid } from '../src/samples.js';
import { parseExperimentArgs } from './lib/args.js';
import { cachedArrays, collectCarRacing, ndarray, prepareFrames, prepareLabels, prepSize, type CarRacingPrep } from './lib/env-data.js';
import { fdOfImages, featureNetworkFor, generateInBatches, realStatistics } from './lib/fd.js';
import { writeResults } from './lib/results.js';
import { CpuMeter } from './lib/cpu-time.js';

const K = SEMANTIC_CLASSES.length;
const BUDGETS = {
  tiny: { prep: 'area32' as CarRacingPrep, train: 96, heldOut: 32, width: 8, batch: 8, patch: 70 as PatchSize, steps: 8, evalEvery: 4, fn: { steps: 20, featureDim: 16, width: 8, batchSize: 16 } },
  medium: { prep: 'area32' as CarRacingPrep, train: 1000, heldOut: 200, width: 32, batch: 4, patch: 16 as PatchSize, steps: 200, evalEvery: 50, fn: { steps: 300, featureDim: 32, width: 16, batchSize: 32 } },
  small: { prep: 'crop64' as CarRacingPrep, train: 1500, heldOut: 300, width: 32, batch: 16, patch: 70 as PatchSize, steps: 2000, evalEvery: 250, fn: { steps: 400, featureDim: 64, width: 16, batchSize: 32 } },
  full: { prep: 'crop64' as CarRacingPrep, train: 5000, heldOut: 1000, width: 64, batch: 16, patch: 70 as PatchSize, steps: 20000, evalEvery: 2000, fn: { steps: 1500, featureDim: 64, width: 32, batchSize: 64 } },
};

async function main(): Promise<void> {
  const args = parseExperimentArgs('pix2pix-carracing');
  const b = BUDGETS[args.budget];
  mkdirSync(args.runDir, { recursive: true });
  const cpu = CpuMeter.open(args.runDir);
  const backend = await initBackend({ quiet: args.quiet });
  const log = (line: string) => !args.quiet && console.error(`pix2pix-carracing: ${line}`);
  const size = prepSize(b.prep);
  const n = b.train + b.heldOut;
  const frame = size * size * 3;
  const plane = size * size;

  const data = await cachedArrays(join(args.runDir, 'data.npz'), () => {
    log(`collecting ${n} CarRacing frames with their semantic maps`);
    const { frames, labels } = collectCarRacing({ count: n, seed: args.seed, semantic: true });
    return {
      frames: ndarray('uint8', [n, size, size, 3], prepareFrames(frames, n, b.prep)),
      labels: ndarray('uint8', [n, size, size], prepareLabels(labels, n, b.prep, K)),
    };
  });
  const frames = data.frames!.data as Uint8Array;
  const labels = data.labels!.data as Uint8Array;
  const trainFrames = frames.subarray(0, b.train * frame);
  const heldFrames = frames.subarray(b.train * frame);
  const heldLabels = labels.subarray(b.train * plane);
  const heldInput = labelsToTensor(heldLabels, b.heldOut, size, size, K);
  const heldTarget = imagesToTensor(heldFrames, b.heldOut, size, size, 3);

  const net = await featureNetworkFor(args.runDir, trainFrames, b.train, size, 3, b.fn, args.seed, log);
  const real = realStatistics(net, heldFrames, b.heldOut);
  const trainer = new Pix2PixTrainer({ imageSize: size, inChannels: K, outChannels: 3, generatorWidth: b.width, discriminatorWidth: b.width, patch: b.patch, seed: args.seed });
  log(`PatchGAN receptive field ${trainer.discriminator.receptiveField}×${trainer.discriminator.receptiveField}, λ = ${trainer.options.lambdaL1}`);
  const order = new Rng(args.seed).derive('batches').permutation(b.train);

  const result = await runTraining({
    runDir: args.runDir,
    trainer,
    totalSteps: b.steps,
    checkpointEvery: Math.max(1, Math.min(b.evalEvery, 500)),
    evaluateEvery: b.evalEvery,
    label: 'pix2pix',
    quiet: args.quiet,
    batchAt: (step) => {
      const lab = new Uint8Array(b.batch * plane);
      const img = new Uint8Array(b.batch * frame);
      for (let i = 0; i < b.batch; i++) {
        const k = order[(step * b.batch + i) % b.train]!;
        lab.set(labels.subarray(k * plane, (k + 1) * plane), i * plane);
        img.set(frames.subarray(k * frame, (k + 1) * frame), i * frame);
      }
      return { input: labelsToTensor(lab, b.batch, size, size, K), target: imagesToTensor(img, b.batch, size, size, 3) };
    },
    disposeBatch: (batch) => tf.dispose([batch.input, batch.target]),
    evaluate: async (step) => {
      const heldOutL1 = trainer.heldOutL1(heldInput, heldTarget);
      const fd = fdOfImages(net, real, generateInBatches(b.heldOut, 32, (m, off) => tf.tidy(() => trainer.translate(tf.slice(heldInput, [off, 0, 0, 0], [m, -1, -1, -1])))));
      log(`step ${step}: held-out L1 ${heldOutL1.toFixed(2)} (pixel units), Fréchet distance ${fd.toFixed(3)}`);
      await cpu.save();
      return { heldOutL1, fd, cpuSeconds: cpu.total() };
    },
  });

  // Held-out examples: semantic map | translation | real frame, 8 rows.
  const rows = Math.min(8, b.heldOut);
  const x = tf.slice(heldInput, [0, 0, 0, 0], [rows, -1, -1, -1]);
  const y = trainer.translate(x);
  const maps = colorizeLabels(heldLabels.subarray(0, rows * plane));
  const mapTensor = imagesToTensor(maps, rows, size, size, 3);
  const realTensor = tf.slice(heldTarget, [0, 0, 0, 0], [rows, -1, -1, -1]);
  const triples = tf.stack([mapTensor, y, realTensor], 1).reshape([rows * 3, size, size, 3]) as tf.Tensor4D;
  await writePng(join(args.runDir, 'held-out.png'), hstack([sampleGrid(triples, rows, 3, size === 32 ? 3 : 2)]));
  tf.dispose([x, y, mapTensor, realTensor, triples, heldInput, heldTarget]);

  const evals = (await MetricsLogger.read(join(args.runDir, 'metrics.jsonl'))).filter((r) => r.kind === 'eval');
  await writeResults(args.runDir, {
    experiment: 'pix2pix-carracing',
    budget: args.budget,
    backend: backend.backend,
    imageSize: size,
    steps: result.step,
    receptiveField: trainer.discriminator.receptiveField,
    heldOutL1RandomInit: Number(evals.find((e) => Number(e.step) === 0)?.heldOutL1 ?? NaN),
    heldOutL1Final: Number(evals.at(-1)?.heldOutL1 ?? NaN),
    fdRandomInit: Number(evals.find((e) => Number(e.step) === 0)?.fd ?? NaN),
    fdFinal: Number(evals.at(-1)?.fd ?? NaN),
    curve: evals.map((e) => ({ step: Number(e.step), heldOutL1: Number(e.heldOutL1), fd: Number(e.fd), cpuSeconds: Number(e.cpuSeconds ?? NaN) })),
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
