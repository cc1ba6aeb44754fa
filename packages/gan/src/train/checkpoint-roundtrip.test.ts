import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadVariables, saveVariables } from '@worldmodels/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticImages, useTestBackend } from '../test-support/backend.js';
import type { GanTrainer } from './gan-trainer.js';
import { InfoGanTrainer } from './infogan-trainer.js';
import { Pix2PixTrainer } from './pix2pix-trainer.js';
import { SemiSupervisedGanTrainer } from './semi-supervised-trainer.js';

let dir: string;
beforeAll(async () => {
  await useTestBackend();
  dir = await mkdtemp(join(tmpdir(), 'gan-roundtrip-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Saves a trainer through core's checkpoint files and restores it into `fresh`. */
async function roundTrip<B>(trainer: GanTrainer<B>, fresh: GanTrainer<B>, name: string): Promise<void> {
  const tensors = await trainer.stateTensors();
  await saveVariables(join(dir, name), tensors, { metadata: trainer.stateMetadata() });
  tf.dispose(Object.values(tensors));
  const loaded = await loadVariables(join(dir, name));
  await fresh.restoreState(loaded.tensors, loaded.metadata, loaded.dir);
  tf.dispose(Object.values(loaded.tensors));
}

const images = syntheticImages(4, 32, 1);

describe('trainer checkpoints (save → load → same next step)', () => {
  it('pix2pix', async () => {
    const opts = { imageSize: 16, inChannels: 2, outChannels: 1, generatorWidth: 2, discriminatorWidth: 2, patch: 16 as const, seed: 1 };
    const a = new Pix2PixTrainer(opts);
    const input = tf.randomUniform([2, 16, 16, 2], -1, 1, 'float32', 1) as tf.Tensor4D;
    const target = tf.randomUniform([2, 16, 16, 1], -1, 1, 'float32', 2) as tf.Tensor4D;
    a.trainStep({ input, target });
    const b = new Pix2PixTrainer({ ...opts, seed: 7 });
    await roundTrip(a, b, 'pix2pix');
    expect(b.step).toBe(1);
    const sa = a.trainStep({ input, target });
    const sb = b.trainStep({ input, target });
    expect(sb.gL1).toBeCloseTo(sa.gL1!, 6);
    expect(sb.dLoss).toBeCloseTo(sa.dLoss!, 6);
    const other = new Pix2PixTrainer({ ...opts, patch: 70 });
    await expect(roundTrip(a, other, 'pix2pix-2')).rejects.toThrow(/patch = 16, this trainer has 70/);
    const infogan = new InfoGanTrainer({ model: { imageSize: 32, channels: 1, zDim: 2, gWidth: 2, dWidth: 2 }, codes: { categorical: [2], continuous: 0 } });
    await expect(roundTrip(a as unknown as GanTrainer<unknown>, infogan as unknown as GanTrainer<unknown>, 'pix2pix-3')).rejects.toThrow(/not an InfoGAN checkpoint/);
    tf.dispose([input, target]);
    for (const t of [a, b, other, infogan]) t.dispose();
  });

  it('InfoGAN', async () => {
    const opts = { model: { imageSize: 32 as const, channels: 1, zDim: 4, gWidth: 2, dWidth: 2 }, codes: { categorical: [3], continuous: 1 }, seed: 2 };
    const a = new InfoGanTrainer(opts);
    a.trainStep({ images, count: 4 });
    const b = new InfoGanTrainer({ ...opts, seed: 8 });
    await roundTrip(a, b, 'infogan');
    const sa = a.trainStep({ images, count: 4 });
    const sb = b.trainStep({ images, count: 4 });
    expect(sb.miLowerBound).toBeCloseTo(sa.miLowerBound!, 5);
    expect(sb.gLoss).toBeCloseTo(sa.gLoss!, 5);
    a.dispose();
    b.dispose();
  });

  it('semi-supervised K+1', async () => {
    const opts = { model: { imageSize: 32 as const, channels: 1, zDim: 4, gWidth: 2, dWidth: 2 }, numClasses: 3, seed: 3 };
    const batch = { labelled: { images, labels: [0, 1, 2, 0], count: 4 }, unlabelled: { images, count: 4 } };
    const a = new SemiSupervisedGanTrainer(opts);
    a.trainStep(batch);
    const b = new SemiSupervisedGanTrainer({ ...opts, seed: 9 });
    await roundTrip(a, b, 'ssl');
    const sa = a.trainStep(batch);
    const sb = b.trainStep(batch);
    expect(sb.supervised).toBeCloseTo(sa.supervised!, 5);
    expect(Array.from(b.classify(images, 4))).toEqual(Array.from(a.classify(images, 4)));
    a.dispose();
    b.dispose();
  });
});
