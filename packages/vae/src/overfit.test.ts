import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { decodePng } from '@worldmodels/core/image';
import { describe, expect, it } from 'vitest';
import { ConvVAE } from './conv-vae.js';
import { framesToTensor } from './frames.js';
import { isSlowBackend, useTestBackend } from './test-backend.js';
import { syntheticFrames } from './test-fixtures.js';
import { VAETrainer } from './vae-trainer.js';

const FRAMES = join(import.meta.dirname, '../../../../shared/data/carracing-reference-frames');

/** 32 CarRacing frames spread over the reference drive (synthetic frames when the data is absent). */
function thirtyTwoFrames(): Uint8Array {
  if (!existsSync(FRAMES)) return syntheticFrames(32, 7);
  const bytes = new Uint8Array(32 * 64 * 64 * 3);
  for (let i = 0; i < 32; i++) bytes.set(decodePng(new Uint8Array(readFileSync(join(FRAMES, `${30 + i * 15}.png`)))).data, i * 64 * 64 * 3);
  return bytes;
}

// The backend is chosen before the tests are collected, so `isSlowBackend()` below is accurate.
await useTestBackend();

describe('ConvVAE overfit', () => {
  // ~250 steps on 32 frames: a few seconds per hundred steps on the native backend, far too slow on
  // the pure-JS one (its conv2dTranspose gradients take seconds per step), so it runs on fast backends.
  it.skipIf(isSlowBackend())('reconstructs 32 frames to well below the error of their mean image', () => {
    const x = framesToTensor(thirtyTwoFrames()); // [32, 64, 64, 3]
    // Same layer structure as the reference at 1/8 width, to keep the test quick.
    const vae = new ConvVAE({ zSize: 32, width: 0.125, seed: 1 });
    const trainer = new VAETrainer(vae, { learningRate: 3e-3 });
    const mse = () => tf.tidy(() => tf.mean(tf.squaredDifference(x, vae.reconstruct(x))).dataSync()[0]!);
    const meanImageMse = tf.tidy(() => tf.mean(tf.squaredDifference(x, tf.mean(x, 0, true))).dataSync()[0]!);
    const before = mse();
    let first = 0;
    let last = 0;
    for (let s = 0; s < 250; s++) {
      last = trainer.step(x).loss;
      if (s === 0) first = last;
    }
    const after = mse();
    expect(after).toBeLessThan(0.7 * meanImageMse); // it tells the frames apart, not just their average
    expect(after).toBeLessThan(before / 5);
    expect(Math.sqrt(after)).toBeLessThan(0.07); // RMS error under ~18 of 255 levels
    expect(last).toBeLessThan(first / 2);
    trainer.dispose();
    vae.dispose();
    x.dispose();
  });
});
