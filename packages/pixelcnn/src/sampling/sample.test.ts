import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { beforeAll, describe, expect, it } from 'vitest';
import { GatedPixelCNN } from '../gated-pixelcnn.js';
import { MaskedPixelCNN } from '../masked-pixelcnn.js';
import { useTestBackend } from '../test-support/backend.js';
import { CachedGatedEvaluator } from './cached-evaluator.js';
import { complete, sample } from './sample.js';

beforeAll(async () => {
  await useTestBackend();
});

const SHAPE: [number, number, number] = [5, 4, 3];
const CONFIG = { imageShape: SHAPE, features: 6, layers: 3, firstKernelSize: 3, kernelSize: 3, skipChannels: 6, headChannels: 12, conditionSize: 2, seed: 3 };

/** Sharpens the freshly initialised model so samples depend strongly on earlier pixels. */
function sharpen(model: GatedPixelCNN): void {
  for (const [name, v] of Object.entries(model.getWeights())) if (name.endsWith('kernel') || name === 'head/out') v.assign(tf.mul(v, 3));
}

describe('sampling', () => {
  it('the cached evaluator gives the full forward pass values at every sub-pixel', () => {
    const model = new GatedPixelCNN({ ...CONFIG, firstKernelSize: 5 });
    sharpen(model);
    const r = new Rng(1);
    const canvas = Uint8Array.from({ length: 2 * 60 }, () => r.int(256));
    const cond = tf.tensor2d([[1, -0.5], [0.3, 2]]);
    const full = model.forward(tf.tensor4d(Int32Array.from(canvas), [2, ...SHAPE], 'int32'), cond);
    const expected = full.dataSync();
    full.dispose();
    const ev = new CachedGatedEvaluator(model, canvas, 2, cond);
    try {
      for (let i = 0; i < SHAPE[0]; i++) {
        ev.beginRow(i);
        for (let j = 0; j < SHAPE[1]; j++) {
          const got = ev.pixel(i, j); // [2 · 768]
          for (let b = 0; b < 2; b++) {
            for (let k = 0; k < 768; k += 17) {
              expect(got[b * 768 + k]).toBeCloseTo(expected[((b * SHAPE[0] + i) * SHAPE[1] + j) * 768 + k]!, 4);
            }
          }
        }
      }
    } finally {
      ev.dispose();
      cond.dispose();
      model.dispose();
    }
  });

  for (const output of ['softmax', 'logistic-mixture'] as const) {
    it(`cached sampling equals naive sampling for the same seed (${output})`, () => {
      const model = new GatedPixelCNN({ ...CONFIG, output, mixtureComponents: 3 });
      sharpen(model);
      const cond = tf.tensor2d([[1, -0.5], [0.3, 2]]);
      const before = tf.memory().numTensors;
      try {
        for (const temperature of [1, 0.5, 0]) {
          const cached = sample(model, { cond, temperature, rng: new Rng(7), method: 'cached' });
          const naive = sample(model, { cond, temperature, rng: new Rng(7), method: 'naive' });
          expect(Array.from(cached)).toEqual(Array.from(naive));
        }
        const a = sample(model, { cond, rng: new Rng(7) });
        const b = sample(model, { cond, rng: new Rng(8) });
        expect(Array.from(a)).not.toEqual(Array.from(b));
        expect(tf.memory().numTensors).toBe(before);
      } finally {
        cond.dispose();
        model.dispose();
      }
    });
  }

  it('greedy decoding (temperature 0) ignores the random stream; conditioning changes samples', () => {
    const model = new GatedPixelCNN(CONFIG);
    sharpen(model);
    const c1 = tf.tensor2d([[2, -2]]);
    const c2 = tf.tensor2d([[-2, 2]]);
    try {
      const a = sample(model, { cond: c1, temperature: 0, rng: new Rng(1) });
      const b = sample(model, { cond: c1, temperature: 0, rng: new Rng(2) });
      const c = sample(model, { cond: c2, temperature: 0, rng: new Rng(1) });
      expect(Array.from(a)).toEqual(Array.from(b));
      expect(Array.from(a)).not.toEqual(Array.from(c));
    } finally {
      tf.dispose([c1, c2]);
      model.dispose();
    }
  });

  it('completion keeps every given sub-pixel and conditions later ones on them (cached = naive)', () => {
    const model = new GatedPixelCNN(CONFIG);
    sharpen(model);
    const cond = tf.tensor2d([[1, 1], [0, -1]]);
    const r = new Rng(5);
    const n = 2 * 60;
    const values = Uint8Array.from({ length: n }, () => r.int(256));
    // The top two rows, plus a scattered quarter of the remaining sub-pixels, are given.
    const mask = Uint8Array.from({ length: n }, (_, k) => (k % 60 < 24 || r.random() < 0.25 ? 1 : 0));
    try {
      const cached = complete(model, values, mask, { cond, rng: new Rng(3) });
      const naive = complete(model, values, mask, { cond, rng: new Rng(3), method: 'naive' });
      for (let k = 0; k < n; k++) if (mask[k]) expect(cached[k]).toBe(values[k]);
      expect(Array.from(cached)).toEqual(Array.from(naive));
      const other = values.map((v, k) => (k % 60 < 24 ? 255 - v : v));
      const changed = complete(model, other, mask, { cond, rng: new Rng(3) });
      const free = [...mask.keys()].filter((k) => !mask[k]);
      expect(free.some((k) => changed[k] !== cached[k])).toBe(true); // the given rows inform the rest
    } finally {
      cond.dispose();
      model.dispose();
    }
  });

  it('samples a plain PixelCNN with the naive method and rejects bad options', () => {
    const model = new MaskedPixelCNN({ imageShape: [3, 3, 1], features: 4, layers: 1, firstKernelSize: 3, headChannels: 4 });
    const gated = new GatedPixelCNN(CONFIG);
    try {
      const s = sample(model, { count: 2, rng: new Rng(1) });
      expect(s.length).toBe(18);
      expect(() => sample(model, { method: 'cached' })).toThrow(/cached sampling needs a GatedPixelCNN/);
      expect(() => sample(model, { temperature: -1 })).toThrow(/temperature must be a finite number >= 0/);
      expect(() => sample(gated, { count: 1 })).toThrow(/model is conditional/);
      expect(() => sample(model, { count: 1, known: { values: new Uint8Array(5), mask: new Uint8Array(5) } })).toThrow(/known values and mask/);
    } finally {
      model.dispose();
      gated.dispose();
    }
  });
});

