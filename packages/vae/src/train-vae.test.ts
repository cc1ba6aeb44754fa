import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { MetricsLogger } from '@worldmodels/core/progress';
import { beforeAll, describe, expect, it } from 'vitest';
import { isSlowBackend, useTestBackend } from './test-backend.js';
import { writeSyntheticRollouts } from './test-fixtures.js';
import { trainVAE } from './train-vae.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'wm-trainvae-'));
let dataset = '';

// The backend is chosen before the tests are collected, so `isSlowBackend()` below is accurate.
await useTestBackend();

beforeAll(async () => {
  dataset = join(tmp(), 'rollouts');
  await writeSyntheticRollouts(dataset, 2, 4); // 8 frames: 4 steps of 2 per epoch
});

const weightsOf = (w: Record<string, tf.Tensor>) => Object.fromEntries(Object.entries(w).map(([k, v]) => [k, Array.from(v.dataSync())]));

describe('trainVAE', () => {
  const common = () => ({ dataset, epochs: 2, batchSize: 2, seed: 3, model: { zSize: 4, width: 0.125 }, learningRate: 1e-3, progress: false as const, logEvery: 1 });

  it('streams the data set, logs metrics, writes the model and a done marker; a second run is a no-op', async () => {
    const runDir = join(tmp(), 'run');
    const result = await trainVAE({ ...common(), runDir });
    expect(result.completed).toBe(true);
    expect(result.steps).toBe(8); // 8 frames / batch 2 × 2 epochs
    expect(existsSync(join(runDir, 'model', 'model.json'))).toBe(true);
    const records = await MetricsLogger.read(join(runDir, 'metrics.jsonl'));
    expect(records.filter((r) => typeof r.loss === 'number')).toHaveLength(8);
    expect(records.at(-1)).toMatchObject({ step: 8, event: 'done' });
    const again = await trainVAE({ ...common(), runDir });
    expect(again.completed).toBe(true);
    expect(again.steps).toBe(8);
    expect(weightsOf(again.vae.getWeights())).toEqual(weightsOf(result.vae.getWeights()));
    result.vae.dispose();
    again.vae.dispose();
  });

  it('resumes after a kill from the last checkpoint and ends with the weights of an uninterrupted run', async () => {
    const straight = await trainVAE({ ...common(), runDir: join(tmp(), 'straight') });
    const runDir = join(tmp(), 'killed');
    const controller = new AbortController();
    const killed = await trainVAE({
      ...common(), runDir, checkpointEvery: 3, signal: controller.signal,
      onStep: (step) => {
        if (step === 5) controller.abort(); // dies after step 5; the last checkpoint is step 3
      },
    });
    expect(killed.completed).toBe(false);
    expect(killed.steps).toBe(5);
    killed.vae.dispose();
    let firstResumedStep = 0;
    const resumed = await trainVAE({ ...common(), runDir, checkpointEvery: 3, onStep: (s) => (firstResumedStep ||= s) });
    expect(firstResumedStep).toBe(4);
    expect(resumed.completed).toBe(true);
    expect(resumed.steps).toBe(8);
    const a = weightsOf(straight.vae.getWeights());
    const b = weightsOf(resumed.vae.getWeights());
    for (const name of Object.keys(a)) {
      const worst = a[name]!.reduce((m, v, i) => Math.max(m, Math.abs(v - b[name]![i]!)), 0);
      expect(worst, name).toBeLessThan(1e-6);
    }
    straight.vae.dispose();
    resumed.vae.dispose();
  });

  it('stops at maxSteps with a checkpoint and rejects data of the wrong shape', async () => {
    const runDir = join(tmp(), 'budget');
    const part = await trainVAE({ ...common(), runDir, maxSteps: 3, checkpointEvery: 100 });
    expect(part.completed).toBe(false);
    part.vae.dispose();
    const rest = await trainVAE({ ...common(), runDir, checkpointEvery: 100 });
    expect(rest.steps).toBe(8);
    rest.vae.dispose();
    await expect(trainVAE({ ...common(), runDir: join(tmp(), 'x'), batchSize: 100 })).rejects.toThrow(/8 frames, fewer than one batch of 100/);
  });

  it('completes after `steps` steps in all, mid-epoch, also across a pause', async () => {
    const runDir = join(tmp(), 'steps');
    const part = await trainVAE({ ...common(), runDir, steps: 5, maxSteps: 2, checkpointEvery: 100 });
    expect(part.completed).toBe(false);
    part.vae.dispose();
    const done = await trainVAE({ ...common(), runDir, steps: 5, checkpointEvery: 100 });
    expect(done.completed).toBe(true);
    expect(done.steps).toBe(5); // 1¼ epochs of 4 steps
    expect(existsSync(join(runDir, 'done.json'))).toBe(true);
    done.vae.dispose();
    await expect(trainVAE({ ...common(), runDir: join(tmp(), 'y'), steps: 0 })).rejects.toThrow(/steps must be a positive integer, got 0/);
  });

  it('fine-tunes from a saved V (init): starts at its weights; refuses other sizes and a missing model', async () => {
    const base = await trainVAE({ ...common(), runDir: join(tmp(), 'base') });
    const baseDir = join(tmp(), 'base-model');
    await base.vae.save(baseDir);
    // A learning rate of 1e-12 moves no weight by more than ~1e-11 per Adam step: the result is the start point.
    const tuned = await trainVAE({ ...common(), runDir: join(tmp(), 'tuned'), init: baseDir, steps: 2, learningRate: 1e-12 });
    const fresh = await trainVAE({ ...common(), runDir: join(tmp(), 'fresh'), steps: 2, learningRate: 1e-12 });
    const a = weightsOf(base.vae.getWeights());
    const b = weightsOf(tuned.vae.getWeights());
    const c = weightsOf(fresh.vae.getWeights());
    let farthestFromFresh = 0;
    for (const name of Object.keys(a)) {
      expect(a[name]!.reduce((m, v, i) => Math.max(m, Math.abs(v - b[name]![i]!)), 0), name).toBeLessThan(1e-6);
      farthestFromFresh = Math.max(farthestFromFresh, a[name]!.reduce((m, v, i) => Math.max(m, Math.abs(v - c[name]![i]!)), 0));
    }
    expect(farthestFromFresh).toBeGreaterThan(1e-3); // 16 steps at 1e-3 moved the base V away from its random start
    await expect(trainVAE({ ...common(), runDir: join(tmp(), 'z8'), init: baseDir, model: { zSize: 8, width: 0.125 } })).rejects.toThrow(/has zSize 4, the run asks for 8/);
    await expect(trainVAE({ ...common(), runDir: join(tmp(), 'none'), init: join(tmp(), 'nothing') })).rejects.toThrow(/no saved V in .*nothing/);
    for (const r of [base, tuned, fresh]) r.vae.dispose();
  });

  // 100 steps on fast backends; the pure-JS backend needs ~1 s per step even at 1/8 width, so 20 there.
  const leakEpochs = isSlowBackend() ? 5 : 25;
  it(`leaks no tensors over ${leakEpochs * 4} training steps`, async () => {
    const before = tf.memory().numTensors;
    const result = await trainVAE({ ...common(), epochs: leakEpochs, runDir: join(tmp(), 'leak'), checkpointEvery: 10, logEvery: 50 });
    expect(result.steps).toBe(leakEpochs * 4);
    const vaeTensors = result.vae.trainableVariables.length;
    expect(tf.memory().numTensors).toBe(before + vaeTensors);
    result.vae.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
