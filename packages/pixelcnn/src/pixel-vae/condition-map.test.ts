import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GatedPixelCNN } from '../gated-pixelcnn.js';
import { useTestBackend } from '../test-support/backend.js';
import { activateHeadRelus, outputDependence, randomImages } from '../test-support/dependence.js';
import { ConditionMap } from './condition-map.js';

beforeAll(async () => {
  await useTestBackend();
});

describe('ConditionMap', () => {
  it('maps z [B, zSize] to [B, H, W, D] with the exact parameter count, and names bad input', () => {
    const map = new ConditionMap({ imageShape: [8, 12, 3], zSize: 5, channels: 3, hidden: [4, 6] });
    const z = tf.randomNormal([2, 5], 0, 1, 'float32', 1);
    const before = tf.memory().numTensors;
    try {
      const s = map.apply(z);
      expect(s.shape).toEqual([2, 8, 12, 3]);
      s.dispose();
      expect(tf.memory().numTensors).toBe(before);
      // dense 5 → 2·3·4 (+ bias), deconv 4·4·6·4 + 6, deconv 4·4·3·6 + 3
      const expected = 5 * 24 + 24 + (16 * 6 * 4 + 6) + (16 * 3 * 6 + 3);
      expect(map.countParams()).toBe(expected);
      expect(ConditionMap.paramCount({ imageShape: [8, 12, 3], zSize: 5, channels: 3, hidden: [4, 6] })).toBe(expected);
      expect(() => map.apply(tf.zeros([2, 4]))).toThrow(/needs z of shape \[B, 5\]/);
      expect(() => new ConditionMap({ imageShape: [6, 8, 3], zSize: 5, hidden: [4, 4] })).toThrow(/not divisible by 2\^2 = 4/);
    } finally {
      z.dispose();
      map.dispose();
    }
  });

  it('gives gradients to every weight', () => {
    const map = new ConditionMap({ imageShape: [4, 4, 1], zSize: 3, channels: 2, hidden: [2] });
    const z = tf.randomNormal([3, 3], 0, 1, 'float32', 2);
    try {
      const vars = Object.values(map.getWeights());
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(map.apply(z))) as tf.Scalar, vars);
      for (const [name, g] of Object.entries(grads)) {
        expect(tf.max(tf.abs(g)).dataSync()[0], name).toBeGreaterThan(0);
        g.dispose();
      }
    } finally {
      z.dispose();
      map.dispose();
    }
  });
});

describe('Gated PixelCNN conditioned on a map [B, H, W, D]', () => {
  const H = 6;
  const W = 6;
  const C = 3;
  const config = { imageShape: [H, W, C] as [number, number, number], features: 6, layers: 2, firstKernelSize: 3, kernelSize: 3, skipChannels: 6, headChannels: 6, conditionSize: 2, seed: 4 };

  it('stays causal in the pixels: output (p, c) has zero gradient for every input sub-pixel ≥ (p, c)', () => {
    const model = new GatedPixelCNN(config);
    activateHeadRelus(model);
    const x = randomImages([1, H, W, C], 3);
    const s = tf.randomNormal([1, H, W, 2], 0, 1, 'float32', 5) as tf.Tensor4D;
    try {
      for (const p of [0, 7, 20, 35]) {
        for (let c = 0; c < C; c++) {
          const g = outputDependence(model, x, p, c, 1, s);
          for (let k = p * C + c; k < g.length; k++) expect(g[k], `output (${p}, ${c}) ← ${k}`).toBe(0);
          if (p > 0) expect(g[p * C + c - 1], `output (${p}, ${c}) ← ${p * C + c - 1}`).not.toBe(0);
        }
      }
    } finally {
      tf.dispose([x, s]);
      model.dispose();
    }
  });

  it('is location-dependent: output (i, j) reads the map at (i, j), never at rows below or outside its field', () => {
    const model = new GatedPixelCNN(config);
    activateHeadRelus(model);
    const x = randomImages([1, H, W, C], 6);
    const s = tf.randomNormal([1, H, W, 2], 0, 1, 'float32', 7) as tf.Tensor4D;
    const [i, j] = [2, 2];
    try {
      const g = tf.tidy(() => {
        const f = (ss: tf.Tensor) => tf.sum(tf.slice(model.forward(x, ss), [0, i, j, 0, 0], [1, 1, 1, C, 256]));
        return tf.abs(tf.grad(f)(s)).dataSync(); // [H·W·2]
      });
      const at = (r: number, c: number) => g[(r * W + c) * 2]! + g[(r * W + c) * 2 + 1]!;
      expect(at(i, j)).toBeGreaterThan(0);
      for (let r = i + 1; r < H; r++) for (let c = 0; c < W; c++) expect(at(r, c), `map (${r}, ${c})`).toBe(0);
      // 2 layers of 3×3: the field is ± 2 columns, so column 5 is out of reach of column 2
      for (let r = 0; r <= i; r++) expect(at(r, 5), `map (${r}, 5)`).toBe(0);
    } finally {
      tf.dispose([x, s]);
      model.dispose();
    }
  });

  it('rejects a map of the wrong size, naming both accepted shapes', () => {
    const model = new GatedPixelCNN(config);
    const x = randomImages([1, H, W, C], 1);
    try {
      expect(() => model.forward(x, tf.zeros([1, H - 1, W, 2]))).toThrow(/must be \[1, 2\] or a map \[1, 6, 6, 2\]/);
    } finally {
      x.dispose();
      model.dispose();
    }
  });
});
