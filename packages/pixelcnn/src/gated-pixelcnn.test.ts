import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GatedPixelCNN } from './gated-pixelcnn.js';
import { MaskedPixelCNN } from './masked-pixelcnn.js';
import { useTestBackend } from './test-support/backend.js';
import { randomImages } from './test-support/dependence.js';

beforeAll(async () => {
  await useTestBackend();
});

const SMALL = { imageShape: [4, 4, 3] as [number, number, number], features: 6, layers: 2, firstKernelSize: 3, kernelSize: 3, skipChannels: 6, headChannels: 6, conditionSize: 2 };

describe('GatedPixelCNN parameters', () => {
  it('has the exact parameter count of its layers', () => {
    // layer 0 (in 3, F 6, 2F 12, k 3 → vertical 2×3, horizontal 1×2):
    //   vertical 2·3·3·12 + 12 = 228, horizontal 1·2·3·12 + 12 = 84, v→h 12·12 = 144,
    //   conditioning 2·2·12 = 48, h out 6·6 + 6 = 42, skip 6·6 + 6 = 42            → 588
    // layer 1 (in 6): 2·3·6·12 + 12 = 444, 2·6·12 + 12 = 156, 144, 48, 42, 42      → 876
    // head: 6·6 + 6 = 42, 6·768 + 768 = 5376                                        → 5418
    const model = new GatedPixelCNN(SMALL);
    try {
      expect(model.countParams()).toBe(588 + 876 + 5418);
      expect(GatedPixelCNN.paramCount(SMALL)).toBe(6882);
      // Free (unmasked) weights: the centre taps keep 2·(0+0+1+1+2+2) = 12 of 36 entries in layer 0's
      // type-A horizontal kernel, 2·(2+2+4+4+6+6) = 48 of 72 in layer 1's type-B one; each 6×6 masked
      // 1×1 keeps 24 of 36; the output 1×1 keeps 256·(2 + 4 + 6) = 3072 of 4608.
      const layer0 = 228 + (36 + 12 + 12) + 144 + 48 + (24 + 6) + (24 + 6);
      const layer1 = 444 + (72 + 48 + 12) + 144 + 48 + (24 + 6) + (24 + 6);
      const head = 24 + 6 + 3072 + 768;
      expect(model.countEffectiveParams()).toBe(layer0 + layer1 + head);
    } finally {
      model.dispose();
    }
  });

  it('counts the logistic-mixture head and a model without skips or conditioning', () => {
    const config = { ...SMALL, output: 'logistic-mixture' as const, mixtureComponents: 2, skipChannels: 0, conditionSize: 0, features: 4, headChannels: 4 };
    // P = 2·(1 + 3 + 3 + 3) = 20. layer 0: 2·3·3·8 + 8 = 152, 2·3·8 + 8 = 56, 64, 4·4 + 4 = 20 → 292
    // layer 1: 2·3·4·8 + 8 = 200, 2·4·8 + 8 = 72, 64, 20 → 356; head 4·4 + 4 + 4·20 + 20 = 120.
    const model = new GatedPixelCNN(config);
    try {
      expect(model.countParams()).toBe(292 + 356 + 120);
      expect(GatedPixelCNN.paramCount(config)).toBe(768);
    } finally {
      model.dispose();
    }
  });

  it('rejects bad configurations with errors naming the option', () => {
    expect(() => new GatedPixelCNN({ ...SMALL, features: 5 })).toThrow(/features \(5\) must be a multiple of 3/);
    expect(() => new GatedPixelCNN({ ...SMALL, kernelSize: 4 })).toThrow(/kernelSize must be an odd/);
    expect(() => new GatedPixelCNN({ ...SMALL, imageShape: [4, 4, 2] })).toThrow(/1 or 3 channels/);
    const model = new GatedPixelCNN(SMALL);
    const x = randomImages([1, 4, 4, 3], 1);
    const wrong = randomImages([1, 5, 4, 3], 1);
    try {
      expect(() => model.forward(wrong, tf.zeros([1, 2]))).toThrow(/needs images of shape \[B, 4, 4, 3\]/);
      expect(() => model.forward(x)).toThrow(/model is conditional/);
      expect(() => model.forward(x, tf.zeros([1, 3]))).toThrow(/must be \[1, 2\]/);
    } finally {
      tf.dispose([x, wrong]);
      model.dispose();
    }
  });
});

describe('GatedPixelCNN save/load', () => {
  it('round-trips config and weights, and refuses other checkpoints', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pixelcnn-'));
    const model = new GatedPixelCNN({ ...SMALL, seed: 9 });
    const x = randomImages([2, 4, 4, 3], 2);
    const cond = tf.tensor2d([[0.5, -1], [2, 0.1]]);
    try {
      // Make the weights differ from a fresh model's so the load really restores them.
      for (const v of Object.values(model.getWeights())) v.assign(tf.add(v, 0.01));
      await model.save(join(dir, 'model'));
      const loaded = await GatedPixelCNN.load(join(dir, 'model'));
      try {
        expect(loaded.config).toEqual(model.config);
        const a = model.nll(x, cond);
        const b = loaded.nll(x, cond);
        expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
        tf.dispose([a, b]);
      } finally {
        loaded.dispose();
      }
      const { saveVariables } = await import('@worldmodels/core');
      await saveVariables(join(dir, 'other'), { w: tf.zeros([1]) }, { metadata: { kind: 'ConvVAE' } });
      await expect(GatedPixelCNN.load(join(dir, 'other'))).rejects.toThrow(/does not hold a GatedPixelCNN/);
    } finally {
      tf.dispose([x, cond]);
      model.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('MaskedPixelCNN', () => {
  it('has the exact parameter count (k×k kernels with type A then B masks)', () => {
    const model = new MaskedPixelCNN({ imageShape: [4, 4, 1], features: 4, layers: 2, firstKernelSize: 5, kernelSize: 3, headChannels: 4 });
    try {
      // conv0 5·5·1·4 + 4 = 104; conv1, conv2 3·3·4·4 + 4 = 148 each; head 4·4 + 4 + 4·256 + 256 = 1300.
      expect(model.countParams()).toBe(104 + 2 * 148 + 1300);
      // Free weights: conv0 keeps the 12 taps before the centre (type A, one channel); conv1/2 keep
      // 4 taps + the centre (one group: B shows it) = 5·16; the head is unmasked with one group.
      expect(model.countEffectiveParams()).toBe(12 * 4 + 4 + 2 * (5 * 16 + 4) + 1300);
    } finally {
      model.dispose();
    }
  });
});
