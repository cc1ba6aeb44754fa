import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticImages, useTestBackend } from '../test-support/backend.js';
import { DcganTrainer, type DcganTrainerOptions } from './dcgan-trainer.js';
import { runTraining } from './run-training.js';

let dir: string;
beforeAll(async () => {
  await useTestBackend();
  dir = await mkdtemp(join(tmpdir(), 'gan-dcgan-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const model = { imageSize: 32 as const, channels: 3, zDim: 8, gWidth: 4, dWidth: 4 };
const data = syntheticImages(16, 32, 3);
const batchAt = (step: number) => {
  const start = (step * 4) % 16;
  return { images: data.subarray(start * 32 * 32 * 3, (start + 4) * 32 * 32 * 3), count: 4 };
};
const weights = (t: DcganTrainer) => Array.from(t.generator.params.named()['up2/kernel']!.dataSync());
/** Largest absolute difference (a restored Adam recomputes β^t by pow, the straight run by products: ~1 ulp apart). */
const maxDiff = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('DcganTrainer', () => {
  it('takes finite steps with every improved-GAN option on, changes both players and leaks nothing', () => {
    const options: Partial<DcganTrainerOptions> = {
      model,
      seed: 3,
      featureMatching: true,
      minibatchDiscrimination: { kernels: 4, kernelDim: 2 },
      historicalAveraging: 0.1,
      realLabel: 0.9,
    };
    const trainer = new DcganTrainer(options);
    const g0 = weights(trainer);
    const d0 = Array.from(trainer.discriminator.params.named()['head/kernel']!.dataSync());
    trainer.trainStep(batchAt(0)); // creates the optimizers' slots
    const before = tf.memory().numTensors;
    const stats = trainer.trainStep(batchAt(1));
    expect(tf.memory().numTensors).toBe(before);
    expect(Number.isFinite(stats.dLoss) && Number.isFinite(stats.gLoss)).toBe(true);
    expect(weights(trainer)).not.toEqual(g0);
    expect(Array.from(trainer.discriminator.params.named()['head/kernel']!.dataSync())).not.toEqual(d0);
    expect(trainer.discriminator.params.named()['minibatch/T']).toBeDefined();
    expect(() => new DcganTrainer({ realLabel: 0 })).toThrow(/realLabel/);
    trainer.dispose();
  });

  it('resumes from a checkpoint exactly where an uninterrupted run would be', async () => {
    const options = { model, seed: 5, historicalAveraging: 0.01 };
    const fresh = new DcganTrainer(options);
    const first0 = weights(fresh);
    fresh.dispose();
    const straight = new DcganTrainer(options);
    for (let s = 0; s < 3; s++) straight.trainStep(batchAt(s));

    const runDir = join(dir, 'resume');
    const first = new DcganTrainer(options);
    const r1 = await runTraining({ runDir, trainer: first, totalSteps: 2, batchAt, checkpointEvery: 1, quiet: true });
    expect(r1).toMatchObject({ step: 2, resumedFrom: 0, alreadyDone: false });
    first.dispose();
    const second = new DcganTrainer(options);
    const r2 = await runTraining({ runDir, trainer: second, totalSteps: 3, batchAt, checkpointEvery: 1, quiet: true });
    expect(r2.resumedFrom).toBe(2);
    expect(second.step).toBe(3);
    expect(maxDiff(weights(second), weights(straight))).toBeLessThan(1e-7);
    expect(maxDiff(weights(second), first0)).toBeGreaterThan(1e-5);
    // A finished run is a no-op that restores the final state.
    const third = new DcganTrainer(options);
    const r3 = await runTraining({ runDir, trainer: third, totalSteps: 3, batchAt, checkpointEvery: 1, quiet: true });
    expect(r3.alreadyDone).toBe(true);
    expect(weights(third)).toEqual(weights(second));
    const lines = (await readFile(join(runDir, 'metrics.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    // A checkpoint of another architecture is refused with the differing field named.
    const other = new DcganTrainer({ ...options, model: { ...model, gWidth: 8 } });
    await expect(runTraining({ runDir, trainer: other, totalSteps: 3, batchAt, checkpointEvery: 1, quiet: true })).rejects.toThrow(/gWidth/);
    for (const t of [straight, second, third, other]) t.dispose();
  });
});
