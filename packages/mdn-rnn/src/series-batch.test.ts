import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveMDNRNNConfig as resolveConfig } from './config.js';
import { seriesToBatch } from './series-batch.js';
import { useTestBackend } from './test-backend.js';

beforeAll(async () => {
  await useTestBackend();
});

describe('seriesToBatch', () => {
  it('turns restart flags of concatenated episodes into LSTM resets, and the window start of an episode too', () => {
    const config = resolveConfig({ zSize: 2, actionSize: 1, hiddenSize: 4, mixtures: 1, doneHead: true, restartInput: true });
    const B = 2;
    const S = 5; // T = 4 steps of inputs
    const batch = {
      count: B,
      seqLen: S,
      epoch: 0,
      sources: [{ id: 'stream-0', start: 0 }, { id: 'stream-0', start: 7 }],
      arrays: {
        mu: new Float32Array(B * S * 2),
        logvar: new Float32Array(B * S * 2),
        actions: new Float32Array(B * S),
        rewards: new Float32Array(B * S),
        dones: Uint8Array.from([0, 1, 0, 0, 0, 0, 0, 0, 1, 0]),
        restarts: Uint8Array.from([1, 0, 1, 0, 0, 0, 0, 1, 0, 1]),
      },
    };
    const dtypes = { mu: 'float32', logvar: 'float32', actions: 'float32', rewards: 'float32', dones: 'uint8', restarts: 'uint8' };
    const out = seriesToBatch(batch, dtypes, config, new Rng(1), { sampleZ: false });
    expect(Array.from(out.restart!.dataSync())).toEqual([1, 0, 1, 0, 0, 0, 1, 0]); // the flag at S − 1 has no input step
    expect(Array.from(out.targetDone!.dataSync())).toEqual([0, 1, 0, 0, 0, 0, 0, 1]);
    tf.dispose(Object.values(out));
  });
});
