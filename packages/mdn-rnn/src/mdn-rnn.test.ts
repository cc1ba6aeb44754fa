import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { beforeAll, describe, expect, it } from 'vitest';
import { DOOM_MDNRNN_CONFIG } from './config.js';
import { MDNRNN } from './mdn-rnn.js';
import { useTestBackend } from './test-backend.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'wm-mdnrnn-'));

beforeAll(async () => {
  await useTestBackend();
});

const close = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe('MDNRNN architecture', () => {
  it('has the reference parameter counts', () => {
    const car = new MDNRNN({ zSize: 32, actionSize: 3, hiddenSize: 256, mixtures: 5 });
    expect(car.countParams()).toBe(422_368);
    expect(car.variableShapes()).toEqual({ 'lstm/kernel': [291, 1024], 'lstm/bias': [1024], output_w: [256, 480], output_b: [480] });
    const doom = new MDNRNN(DOOM_MDNRNN_CONFIG);
    expect(doom.countParams()).toBe(1_678_785);
    const withReward = new MDNRNN({ rewardHead: true });
    expect(withReward.countParams()).toBe(422_368 + 257);
    [car, doom, withReward].forEach((m) => m.dispose());
  });

  it('steps to mixtures [B, Z, K] with normalised logmix, and unroll equals repeated steps', () => {
    const m = new MDNRNN({ zSize: 3, actionSize: 2, hiddenSize: 8, mixtures: 4, doneHead: true, rewardHead: true, restartInput: true, seed: 1 });
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const B = 2;
      const T = 4;
      const z = tf.randomNormal([B, T, 3], 0, 1, 'float32', 1) as tf.Tensor3D;
      const a = tf.randomUniform([B, T, 2], -1, 1, 'float32', 2) as tf.Tensor3D;
      const restart = tf.tensor2d([[0, 0, 1, 0], [0, 1, 0, 0]]);
      const seq = m.unroll(z, a, { restart });
      expect(seq.logmix.shape).toEqual([B, T, 3, 4]);
      expect(seq.doneLogit!.shape).toEqual([B, T]);
      let state = m.initialState(B);
      for (let t = 0; t < T; t++) {
        const slice = (x: tf.Tensor3D) => tf.squeeze(tf.slice(x, [0, t, 0], [B, 1, -1]), [1]);
        const out = m.step(slice(z), slice(a), state, tf.squeeze(tf.slice(restart, [0, t], [B, 1]), [1]));
        expect(out.logmix.shape).toEqual([B, 3, 4]);
        expect(close(tf.sum(tf.exp(out.logmix), -1), tf.ones([B, 3]))).toBeLessThan(1e-5);
        const at = (x: tf.Tensor) => tf.squeeze(tf.slice(x, [0, t], [B, 1]), [1]);
        const at4 = (x: tf.Tensor) => tf.squeeze(tf.slice(x, [0, t, 0, 0], [B, 1, -1, -1]), [1]);
        expect(close(out.mean, at4(seq.mean))).toBeLessThan(1e-5);
        expect(close(out.logstd, at4(seq.logstd))).toBeLessThan(1e-5);
        expect(close(out.logmix, at4(seq.logmix))).toBeLessThan(1e-5);
        expect(close(out.doneLogit!, at(seq.doneLogit!))).toBeLessThan(1e-5);
        expect(close(out.reward!, at(seq.reward!))).toBeLessThan(1e-5);
        state = out.state;
      }
      expect(close(state.h, seq.state.h)).toBeLessThan(1e-5);
    });
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  it('zeroes the state on restart: a restarted row forgets its past', () => {
    const m = new MDNRNN({ zSize: 2, actionSize: 1, hiddenSize: 5, restartInput: true, seed: 3 });
    tf.tidy(() => {
      const z = tf.tensor2d([[0.5, -1]]);
      const a = tf.tensor2d([[1]]);
      const warm = m.step(z, a).state;
      const fromWarm = m.step(z, a, warm, tf.tensor1d([1]));
      const fromZero = m.step(z, a, undefined, tf.tensor1d([1]));
      expect(close(fromWarm.mean, fromZero.mean)).toBe(0);
      const noRestart = m.step(z, a, warm, tf.tensor1d([0]));
      expect(close(noRestart.mean, fromZero.mean)).toBeGreaterThan(1e-4);
    });
    m.dispose();
  });

  it('rejects bad input with errors naming the problem', () => {
    const m = new MDNRNN({ zSize: 4, actionSize: 2, hiddenSize: 3 });
    expect(() => m.step(tf.zeros([1, 5]), tf.zeros([1, 2]))).toThrow(/z of shape \[B, 4\]/);
    expect(() => m.step(tf.zeros([1, 4]), tf.zeros([2, 2]))).toThrow(/actions of shape \[1, 2\]/);
    expect(() => m.step(tf.zeros([1, 4]), tf.zeros([1, 2]), undefined, tf.zeros([1]))).toThrow(/without restartInput/);
    expect(() => new MDNRNN({ mixtures: 0 })).toThrow(/mixtures/);
    expect(() => m.sample({ logmix: tf.zeros([1, 4, 5]), mean: tf.zeros([1, 4, 5]), logstd: tf.zeros([1, 4, 5]) }, -1, new Rng(1))).toThrow(/temperature/);
    m.dispose();
  });
});

describe('MDNRNN weights', () => {
  it('saves and loads through core checkpoints, and round-trips the reference JSON', async () => {
    const m = new MDNRNN({ zSize: 3, actionSize: 2, hiddenSize: 4, doneHead: true, seed: 8 });
    const dir = join(tmp(), 'm');
    await m.save(dir);
    const loaded = await MDNRNN.load(dir);
    expect(loaded.config).toEqual(m.config);
    for (const n of m.variableNames) expect(Array.from(loaded.getWeights()[n]!.dataSync())).toEqual(Array.from(m.getWeights()[n]!.dataSync()));
    const json = m.toReferenceJson();
    const path = join(tmp(), 'rnn.json');
    writeFileSync(path, JSON.stringify(json));
    const other = new MDNRNN({ ...m.config, seed: 99 });
    await other.loadReferenceJson(path);
    expect(other.toReferenceJson()).toEqual(json);
    await expect(other.loadReferenceJson([json[0], json[1]])).rejects.toThrow(/expected 4 weight arrays/);
    [m, loaded, other].forEach((x) => x.dispose());
  });
});
