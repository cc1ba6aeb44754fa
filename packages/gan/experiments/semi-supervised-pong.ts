/**
 * Semi-supervised learning with the K+1 discriminator on Pong: classify which quarter of the court
 * the ball is in (K = 4, from the env's ground truth) from a few labelled frames plus many
 * unlabelled ones, against the same discriminator trained on the labelled frames alone. Reports
 * test accuracy of both, and the Fréchet distance of the GAN's samples (random init → end).
 *
 *   node --conditions=worldmodels-source --import tsx packages/gan/experiments/semi-supervised-pong.ts --budget tiny
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@worldmodels/core';
import { MetricsLogger } from '@worldmodels/core/progress';
import { Rng } from '@worldmodels/core/rng';
import { downscaleArea } from '../src/data/images.js';
import { sampleNoise } from '../src/train/noise.js';
import { runTraining } from '../src/train/run-training.js';
import { SemiSupervisedGanTrainer } from '../src/train/semi-supervised-trainer.js';
import { parseExperimentArgs } from './lib/args.js';
import { cachedArrays, collectPong, ndarray } from './lib/env-data.js';
import { fdOfImages, featureNetworkFor, generateInBatches, realStatistics } from './lib/fd.js';
import { writeResults } from './lib/results.js';
import { CpuMeter } from './lib/cpu-time.js';

const K = 4;
const BUDGETS = {
  tiny: { labelled: 16, unlabelled: 96, test: 64, width: 8, batch: 16, steps: 8, evalEvery: 4, samples: 64, fn: { steps: 20, featureDim: 16, width: 8, batchSize: 16 } },
  medium: { labelled: 100, unlabelled: 2000, test: 500, width: 32, batch: 32, steps: 400, evalEvery: 100, samples: 500, fn: { steps: 300, featureDim: 32, width: 16, batchSize: 32 } },
  small: { labelled: 100, unlabelled: 3000, test: 1000, width: 32, batch: 64, steps: 2000, evalEvery: 250, samples: 500, fn: { steps: 400, featureDim: 32, width: 16, batchSize: 32 } },
  full: { labelled: 100, unlabelled: 10000, test: 2000, width: 64, batch: 100, steps: 10000, evalEvery: 1000, samples: 2000, fn: { steps: 1500, featureDim: 64, width: 32, batchSize: 64 } },
};

async function main(): Promise<void> {
  const args = parseExperimentArgs('semi-supervised-pong');
  const b = BUDGETS[args.budget];
  mkdirSync(args.runDir, { recursive: true });
  const cpu = CpuMeter.open(args.runDir);
  const backend = await initBackend({ quiet: args.quiet });
  const log = (line: string) => !args.quiet && console.error(`semi-supervised-pong: ${line}`);
  const size = 32;
  const frame = size * size * 3;
  const n = b.labelled + b.unlabelled + b.test;

  const data = await cachedArrays(join(args.runDir, 'data.npz'), () => {
    log(`collecting ${n} Pong frames with the ball's position`);
    const { frames, ballX } = collectPong(n, args.seed, 5);
    const labels = Uint8Array.from(ballX, (x) => Math.max(0, Math.min(K - 1, Math.floor(x / (64 / K)))));
    return { frames: ndarray('uint8', [n, size, size, 3], downscaleArea(frames, n, 64, 64, 3, 2)), labels: ndarray('uint8', [n], labels) };
  });
  const frames = data.frames!.data as Uint8Array;
  const labels = data.labels!.data as Uint8Array;
  const part = (from: number, count: number) => frames.subarray(from * frame, (from + count) * frame);
  const labelled = { images: part(0, b.labelled), labels: Array.from(labels.subarray(0, b.labelled)) };
  const unlabelled = part(b.labelled, b.unlabelled);
  const testImages = part(b.labelled + b.unlabelled, b.test);
  const testLabels = labels.subarray(b.labelled + b.unlabelled);

  const net = await featureNetworkFor(args.runDir, unlabelled, b.unlabelled, size, 3, b.fn, args.seed, log);
  const real = realStatistics(net, testImages, b.test);
  const accuracy = (t: SemiSupervisedGanTrainer) => {
    const p = t.classify(testImages, b.test);
    return testLabels.reduce((a, l, i) => a + (l === p[i] ? 1 : 0), 0) / b.test;
  };

  const results: Record<string, number> = {};
  for (const variant of ['semi-supervised', 'labels-only'] as const) {
    const trainer = new SemiSupervisedGanTrainer({
      model: { imageSize: size, channels: 3, zDim: 100, gWidth: b.width, dWidth: b.width },
      numClasses: K,
      unsupervisedWeight: variant === 'labels-only' ? 0 : 1,
      seed: args.seed,
    });
    const zEval = sampleNoise(new Rng(args.seed).derive('eval'), b.samples, 100);
    const order = new Rng(args.seed).derive('batches').permutation(b.unlabelled);
    const lOrder = new Rng(args.seed).derive('labelled').permutation(b.labelled);
    const lb = Math.min(b.batch, b.labelled);
    const runDir = join(args.runDir, variant);
    await runTraining({
      runDir,
      trainer,
      totalSteps: b.steps,
      checkpointEvery: Math.max(1, Math.min(b.evalEvery, 500)),
      evaluateEvery: b.evalEvery,
      label: variant,
      quiet: args.quiet,
      batchAt: (step) => {
        const li = new Uint8Array(lb * frame);
        const ll: number[] = [];
        for (let i = 0; i < lb; i++) {
          const k = lOrder[(step * lb + i) % b.labelled]!;
          li.set(part(k, 1), i * frame);
          ll.push(labelled.labels[k]!);
        }
        const ui = new Uint8Array(b.batch * frame);
        for (let i = 0; i < b.batch; i++) ui.set(part(b.labelled + order[(step * b.batch + i) % b.unlabelled]!, 1), i * frame);
        return { labelled: { images: li, labels: ll, count: lb }, unlabelled: { images: ui, count: b.batch } };
      },
      evaluate: async (step) => {
        const testAccuracy = accuracy(trainer);
        const out: Record<string, number> = { testAccuracy };
        if (variant === 'semi-supervised') {
          out.fd = fdOfImages(net, real, generateInBatches(b.samples, 64, (m, off) => tf.tidy(() => trainer.generator.apply(tf.slice(zEval, [off, 0], [m, -1]) as tf.Tensor2D, 'batch-stats'))));
        }
        log(`${variant} step ${step}: ${Object.entries(out).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ')}`);
        await cpu.save();
        out.cpuSeconds = cpu.total();
        return out;
      },
    });
    const evals = (await MetricsLogger.read(join(runDir, 'metrics.jsonl'))).filter((r) => r.kind === 'eval');
    results[`${variant}Accuracy`] = Number(evals.at(-1)?.testAccuracy ?? NaN);
    if (variant === 'semi-supervised') {
      results.fdRandomInit = Number(evals.find((e) => Number(e.step) === 0)?.fd ?? NaN);
      results.fdFinal = Number(evals.at(-1)?.fd ?? NaN);
    }
    zEval.dispose();
    trainer.dispose();
  }
  const counts = Array.from({ length: K }, (_, k) => testLabels.filter((l) => l === k).length);
  await writeResults(args.runDir, {
    experiment: 'semi-supervised-pong',
    budget: args.budget,
    backend: backend.backend,
    labelled: b.labelled,
    unlabelled: b.unlabelled,
    steps: b.steps,
    majorityClassAccuracy: Math.max(...counts) / b.test,
    ...results,
    cpuSeconds: cpu.total(),
    processes: cpu.processes(),
  });
  await cpu.save();
  net.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
