import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DatasetWriter } from '@worldmodels/core/dataset';
import { Rng } from '@worldmodels/core/rng';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../test-backend.js';
import { FramePredictor, framePredictorShapes, resolveFramePredictorConfig } from './frame-predictor.js';
import { diagonalGaussianKl } from './gaussian-kl.js';
import { trainFramePredictor } from './train-frame-predictor.js';
import { transitionBatch, transitionsFromDataset, type Transitions } from './transitions.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'wm-frame-predictor-'));
const scalar = (t: tf.Tensor) => t.dataSync()[0]!;
const tiny = { frameSize: 8, pastFrames: 2, actionSize: 3, zSize: 2, width: 2, hiddenSize: 6 } as const;

beforeAll(async () => {
  await useTestBackend();
});

function randomInputs(batch: number, seed: number) {
  const past = tf.randomUniform([batch, 8, 8, 6], 0, 1, 'float32', seed) as tf.Tensor4D;
  const next = tf.randomUniform([batch, 8, 8, 3], 0, 1, 'float32', seed + 1) as tf.Tensor4D;
  const action = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 3), 'int32'), 3).toFloat() as tf.Tensor2D;
  return { past, next, action };
}

describe('diagonalGaussianKl', () => {
  it('matches a hand-computed case and is 0 between equal Gaussians', () => {
    // dim 1: q = N(1, 1), p = N(0, 4): ½(ln 4 + (1 + 1)/4 − 1); dim 2: q = N(0, ¼), p = N(−1, 1): ½(ln 4 + (¼ + 1) − 1).
    const expected = 0.5 * (Math.log(4) + 0.5 - 1) + 0.5 * (Math.log(4) + 1.25 - 1);
    const kl = diagonalGaussianKl(tf.tensor2d([[1, 0]]), tf.tensor2d([[0, Math.log(0.25)]]), tf.tensor2d([[0, -1]]), tf.tensor2d([[Math.log(4), 0]]));
    expect(kl.shape).toEqual([1]);
    expect(scalar(kl)).toBeCloseTo(expected, 5);
    const same = diagonalGaussianKl(tf.tensor2d([[0.3, -2]]), tf.tensor2d([[0.1, 1]]), tf.tensor2d([[0.3, -2]]), tf.tensor2d([[0.1, 1]]));
    expect(scalar(same)).toBeCloseTo(0, 6);
    expect(() => diagonalGaussianKl(tf.zeros([1, 2]) as tf.Tensor2D, tf.zeros([1, 2]) as tf.Tensor2D, tf.zeros([1, 3]) as tf.Tensor2D, tf.zeros([1, 2]) as tf.Tensor2D)).toThrow(/one shape/);
  });

  it('has gradients that match central finite differences', () => {
    const rng = new Rng(3);
    const inputs = [0, 1, 2, 3].map(() => tf.tensor2d(rng.fillNormal(new Float32Array(6)), [2, 3]));
    const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(diagonalGaussianKl(a as tf.Tensor2D, b as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor2D));
    const grads = tf.grads(f)(inputs);
    const h = 1e-2;
    inputs.forEach((input, k) => {
      const base = Array.from(input.dataSync());
      for (let i = 0; i < 6; i++) {
        const at = (delta: number) => {
          const v = base.slice();
          v[i]! += delta;
          const args = inputs.map((t, j) => (j === k ? tf.tensor2d(v, [2, 3]) : t));
          const value = scalar(f(args[0]!, args[1]!, args[2]!, args[3]!));
          return value;
        };
        const numeric = (at(h) - at(-h)) / (2 * h);
        expect(Math.abs(numeric - grads[k]!.dataSync()[i]!)).toBeLessThan(5e-3 + 5e-3 * Math.abs(numeric));
      }
    });
  });
});

