import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { beforeAll, describe, expect, it } from 'vitest';
import { ActNorm } from './layers/actnorm.js';
import { runLayers } from './layers/flow-layer.js';
import { bitsPerDimFromLogProb, postprocessImages, preprocessImages, standardNormalLogProb } from './likelihood.js';
import { buildGlow } from './models/glow.js';
import { ParamStore } from './params.js';
import { useTestBackend } from './test-support/backend.js';

beforeAll(async () => {
  await useTestBackend();
});

/** Σ log N(x; μ_c, σ_c²) in Float64, per sample of [B, H, W, C] values. */
function gaussianLogPdf(x: Float32Array, batch: number, mu: number[], sigma: number[]): number[] {
  const c = mu.length;
  const per = x.length / batch;
  return Array.from({ length: batch }, (_, b) => {
    let s = 0;
    for (let i = 0; i < per; i++) {
      const k = i % c;
      const z = (x[b * per + i]! - mu[k]!) / sigma[k]!;
      s += -0.5 * z * z - Math.log(sigma[k]!) - 0.5 * Math.log(2 * Math.PI);
    }
    return s;
  });
}

describe('bits/dim on a known Gaussian', () => {
  it('a freshly built additive Glow is exactly N(0, I): bits/dim equals the analytic value', () => {
    // Rotations (log-det 0), zero-initialised additive couplings and priors: z is a rotation of x.
    // (Affine Glow couplings start at scale sigmoid(2), not 1, so they are not the identity.)
    const model = buildGlow({ imageShape: [4, 4, 3], levels: 2, steps: 2, width: 8, coupling: 'additive' });
    tf.tidy(() => {
      const x = tf.randomNormal([3, 4, 4, 3], 0, 0.3, 'float32', 1) as tf.Tensor4D;
      const got = bitsPerDimFromLogProb(model.logProb(x), 48, 8).dataSync();
      const lp = gaussianLogPdf(x.dataSync() as Float32Array, 3, [0], [1]);
      lp.forEach((l, b) => expect(got[b]!).toBeCloseTo((-l + 48 * Math.log(256)) / (48 * Math.LN2), 4));
    });
    model.dispose();
  });

  it('actnorm + standard normal models N(μ, σ²): exact per-sample density and the entropy on average', () => {
    const mu = [0.2, -0.1, 0.05];
    const sigma = [0.1, 0.3, 0.05];
    const params = new ParamStore(new Rng(0));
    const layer = new ActNorm('actnorm', 3, params);
    layer.bias.assign(tf.tensor1d(mu.map((m) => -m)));
    layer.logs.assign(tf.tensor1d(sigma.map((s) => -Math.log(s))));
    tf.tidy(() => {
      const n = 2000;
      const x = tf.add(tf.mul(tf.randomNormal([n, 2, 2, 3], 0, 1, 'float32', 2), sigma), mu) as tf.Tensor4D;
      const { y, logdet } = runLayers([layer], x, tf.zeros([n]), false, { latents: [] });
      const lp = tf.add(logdet, standardNormalLogProb(y));
      const expected = gaussianLogPdf(x.dataSync() as Float32Array, n, mu, sigma);
      const got = lp.dataSync();
      for (let b = 0; b < 20; b++) expect(got[b]!).toBeCloseTo(expected[b]!, 3);
      // Continuous bits/dim (n_bins = 1 would drop the constant; use the density directly):
      // E[−log p(x)]/(D ln 2) = Σ_c ½·log₂(2πe σ_c²) / C, the Gaussian's differential entropy.
      const bpd = tf.mean(tf.div(tf.neg(lp), 12 * Math.LN2)).dataSync()[0]!;
      const entropy = sigma.reduce((s, sg) => s + 0.5 * Math.log2(2 * Math.PI * Math.E * sg * sg), 0) / 3;
      expect(Math.abs(bpd - entropy)).toBeLessThan(0.02);
    });
    params.dispose();
  });
});

describe('n-bit dequantisation', () => {
  it.each([8, 5, 3])('%i bits: every noisy input decodes to its n-bit bin', (nBits) => {
    tf.tidy(() => {
      const img = tf.randomUniform([2, 4, 4, 3], 0, 256, 'int32', 3) as tf.Tensor4D;
      const step = 2 ** (8 - nBits);
      const expected = tf.mul(tf.floorDiv(img, step), step).arraySync();
      for (const seed of [1, 2, undefined]) {
        const x = preprocessImages(img, nBits, seed);
        const v = x.dataSync();
        for (const e of v) expect(e >= -0.5 && e < 0.5).toBe(true);
        expect(postprocessImages(x, nBits).arraySync()).toEqual(expected);
      }
    });
  });

  it('bits/dim adds D·log n_bins to −log p before dividing by D·ln 2', () => {
    tf.tidy(() => {
      const v = bitsPerDimFromLogProb(tf.tensor1d([-100, 50]), 10, 5).dataSync();
      expect(v[0]!).toBeCloseTo((100 + 10 * Math.log(32)) / (10 * Math.LN2), 5);
      expect(v[1]!).toBeCloseTo((-50 + 10 * Math.log(32)) / (10 * Math.LN2), 5);
    });
  });
});
