import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { MetricsLogger } from '@worldmodels/core/progress';
import { beforeAll, describe, expect, it } from 'vitest';
import { MDNRNN } from './mdn-rnn.js';
import { MDNRNNTrainer } from './mdn-rnn-trainer.js';
import { useTestBackend } from './test-backend.js';
import { writeSyntheticSeries } from './test-fixtures.js';
import { trainMDNRNN } from './train-mdn-rnn.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'wm-trainm-'));
let series = '';

beforeAll(async () => {
  await useTestBackend();
  series = join(tmp(), 'series');
  // 4 episodes of 12 steps → 2 windows of 6 each → 8 windows; batch 2 → 4 steps per epoch.
  await writeSyntheticSeries(series, { episodes: 4, length: 12, zSize: 3, actionSize: 2 });
});

const weightsOf = (m: MDNRNN) => Object.fromEntries(Object.entries(m.getWeights()).map(([k, v]) => [k, Array.from(v.dataSync())]));
const common = () => ({
  series, epochs: 3, batchSize: 2, seqLen: 5, seed: 2, progress: false as const, logEvery: 1,
  model: { hiddenSize: 8, mixtures: 2, doneHead: true, rewardHead: true, restartInput: true },
});

describe('trainMDNRNN', () => {
  it('trains on the series with all heads, logs metrics, saves the model; a second run is a no-op', async () => {
    const runDir = join(tmp(), 'run');
    const result = await trainMDNRNN({ ...common(), runDir });
    expect(result.completed).toBe(true);
    expect(result.steps).toBe(12);
    expect(result.model.config).toMatchObject({ zSize: 3, actionSize: 2, hiddenSize: 8 });
    expect(result.last).toMatchObject({ doneLoss: expect.any(Number), rewardLoss: expect.any(Number) });
    expect(existsSync(join(runDir, 'model', 'model.json'))).toBe(true);
    const records = await MetricsLogger.read(join(runDir, 'metrics.jsonl'));
    expect(records.filter((r) => typeof r.zLoss === 'number')).toHaveLength(12);
    const again = await trainMDNRNN({ ...common(), runDir });
    expect(again.completed).toBe(true);
    expect(weightsOf(again.model)).toEqual(weightsOf(result.model));
    result.model.dispose();
    again.model.dispose();
  });

  it('resumes after a kill and ends with the weights of an uninterrupted run', async () => {
    const straight = await trainMDNRNN({ ...common(), runDir: join(tmp(), 'straight') });
    const runDir = join(tmp(), 'killed');
    const controller = new AbortController();
    const killed = await trainMDNRNN({ ...common(), runDir, checkpointEvery: 5, signal: controller.signal, onStep: (s) => s === 7 && controller.abort() });
    expect(killed.completed).toBe(false);
    killed.model.dispose();
    let firstResumed = 0;
    const resumed = await trainMDNRNN({ ...common(), runDir, checkpointEvery: 5, onStep: (s) => (firstResumed ||= s) });
    expect(firstResumed).toBe(6);
    expect(resumed.steps).toBe(12);
    const a = weightsOf(straight.model);
    const b = weightsOf(resumed.model);
    for (const name of Object.keys(a)) expect(a[name]!.reduce((m, v, i) => Math.max(m, Math.abs(v - b[name]![i]!)), 0), name).toBeLessThan(1e-6);
    straight.model.dispose();
    resumed.model.dispose();
  });

  it('warm-starts from a saved model: it begins at those weights, not a fresh init, and checks the sizes', async () => {
    const root = tmp();
    const first = await trainMDNRNN({ ...common(), runDir: join(root, 'first') });
    const fresh = new MDNRNN({ ...first.model.config });
    // A learning rate of ~0 leaves the starting point visible after training.
    const warm = await trainMDNRNN({ ...common(), epochs: 1, learningRate: 1e-12, runDir: join(tmp(), 'warm'), initialModel: join(root, 'first', 'model') });
    const a = weightsOf(first.model);
    const w = weightsOf(warm.model);
    const f = weightsOf(fresh);
    const maxDiff = (x: Record<string, number[]>, name: string) => x[name]!.reduce((m, v, i) => Math.max(m, Math.abs(v - w[name]![i]!)), 0);
    for (const name of Object.keys(a)) expect(maxDiff(a, name), name).toBeLessThan(1e-6);
    expect(Math.max(...Object.keys(f).map((name) => maxDiff(f, name)))).toBeGreaterThan(1e-3);
    await expect(trainMDNRNN({ ...common(), runDir: join(tmp(), 'bad'), model: { ...common().model, hiddenSize: 16 }, initialModel: join(root, 'first', 'model') })).rejects.toThrow(/initialModel .* has hiddenSize 8, .* needs 16/);
    // The done head's positive weight is a loss setting: a warm start may change it.
    const reweighted = await trainMDNRNN({ ...common(), epochs: 1, learningRate: 1e-12, runDir: join(tmp(), 'reweighted'), model: { ...common().model, donePositiveWeight: 40 }, initialModel: join(root, 'first', 'model') });
    expect(reweighted.model.config.donePositiveWeight).toBe(40);
    const r = weightsOf(reweighted.model);
    for (const name of Object.keys(a)) expect(a[name]!.reduce((m, v, i) => Math.max(m, Math.abs(v - r[name]![i]!)), 0), name).toBeLessThan(1e-6);
    for (const m of [first.model, warm.model, fresh, reweighted.model]) m.dispose();
  });

  it('rejects data that is not a series and sizes that do not fit', async () => {
    await expect(trainMDNRNN({ ...common(), runDir: join(tmp(), 'x'), seqLen: 20 })).rejects.toThrow(/0 windows of 21 steps/);
    await expect(trainMDNRNN({ ...common(), runDir: join(tmp(), 'y'), model: { zSize: 5 } })).rejects.toThrow(/zSize 5/);
  });

  it('leaks no tensors over 100 training steps', async () => {
    const before = tf.memory().numTensors;
    const result = await trainMDNRNN({ ...common(), epochs: 25, runDir: join(tmp(), 'leak'), checkpointEvery: 30, logEvery: 50 });
    expect(result.steps).toBe(100);
    expect(tf.memory().numTensors).toBe(before + 4);
    result.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('MDNRNN overfit', () => {
  it('learns a deterministic latent sequence to a low NLL', () => {
    const Z = 4;
    const T = 30;
    const z = new Float32Array((T + 1) * Z);
    for (let t = 0; t <= T; t++) for (let d = 0; d < Z; d++) z[t * Z + d] = Math.sin(0.4 * t + 1.3 * d);
    const all = tf.tensor3d(z, [1, T + 1, Z]);
    const batch = {
      z: tf.slice(all, [0, 0, 0], [1, T, Z]) as tf.Tensor3D,
      targetZ: tf.slice(all, [0, 1, 0], [1, T, Z]) as tf.Tensor3D,
      actions: tf.zeros([1, T, 1]) as tf.Tensor3D,
    };
    const m = new MDNRNN({ zSize: Z, actionSize: 1, hiddenSize: 32, mixtures: 3, seed: 1 });
    const trainer = new MDNRNNTrainer(m, { learningRate: 1e-2 });
    const first = trainer.step(batch).zLoss;
    let last = first;
    for (let s = 0; s < 300; s++) last = trainer.step(batch).zLoss;
    // NLL per dimension: log σ + ½·log 2π at a perfect mean; −1.5 needs σ below ~0.09.
    expect(first).toBeGreaterThan(0.5);
    expect(last).toBeLessThan(-1.5);
    trainer.dispose();
    m.dispose();
    tf.dispose([all, ...Object.values(batch)]);
  });
});