describe('FramePredictor', () => {
  it('has the documented parameter count; the regressor is the same net without z', () => {
    const cvae = new FramePredictor({ frameSize: 32, pastFrames: 2, actionSize: 3, zSize: 8, width: 32, hiddenSize: 256 });
    const conv = (inC: number) => 16 * inC * 32 + 32 + 16 * 32 * 64 + 64 + 16 * 64 * 64 + 64 + (4 * 4 * 64 + 3) * 256 + 256;
    const decoder = (z: number) => (256 + z) * 1024 + 1024 + 16 * 128 * 64 + 64 + 16 * 128 * 32 + 32 + 16 * 64 * 3 + 3;
    const heads = 2 * (256 * 8 + 8) + 256 * 256 + 256 + 2 * (256 * 8 + 8);
    expect(cvae.countParams()).toBe(conv(6) + conv(9) + heads + decoder(8));
    const regressor = new FramePredictor({ frameSize: 32, pastFrames: 2, actionSize: 3, zSize: 0, width: 32, hiddenSize: 256 });
    expect(regressor.countParams()).toBe(conv(6) + decoder(0));
    expect(regressor.variableNames.some((n) => n.startsWith('posterior/') || n.startsWith('prior/'))).toBe(false);
    expect(() => regressor.prior(tf.zeros([1, 256]) as tf.Tensor2D)).toThrow(/deterministic regressor/);
    cvae.dispose();
    regressor.dispose();
  });

  it('loss = Σ(next − ŷ)² + β · KL(q ‖ p) with the analytic KL of its posterior and prior', () => {
    const model = new FramePredictor({ ...tiny, seed: 1 });
    const { past, next, action } = randomInputs(3, 5);
    const q = model.posterior(past, action, next);
    const p = model.prior(model.encodePast(past, action).h);
    const kl = scalar(tf.mean(diagonalGaussianKl(q.mu, q.logvar, p.mu, p.logvar)));
    const base = model.loss(past, action, next, new Rng(4));
    expect(scalar(base.kl)).toBeCloseTo(kl, 5);
    expect(scalar(base.loss)).toBeCloseTo(scalar(base.reconstruction) + kl, 4);
    for (const beta of [0, 0.5, 3]) {
      const other = new FramePredictor({ ...model.config, beta });
      other.setWeights(model.getWeights());
      const t = other.loss(past, action, next, new Rng(4));
      expect(scalar(t.reconstruction)).toBe(scalar(base.reconstruction));
      expect(scalar(t.loss)).toBeCloseTo(scalar(base.reconstruction) + beta * kl, 4);
      tf.dispose(Object.values(t));
      other.dispose();
    }
    // Free bits: each example's KL counts as at least klTolerance · z (independent of β).
    const perExample = Array.from(diagonalGaussianKl(q.mu, q.logvar, p.mu, p.logvar).dataSync());
    const floor = (Math.min(...perExample) + Math.max(...perExample)) / 2; // some examples below, some above
    for (const beta of [1, 2]) {
      const floored = new FramePredictor({ ...model.config, beta, klTolerance: floor / 2 });
      floored.setWeights(model.getWeights());
      const t = floored.loss(past, action, next, new Rng(4));
      const expectedKl = perExample.reduce((sum, k) => sum + Math.max(k, floor), 0) / perExample.length;
      expect(scalar(t.rawKl)).toBeCloseTo(kl, 5);
      expect(scalar(t.kl)).toBeCloseTo(expectedKl, 5);
      expect(scalar(t.loss)).toBeCloseTo(scalar(base.reconstruction) + beta * expectedKl, 4);
      tf.dispose(Object.values(t));
      floored.dispose();
    }
    tf.dispose([past, next, action, q.mu, q.logvar, p.mu, p.logvar, ...Object.values(base)]);
    model.dispose();
  });

  it('gives different futures for different latents, the same for the same seed, and leaks nothing', () => {
    const model = new FramePredictor({ ...tiny, seed: 2 });
    // Every weight block starts non-zero (a zero latent block would make z invisible).
    for (const [name, v] of Object.entries(model.getWeights())) if (!name.endsWith('/bias')) expect(Math.max(...Array.from(v.dataSync()).map(Math.abs)), name).toBeGreaterThan(0);
    const { past, next, action } = randomInputs(2, 7);
    const before = tf.memory().numTensors;
    const [a, b, c] = tf.tidy(() => [
      model.predict(past, action, { rng: new Rng(1) }).arraySync(),
      model.predict(past, action, { rng: new Rng(1) }).arraySync(),
      model.predict(past, action, { rng: new Rng(2) }).arraySync(),
    ]);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => model.loss(past, action, next, new Rng(3)).loss, model.trainableVariables);
      expect(Object.keys(grads)).toHaveLength(model.variableNames.length);
      return value;
    }).dispose();
    expect(tf.memory().numTensors).toBe(before);
    const regressor = new FramePredictor({ ...tiny, zSize: 0 });
    const [r1, r2] = tf.tidy(() => [regressor.predict(past, action, { rng: new Rng(1) }).arraySync(), regressor.predict(past, action, { rng: new Rng(2) }).arraySync()]);
    expect(r1).toEqual(r2);
    expect(() => model.predict(tf.zeros([2, 8, 8, 3]) as tf.Tensor4D, action)).toThrow(/past frames float32 \[B, 8, 8, 6\]/);
    expect(() => model.predict(past, tf.zeros([2, 4]) as tf.Tensor2D)).toThrow(/actions of shape \[2, 3\]/);
    expect(() => model.loss(past, action, tf.zeros([2, 8, 8, 1]) as tf.Tensor4D)).toThrow(/next frames of shape \[2, 8, 8, 3\]/);
    expect(() => resolveFramePredictorConfig({ frameSize: 12 })).toThrow(/multiple of 8/);
    tf.dispose([past, next, action]);
    model.dispose();
    regressor.dispose();
  });

  it('saves and loads bit-exactly', async () => {
    const model = new FramePredictor({ ...tiny, seed: 3 });
    const dir = join(tmp(), 'model');
    await model.save(dir);
    const loaded = await FramePredictor.load(dir);
    expect(loaded.config).toEqual(model.config);
    expect(Object.keys(framePredictorShapes(loaded.config))).toEqual(loaded.variableNames);
    const { past, action, next } = randomInputs(2, 9);
    expect(tf.tidy(() => loaded.predict(past, action, { rng: new Rng(5) }).arraySync())).toEqual(tf.tidy(() => model.predict(past, action, { rng: new Rng(5) }).arraySync()));
    tf.dispose([past, action, next]);
    model.dispose();
    loaded.dispose();
  });
});

