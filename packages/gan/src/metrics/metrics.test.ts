import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Matrix } from 'ml-matrix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@worldmodels/core/rng';
import { smoothImages, useTestBackend } from '../test-support/backend.js';
import { FeatureNetwork } from './feature-network.js';
import { type FeatureStatistics, featureStatistics, frechetDistance, frechetDistanceFromStatistics, sqrtmSymmetric, traceSqrtProduct } from './frechet-distance.js';

let dir: string;
beforeAll(async () => {
  await useTestBackend();
  dir = await mkdtemp(join(tmpdir(), 'gan-metrics-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const stats = (mean: number[], cov: number[][]): FeatureStatistics => ({
  mean: Float64Array.from(mean),
  covariance: Float64Array.from(cov.flat()),
  dim: mean.length,
  count: 100,
});

describe('matrix square root and Fréchet distance', () => {
  it('takes the square root of symmetric PSD matrices', () => {
    expect(sqrtmSymmetric(new Matrix([[4, 0], [0, 9]])).to2DArray().flat().map((v) => +v.toFixed(10))).toEqual([2, 0, 0, 3]);
    const rng = new Rng(1);
    const b = Matrix.from1DArray(5, 5, Array.from({ length: 25 }, () => rng.normal(0, 1)));
    const a = b.mmul(b.transpose()); // SPD
    const s = sqrtmSymmetric(a);
    const back = s.mmul(s);
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) expect(back.get(i, j)).toBeCloseTo(a.get(i, j), 8);
  });

  it('computes Tr((Σ₁Σ₂)^½) for non-commuting covariances as the eigenvalues of Σ₁Σ₂ give it', () => {
    const c1 = new Matrix([[2, 0.5], [0.5, 1]]);
    const c2 = new Matrix([[1, -0.3], [-0.3, 3]]);
    const p = c1.mmul(c2);
    const tr = p.get(0, 0) + p.get(1, 1);
    const det = p.get(0, 0) * p.get(1, 1) - p.get(0, 1) * p.get(1, 0);
    const l1 = (tr + Math.sqrt(tr * tr - 4 * det)) / 2;
    const l2 = (tr - Math.sqrt(tr * tr - 4 * det)) / 2;
    expect(traceSqrtProduct(c1, c2)).toBeCloseTo(Math.sqrt(l1) + Math.sqrt(l2), 10);
  });

  it('matches the closed form for Gaussians with diagonal covariances, and is 0 for equal ones', () => {
    const a = stats([0, 1, 2], [[1, 0, 0], [0, 4, 0], [0, 0, 9]]);
    const b = stats([1, 1, 0], [[4, 0, 0], [0, 4, 0], [0, 0, 1]]);
    // ‖μ₁ − μ₂‖² = 1 + 0 + 4; Σ (√a − √b)² = 1 + 0 + 4.
    expect(frechetDistanceFromStatistics(a, b)).toBeCloseTo(10, 10);
    expect(frechetDistanceFromStatistics(a, a)).toBeCloseTo(0, 10);
    expect(() => frechetDistanceFromStatistics(a, stats([0], [[1]]))).toThrow(/widths differ/);
  });

  it('estimates mean and unbiased covariance from samples; near 0 for one distribution, large for a shifted one', () => {
    const s = featureStatistics([1, 2, 3, 6], 2, 2);
    expect(Array.from(s.mean)).toEqual([2, 4]);
    expect(Array.from(s.covariance)).toEqual([2, 4, 4, 8]);
    const rng = new Rng(3);
    const sample = (n: number, shift: number) => Float64Array.from({ length: n * 4 }, (_, i) => rng.normal(i % 4 === 0 ? shift : 0, 1));
    const same = frechetDistance(sample(4000, 0), 4000, sample(4000, 0), 4000, 4);
    const shifted = frechetDistance(sample(4000, 0), 4000, sample(4000, 2), 4000, 4);
    expect(same).toBeLessThan(0.05);
    expect(shifted).toBeGreaterThan(3.8);
    expect(shifted).toBeLessThan(4.2);
    expect(() => featureStatistics([1, 2], 1, 2)).toThrow(/at least 2/);
  });
});

describe('FeatureNetwork', () => {
  it('learns to reconstruct the data set, saves and loads exactly, and leaks nothing', async () => {
    const net = new FeatureNetwork({ imageSize: 16, channels: 3, featureDim: 8, width: 4, seed: 1 });
    const images = smoothImages(24, 16, 3);
    const initial = net.reconstructionError(images, 24);
    const losses = net.train(images, 24, { steps: 30, batchSize: 12 });
    expect(losses.length).toBe(30);
    expect(net.reconstructionError(images, 24)).toBeLessThan(0.85 * initial);
    const before = tf.memory().numTensors;
    const f = net.features(images, 24, 10);
    expect(tf.memory().numTensors).toBe(before);
    expect(f.length).toBe(24 * 8);
    await net.save(join(dir, 'features'));
    const loaded = await FeatureNetwork.load(join(dir, 'features'));
    expect(Array.from(loaded.features(images, 24))).toEqual(Array.from(f));
    const x = tf.sub(tf.div(tf.tensor4d(images, [24, 16, 16, 3], 'float32'), 127.5), 1) as tf.Tensor4D;
    const g = net.featuresOf(x, 7);
    for (let i = 0; i < f.length; i++) expect(g[i]).toBeCloseTo(f[i]!, 4);
    x.dispose();
    net.dispose();
    loaded.dispose();
    expect(() => new FeatureNetwork({ imageSize: 20 })).toThrow(/multiple of 8/);
  });
});
