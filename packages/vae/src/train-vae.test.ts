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

beforeAll(async () => {
  await useTestBackend();
  dataset = join(tmp(), 'rollouts');
  await writeSyntheticRollouts(dataset, 2, 6); // 12 frames
});

const weightsOf = (w: Record<string, tf.Tensor>) => Object.fromEntries(Object.entries(w).map(([k, v]) => [k, Array.from(v.dataSync())]));

describe('trainVAE', () => {
  const common = () => ({ dataset, epochs: 2, batchSize: 2, seed: 3, model: { zSize: 4, width: 0.125 }, learningRate: 1e-3, progress: false as const, logEvery: 1 });

  it('streams the data set, logs metrics, writes the model and a done marker; a second run is a no-op', async () => {
    const runDir = join(tmp(), 'run');
    const result = await trainVAE({ ...common(), runDir });
    expect(result.completed).toBe(true);
    expect(result.steps).toBe(12); // 12 frames / batch 2 × 2 epochs
    expect(existsSync(join(runDir, 'model', 'model.json'))).toBe(true);
    const records = await MetricsLogger.read(join(runDir, 'metrics.jsonl'));
    expect(records.filter((r) => typeof r.loss === 'number')).toHaveLength(12);
    expect(records.at(-1)).toMatchObject({ step: 12, event: 'done' });
    const again = await trainVAE({ ...common(), runDir });
    expect(again.completed).toBe(true);
    expect(again.steps).toBe(12);
    expect(weightsOf(again.vae.getWeights())).toEqual(weightsOf(result.vae.getWeights()));
    result.vae.dispose();
    again.vae.dispose();
  });

  it('resumes after a kill from the last checkpoint and ends with the weights of an uninterrupted run', async () => {
    const straight = await trainVAE({ ...common(), runDir: join(tmp(), 'straight') });
    const runDir = join(tmp(), 'killed');
    const controller = new AbortController();
    const killed = await trainVAE({
      ...common(), runDir, checkpointEvery: 4, signal: controller.signal,
      onStep: (step) => {
        if (step === 7) controller.abort(); // dies after step 7; the last checkpoint is step 4
      },
    });
    expect(killed.completed).toBe(false);
    expect(killed.steps).toBe(7);
    killed.vae.dispose();
    let firstResumedStep = 0;
    const resumed = await trainVAE({ ...common(), runDir, checkpointEvery: 4, onStep: (s) => (firstResumedStep ||= s) });
    expect(firstResumedStep).toBe(5);
    expect(resumed.completed).toBe(true);
    expect(resumed.steps).toBe(12);
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
    expect(rest.steps).toBe(12);
    rest.vae.dispose();
    await expect(trainVAE({ ...common(), runDir: join(tmp(), 'x'), batchSize: 100 })).rejects.toThrow(/12 frames, fewer than one batch of 100/);
  });

  it.skipIf(isSlowBackend())('leaks no tensors over 100 training steps', async () => {
    const before = tf.memory().numTensors;
    const result = await trainVAE({ ...common(), epochs: 17, runDir: join(tmp(), 'leak'), checkpointEvery: 25, logEvery: 50 });
    expect(result.steps).toBe(102);
    const vaeTensors = result.vae.trainableVariables.length;
    expect(tf.memory().numTensors).toBe(before + vaeTensors);
    result.vae.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
