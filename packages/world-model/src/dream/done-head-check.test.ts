import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DatasetWriter } from '@worldmodels/core/dataset';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../test-support/backend.js';
import { ToyMemory } from '../test-support/toy-models.js';
import { doneHeadCheck } from './done-head-check.js';

beforeAll(async () => {
  await useTestBackend();
});

const zSize = 3;

/** A series of two streams: episodes of 5 and 9 steps (both died), then one of 12 steps cut short. */
async function writeSeries(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wm-done-check-'));
  const w = await DatasetWriter.open(dir, {
    arrays: { mu: { dtype: 'float32', shape: [zSize] }, actions: { dtype: 'float32', shape: [1] }, dones: { dtype: 'uint8', shape: [] }, restarts: { dtype: 'uint8', shape: [] } },
  });
  const stream = (lengths: number[], died: boolean[]) => {
    const T = lengths.reduce((a, b) => a + b);
    const dones = new Uint8Array(T);
    const restarts = new Uint8Array(T);
    let t = 0;
    lengths.forEach((L, k) => {
      restarts[t] = 1;
      if (died[k]) dones[t + L - 1] = 1;
      t += L;
    });
    return { mu: new Float32Array(T * zSize).fill(0.1), actions: new Float32Array(T), dones, restarts };
  };
  await w.writeEpisode(stream([5, 9], [true, true]), { id: 's-0' });
  await w.writeEpisode(stream([12], [false]), { id: 's-1' });
  return dir;
}

/** The toy's done logit on episode step t (from a zero state) is (t + 1) − 7 + 0.5. */
const hazard = (t: number, w: number) => 1 / (1 + Math.exp(-(t + 1 - 6.5 - Math.log(w))));

describe('doneHeadCheck', () => {
  it('replays each episode from a zero state and reports when the head fires against when the episode ended', async () => {
    const series = await writeSeries();
    const mdnrnn = new ToyMemory({ zSize, actionSize: 1, hiddenSize: 2, doneAfter: 7 });
    const before = tf.memory().numTensors;
    const check = await doneHeadCheck({ mdnrnn, series, donePositiveWeight: 4, bucket: 5, batchSize: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(check.perEpisode).toEqual([
      { length: 5, died: true, firstFire: null }, // died before the head's clock reached 0
      { length: 9, died: true, firstFire: 6 },
      { length: 12, died: false, firstFire: 6 },
    ]);
    expect(check).toMatchObject({ episodes: 3, deaths: 2, firedEarly: 2, missedDeaths: 1, medianEarlyFire: 6 });
    let expected = 0;
    for (const L of [5, 9, 12]) for (let t = 0; t < L; t++) expected += hazard(t, 4);
    expect(check.expectedDeaths).toBeCloseTo(expected, 5);
    // Rows of 5 steps: steps 0–4 of all three episodes, 5–9 of the two longer ones, 10–11 of the last.
    expect(check.buckets.map((b) => [b.from, b.to, b.steps])).toEqual([[0, 4, 15], [5, 9, 9], [10, 14, 2]]);
    expect(check.buckets[1]!.fireRate).toBeCloseTo(7 / 9, 6); // steps 6–8 of the 9-step episode, 6–9 of the 12-step one
    expect(check.buckets[2]!.hazard).toBeCloseTo((hazard(10, 4) + hazard(11, 4)) / 2, 6);
  });

  it('takes the last episodes when asked for fewer, and names what is wrong', async () => {
    const series = await writeSeries();
    const mdnrnn = new ToyMemory({ zSize, actionSize: 1, hiddenSize: 2, doneAfter: 7 });
    const last = await doneHeadCheck({ mdnrnn, series, donePositiveWeight: 1, episodes: 2 });
    expect(last.perEpisode.map((e) => e.length)).toEqual([9, 12]);
    await expect(doneHeadCheck({ mdnrnn: new ToyMemory({ zSize, actionSize: 1, hiddenSize: 2 }), series, donePositiveWeight: 1 })).rejects.toThrow(/needs M with a done head/);
    await expect(doneHeadCheck({ mdnrnn: new ToyMemory({ zSize: 4, actionSize: 1, hiddenSize: 2, doneAfter: 7 }), series, donePositiveWeight: 1 })).rejects.toThrow(/holds z of width 3 and actions of width 1; M takes 4 and 1/);
  });
});