describe('sampling with a conditioning map [B, H, W, D]', () => {
  it('the cached evaluator gives the full pass values, and cached sampling equals naive sampling', () => {
    const model = new GatedPixelCNN({ ...CONFIG, firstKernelSize: 5 });
    sharpen(model);
    const r = new Rng(2);
    const canvas = Uint8Array.from({ length: 2 * 60 }, () => r.int(256));
    const cond = tf.randomNormal([2, SHAPE[0], SHAPE[1], 2], 0, 2, 'float32', 9) as tf.Tensor4D;
    const full = model.forward(tf.tensor4d(Int32Array.from(canvas), [2, ...SHAPE], 'int32'), cond);
    const expected = full.dataSync();
    full.dispose();
    const ev = new CachedGatedEvaluator(model, canvas, 2, cond);
    const before = tf.memory().numTensors;
    try {
      for (let i = 0; i < SHAPE[0]; i++) {
        ev.beginRow(i);
        for (let j = 0; j < SHAPE[1]; j++) {
          const got = ev.pixel(i, j); // [2 · 768]
          for (let b = 0; b < 2; b++) for (let k = 0; k < 768; k += 17) expect(got[b * 768 + k]).toBeCloseTo(expected[((b * SHAPE[0] + i) * SHAPE[1] + j) * 768 + k]!, 4);
        }
      }
      ev.dispose();
      for (const temperature of [1, 0]) {
        const cached = sample(model, { cond, temperature, rng: new Rng(7), method: 'cached' });
        const naive = sample(model, { cond, temperature, rng: new Rng(7), method: 'naive' });
        expect(Array.from(cached)).toEqual(Array.from(naive));
      }
      // the same map with its rows reversed draws other images: the map acts by position
      const flipped = tf.reverse(cond, 1);
      const a = sample(model, { cond, temperature: 0 });
      const b = sample(model, { cond: flipped as tf.Tensor4D, temperature: 0 });
      flipped.dispose();
      expect(Array.from(a)).not.toEqual(Array.from(b));
      expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
    } finally {
      cond.dispose();
      model.dispose();
    }
  });
});