/** A data set whose frame t of episode e has every byte (10·e + t), with discrete actions t mod 3. */
async function countingDataset(dir: string, lengths: number[]): Promise<void> {
  const writer = await DatasetWriter.open(dir, { env: 'Counting-v0', observationShape: [16, 16, 3], actionShape: [1] });
  for (const [e, length] of lengths.entries()) {
    const observations = new Uint8Array(length * 16 * 16 * 3);
    for (let t = 0; t < length; t++) observations.fill(10 * e + t, t * 768, (t + 1) * 768);
    const dones = new Uint8Array(length);
    dones[length - 1] = 1;
    await writer.writeEpisode({ observations, actions: Float32Array.from({ length }, (_, t) => t % 3), rewards: new Float32Array(length), dones }, { id: e, seed: e });
  }
}

describe('transitions and trainFramePredictor', () => {
  it('builds windows t − (k−1)·stride … t → t + stride inside each episode, with one-hot actions', async () => {
    const dir = join(tmp(), 'counting');
    await countingDataset(dir, [9, 5]);
    const data = await transitionsFromDataset(dir, { frameSize: 8, pastFrames: 2, stride: 2, discreteActions: 3 });
    expect(data.count).toBe(9 - 4 + (5 - 4)); // episode 0: t = 2..6; episode 1: t = 2
    const pixel = (arr: Uint8Array, n: number, perExample: number, channel: number) => arr[n * perExample + channel]!;
    // Example 0: past frames 0 and 2, action at t = 2 (index 2), next frame 4.
    expect([pixel(data.past, 0, 8 * 8 * 6, 0), pixel(data.past, 0, 8 * 8 * 6, 3), pixel(data.next, 0, 8 * 8 * 3, 0)]).toEqual([0, 2, 4]);
    expect(Array.from(data.actions.subarray(0, 3))).toEqual([0, 0, 1]);
    // The last example comes from episode 1 (bytes 10 + t): past 10, 12 → next 14.
    expect([pixel(data.past, 5, 8 * 8 * 6, 0), pixel(data.past, 5, 8 * 8 * 6, 5), pixel(data.next, 5, 8 * 8 * 3, 2)]).toEqual([10, 12, 14]);
    expect(Array.from(data.episode)).toEqual([0, 0, 0, 0, 0, 1]);
    expect(Array.from(data.time)).toEqual([2, 3, 4, 5, 6, 2]);
    const batch = transitionBatch(data, [5]);
    expect(batch.past.shape).toEqual([1, 8, 8, 6]);
    expect(scalar(tf.max(batch.next))).toBeCloseTo(14 / 255, 6);
    tf.dispose([batch.past, batch.action, batch.next]);
    await expect(transitionsFromDataset(dir, { frameSize: 5, pastFrames: 2 })).rejects.toThrow(/frameSize 5 must divide/);
    await expect(transitionsFromDataset(dir, { frameSize: 8, pastFrames: 2, stride: 3, episodes: [1] })).rejects.toThrow(/no episode is longer than 6 steps/);
  });

  it('trains, and resumes after a kill to the weights of an uninterrupted run', async () => {
    const rng = new Rng(4);
    const n = 12;
    const data: Transitions = {
      count: n, frameSize: 8, channels: 3, pastFrames: 2, actionSize: 3,
      past: Uint8Array.from({ length: n * 8 * 8 * 6 }, () => rng.int(256)),
      next: Uint8Array.from({ length: n * 8 * 8 * 3 }, () => rng.int(256)),
      actions: new Float32Array(n * 3).map((_, i) => (i % 3 === 0 ? 1 : 0)),
      episode: new Int32Array(n),
      time: Int32Array.from({ length: n }, (_, i) => i + 1),
    };
    const common = { data, steps: 6, batchSize: 4, seed: 2, learningRate: 1e-2, model: { zSize: 2, width: 2, hiddenSize: 6 }, progress: false as const, logEvery: 1 };
    const straight = await trainFramePredictor({ ...common, runDir: join(tmp(), 'straight') });
    expect(straight.completed).toBe(true);
    expect(straight.cpuSeconds).toBeGreaterThan(0);
    const runDir = join(tmp(), 'killed');
    const controller = new AbortController();
    const killed = await trainFramePredictor({ ...common, runDir, checkpointEvery: 2, signal: controller.signal, onStep: (s) => s === 3 && controller.abort() });
    expect(killed.completed).toBe(false);
    killed.model.dispose();
    let first = 0;
    const resumed = await trainFramePredictor({ ...common, runDir, checkpointEvery: 2, onStep: (s) => (first ||= s) });
    expect(first).toBe(3); // resumed from the step-2 checkpoint
    // Equal to float32 rounding: tfjs' Adam rebuilds β^t with pow() on restore where a running
    // run multiplies by β each step, which can differ in the last bit.
    for (const name of straight.model.variableNames) {
      const a = Array.from(resumed.model.getWeights()[name]!.dataSync());
      const b = Array.from(straight.model.getWeights()[name]!.dataSync());
      const worst = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
      expect(worst, name).toBeLessThan(1e-5); // a lost or repeated step moves weights by ~1e-2 here
    }
    // A different seed really gives different weights (the comparison above can fail).
    const other = await trainFramePredictor({ ...common, seed: 3, runDir: join(tmp(), 'other') });
    expect(Array.from(other.model.getWeights()['decoder/fc/kernel']!.dataSync())).not.toEqual(Array.from(straight.model.getWeights()['decoder/fc/kernel']!.dataSync()));
    other.model.dispose();
    const again = await trainFramePredictor({ ...common, runDir });
    expect(again.completed).toBe(true);
    expect(again.steps).toBe(6);
    [straight.model, resumed.model, again.model].forEach((m) => m.dispose());
  });
});
