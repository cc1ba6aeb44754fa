import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { beforeAll, describe, expect, it } from 'vitest';
import { GatedPixelCNN } from './gated-pixelcnn.js';
import { mixtureParamCount } from './output/logistic-mixture.js';
import { useTestBackend } from './test-support/backend.js';

beforeAll(async () => {
  await useTestBackend();
});

const SHAPE: [number, number, number] = [4, 4, 3];
const BASE = { imageShape: SHAPE, features: 6, layers: 2, firstKernelSize: 3, kernelSize: 3, skipChannels: 6, headChannels: 6 };

/** Zeroes every weight, so the output is the head's output bias alone. */
function zeroAll(model: GatedPixelCNN): void {
  for (const v of Object.values(model.getWeights())) v.assign(tf.zerosLike(v));
}

function imagesFrom(values: number[], n: number): tf.Tensor4D {
  return tf.tensor4d(Int32Array.from(values), [n, ...SHAPE], 'int32');
}

describe('bits per dimension', () => {
  it('is exactly 8 for the uniform distribution over 256 levels', () => {
    const model = new GatedPixelCNN(BASE);
    zeroAll(model);
    const r = new Rng(1);
    const x = imagesFrom(Array.from({ length: 2 * 48 }, () => r.int(256)), 2);
    try {
      expect(model.bitsPerDim(x)).toBeCloseTo(8, 5);
    } finally {
      x.dispose();
      model.dispose();
    }
  });

  it('equals −mean log₂ q(x) for a known per-channel categorical q', () => {
    const model = new GatedPixelCNN(BASE);
    zeroAll(model);
    // q_c over the 256 levels: channel c puts its mass on a few levels.
    const support = [
      [0, 0.5, 10, 0.25, 255, 0.25],
      [7, 0.9, 8, 0.1],
      [100, 0.2, 101, 0.3, 102, 0.5],
    ];
    const logits = new Float32Array(3 * 256).fill(-1e4);
    const q: Map<number, number>[] = support.map((s, c) => {
      const m = new Map<number, number>();
      for (let k = 0; k < s.length; k += 2) {
        m.set(s[k]!, s[k + 1]!);
        logits[c * 256 + s[k]!] = Math.log(s[k + 1]!);
      }
      return m;
    });
    model.getWeights()['head/out_bias']!.assign(tf.tensor1d(logits));
    const r = new Rng(2);
    const values: number[] = [];
    let bits = 0;
    for (let i = 0; i < 3 * 16; i++) {
      for (let c = 0; c < 3; c++) {
        const levels = [...q[c]!.keys()];
        const v = levels[r.int(levels.length)]!;
        values.push(v);
        bits -= Math.log2(q[c]!.get(v)!);
      }
    }
    const x = imagesFrom(values, 3);
    try {
      expect(model.bitsPerDim(x)).toBeCloseTo(bits / values.length, 4);
    } finally {
      x.dispose();
      model.dispose();
    }
  });

  it('equals the discretised logistic probability (PixelCNN++ eq. 2) for a one-component mixture', () => {
    const model = new GatedPixelCNN({ ...BASE, output: 'logistic-mixture', mixtureComponents: 1, features: 4, skipChannels: 4, headChannels: 4 });
    zeroAll(model);
    const mu = [-0.2, 0.5, 0.9];
    const logS = [-2, -3, -1.5];
    // layout: [logit | means C | log-scales C | coefficients 3] with K = 1
    const bias = [0, ...mu, ...logS, 0, 0, 0];
    expect(bias.length).toBe(mixtureParamCount(3, 1));
    model.getWeights()['head/out_bias']!.assign(tf.tensor1d(bias));
    const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));
    const prob = (v: number, c: number) => {
      const x = v / 127.5 - 1;
      const s = Math.exp(logS[c]!);
      const hi = v === 255 ? 1 : sigmoid((x + 1 / 255 - mu[c]!) / s);
      const lo = v === 0 ? 0 : sigmoid((x - 1 / 255 - mu[c]!) / s);
      return hi - lo;
    };
    // Values near the means (so every bin has probability > 1e-5) plus both edge bins.
    const values: number[] = [];
    let bits = 0;
    const r = new Rng(3);
    for (let i = 0; i < 16; i++) {
      for (let c = 0; c < 3; c++) {
        const centre = Math.round((mu[c]! + 1) * 127.5);
        const v = i === 0 ? 0 : i === 1 ? 255 : Math.min(255, Math.max(0, centre + r.integer(-6, 6)));
        values.push(v);
        bits -= Math.log2(prob(v, c));
      }
    }
    const x = imagesFrom(values, 1);
    try {
      expect(model.bitsPerDim(x)).toBeCloseTo(bits / values.length, 3);
    } finally {
      x.dispose();
      model.dispose();
    }
  });

  it('mixture output: gradients match finite differences, and training lowers the loss', () => {
    const model = new GatedPixelCNN({ ...BASE, output: 'logistic-mixture', mixtureComponents: 2, seed: 2 });
    const r = new Rng(6);
    // Edge values 0 and 255 and interior ones, so all three cases of the likelihood are hit.
    const x = imagesFrom(Array.from({ length: 2 * 48 }, (_, i) => (i % 5 === 0 ? 0 : i % 5 === 1 ? 255 : r.int(256))), 2);
    const bias = model.getWeights()['head/out_bias']!;
    const optimizer = tf.train.adam(0.02);
    try {
      const loss = () => model.bitsPerDimTensor(x);
      const { value, grads } = tf.variableGrads(loss, [bias]);
      const g = grads[bias.name]!.dataSync();
      const b0 = Float32Array.from(bias.dataSync());
      const eps = 1e-2;
      const at = (values: Float32Array) => {
        bias.assign(tf.tensor1d(values));
        return tf.tidy(() => loss().dataSync()[0]!);
      };
      for (const i of [0, 3, 7, 12]) {
        const plus = b0.slice();
        const minus = b0.slice();
        plus[i]! += eps;
        minus[i]! -= eps;
        const numeric = (at(plus) - at(minus)) / (2 * eps);
        expect(Math.abs(g[i]!)).toBeGreaterThan(1e-4);
        expect(g[i]!).toBeCloseTo(numeric, 3);
      }
      bias.assign(tf.tensor1d(b0));
      const before = value.dataSync()[0]!;
      tf.dispose([value, ...Object.values(grads)]);
      for (let step = 0; step < 20; step++) optimizer.minimize(loss, false, model.trainableVariables);
      expect(model.bitsPerDim(x)).toBeLessThan(before - 0.2);
    } finally {
      optimizer.dispose();
      x.dispose();
      model.dispose();
    }
  });

  it('training on i.i.d. sub-pixels (P(255) = 1/4, else 0) approaches the entropy 0.811 bits/dim', () => {
    const model = new GatedPixelCNN({ ...BASE, layers: 1, seed: 5 });
    const optimizer = tf.train.adam(0.03);
    const r = new Rng(4);
    const batch = () => imagesFrom(Array.from({ length: 16 * 48 }, () => (r.random() < 0.25 ? 255 : 0)), 16);
    const entropy = -(0.25 * Math.log2(0.25) + 0.75 * Math.log2(0.75));
    try {
      for (let step = 0; step < 80; step++) {
        const x = batch();
        optimizer.minimize(() => model.bitsPerDimTensor(x), false, model.trainableVariables);
        x.dispose();
      }
      const test = imagesFrom(Array.from({ length: 64 * 48 }, () => (r.random() < 0.25 ? 255 : 0)), 64);
      const bpd = model.bitsPerDim(test);
      test.dispose();
      expect(bpd).toBeGreaterThan(entropy - 0.08); // held-out data: a model cannot beat the entropy by much
      expect(bpd).toBeLessThan(entropy + 0.08);
    } finally {
      optimizer.dispose();
      model.dispose();
    }
  });
});
