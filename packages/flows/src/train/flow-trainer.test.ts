import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointManager } from '@worldmodels/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proceduralShapes } from '../data/procedural-shapes.js';
import { buildGlow } from '../models/glow.js';
import { useTestBackend } from '../test-support/backend.js';
import { clipByGlobalNorm, globalNorm } from './clip-gradients.js';
import { FlowTrainingDivergedError } from './diverged-error.js';
import { FlowTrainer, type TrainBatch } from './flow-trainer.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'flows-train-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  await useTestBackend();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const DATA = proceduralShapes(32, 4, 1); // [32, 4, 4, 3]
/** Batch `step` of 8 images, the same for every run (so resumed runs can be compared). */
const batchAt = (step: number): TrainBatch => {
  const start = ((step * 8) % 32) * 48;
  return { images: tf.tensor4d(DATA.subarray(start, start + 8 * 48), [8, 4, 4, 3], 'int32') };
};
const build = () => buildGlow({ imageShape: [4, 4, 3], levels: 2, steps: 2, width: 8, seed: 3 });
const values = (t: FlowTrainer) => Object.fromEntries(Object.entries(t.model.namedVariables()).map(([k, v]) => [k, Array.from(v.dataSync())]));

describe('FlowTrainer', () => {
  it('warms the learning rate up linearly, then holds it', async () => {
    const t = await FlowTrainer.create(build, { learningRate: 1e-3, warmupSteps: 4 });
    const rates: number[] = [];
    for (let i = 0; i < 6; i++) {
      rates.push(t.learningRate());
      t.step++;
    }
    expect(rates.map((r) => r * 1e3)).toEqual([0.25, 0.5, 0.75, 1, 1, 1].map((r) => expect.closeTo(r, 10) as unknown as number));
    t.dispose();
  });

  it('lowers bits/dim, initialises actnorm on the first batch, and leaks no tensors per step', async () => {
    const t = await FlowTrainer.create(build, { learningRate: 5e-3, warmupSteps: 2 });
    expect(t.model.initialized).toBe(false);
    const losses: number[] = [];
    t.trainStep(batchAt(0));
    expect(t.model.initialized).toBe(true);
    const before = tf.memory().numTensors;
    for (let i = 1; i < 25; i++) losses.push(t.trainStep(batchAt(i)).loss);
    expect(tf.memory().numTensors).toBe(before);
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(losses.slice(-4))).toBeLessThan(mean(losses.slice(0, 4)) - 0.3);
    t.dispose();
  });

  it('resumes after a kill exactly where it stopped: the same parameters as an uninterrupted run', async () => {
    const straight = await FlowTrainer.create(build, { learningRate: 2e-3, warmupSteps: 2, seed: 4 });
    for (let i = 0; i < 4; i++) straight.trainStep(batchAt(i));

    const dir = tempDir();
    const first = await FlowTrainer.create(build, { learningRate: 2e-3, warmupSteps: 2, seed: 4, checkpointDir: dir, checkpointEvery: 2 });
    await first.run({ nextBatch: batchAt, steps: 2 });
    first.dispose(); // the process dies here
    const resumed = await FlowTrainer.create(() => {
      throw new Error('should resume, not build');
    }, { learningRate: 2e-3, warmupSteps: 2, seed: 4, checkpointDir: dir, checkpointEvery: 2 });
    expect(resumed.step).toBe(2);
    expect(resumed.model.initialized).toBe(true);
    await resumed.run({ nextBatch: batchAt, steps: 4 });
    expect(resumed.step).toBe(4);
    const a = values(straight);
    const b = values(resumed);
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const k of Object.keys(a)) a[k]!.forEach((v, i) => expect(b[k]![i]!).toBeCloseTo(v, 5));
    straight.dispose();
    resumed.dispose();
  });

  it('counts process CPU seconds per step, stops on a CPU budget and carries the count across a resume', async () => {
    const dir = tempDir();
    const t = await FlowTrainer.create(build, { learningRate: 1e-3, warmupSteps: 0, checkpointDir: dir, checkpointEvery: 1000 });
    t.trainStep(batchAt(0)); // actnorm init (not counted) and one counted step
    const perStep = t.cpuSeconds;
    expect(perStep).toBeGreaterThan(0);
    // A training step runs on this thread, so its CPU time cannot be far below its wall time.
    expect(t.cpuSeconds).toBeGreaterThan(t.elapsedSeconds * 0.2);
    const budget = perStep * 3;
    await t.run({ nextBatch: batchAt, cpuSeconds: budget, steps: 200 });
    expect(t.cpuSeconds).toBeGreaterThanOrEqual(budget);
    expect(t.step).toBeLessThan(200); // the CPU budget, not the step budget, stopped it
    const [step, cpu] = [t.step, t.cpuSeconds];
    t.dispose();
    const resumed = await FlowTrainer.create(build, { checkpointDir: dir });
    expect(resumed.step).toBe(step);
    expect(resumed.cpuSeconds).toBeCloseTo(cpu, 9);
    await resumed.run({ nextBatch: batchAt, cpuSeconds: budget }); // already spent: no step
    expect(resumed.step).toBe(step);
    await expect(resumed.run({ nextBatch: batchAt })).rejects.toThrow(/needs a budget/);
    await expect(resumed.run({ nextBatch: batchAt, cpuSeconds: -1 })).rejects.toThrow(/cpuSeconds must be > 0/);
    resumed.dispose();
  });

  it('NaN guard: stops with a clear error, leaves the parameters and the last good checkpoint untouched', async () => {
    const dir = tempDir();
    const t = await FlowTrainer.create(build, { checkpointDir: dir, checkpointEvery: 1 });
    await t.run({ nextBatch: batchAt, steps: 2 });
    const good = t.lastCheckpoint!;
    expect(good).toMatch(/step-000000002$/);
    // Something blows up: one parameter turns to NaN, as after an update at too high a rate.
    const logs = t.model.namedVariables()['level0/step0/actnorm/logs']!;
    logs.assign(tf.fill(logs.shape, Number.NaN));
    const other = Array.from(t.model.namedVariables()['level1/step1/coupling/net/conv1/kernel']!.dataSync());
    let error: unknown;
    try {
      t.trainStep(batchAt(2));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FlowTrainingDivergedError);
    expect((error as Error).message).toMatch(/diverged at step 2: loss is NaN/);
    expect((error as Error).message).toContain(good);
    expect(t.step).toBe(2);
    expect(Array.from(t.model.namedVariables()['level1/step1/coupling/net/conv1/kernel']!.dataSync())).toEqual(other);
    // Saving refuses non-finite parameters, so the newest checkpoint stays the good one.
    await expect(t.save()).rejects.toThrow(/parameter 'level0\/step0\/actnorm\/logs' is not finite/);
    const latest = await new CheckpointManager(dir).latest();
    expect(latest!.step).toBe(2);
    expect(Array.from(latest!.tensors['flow/level0/step0/actnorm/logs']!.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose(Object.values(latest!.tensors));
    t.dispose();
  });

  it('checks its options', async () => {
    await expect(FlowTrainer.create(build, { learningRate: -1 })).rejects.toThrow(/learningRate must be > 0/);
    await expect(FlowTrainer.create(build, { warmupSteps: 1.5 })).rejects.toThrow(/warmupSteps/);
  });
});

describe('gradient clipping', () => {
  it('scales gradients to the clip norm only when the global norm exceeds it', () => {
    tf.tidy(() => {
      const g = [tf.tensor1d([3, 0]), tf.tensor2d([[0, 4]])]; // global norm 5
      const n = globalNorm(g).dataSync()[0]!;
      expect(n).toBeCloseTo(5, 6);
      const clipped = clipByGlobalNorm(g, 1, n);
      expect(globalNorm(clipped).dataSync()[0]!).toBeCloseTo(1, 6);
      expect(Array.from(clipped[0]!.dataSync())).toEqual([expect.closeTo(0.6, 6), 0]);
      const same = clipByGlobalNorm(g, 10, n);
      expect(Array.from(same[1]!.dataSync())).toEqual([0, 4]);
    });
  });
});
