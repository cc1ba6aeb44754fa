import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GatedPixelCNN } from './gated-pixelcnn.js';
import { MaskedPixelCNN } from './masked-pixelcnn.js';
import { useTestBackend } from './test-support/backend.js';
import { activateHeadRelus, outputDependence, randomImages } from './test-support/dependence.js';

const H = 4;
const W = 4;
const C = 3;

beforeAll(async () => {
  await useTestBackend();
});

/**
 * For every output sub-pixel (p, c): inputs at sub-pixels ≥ (p, c) in raster-then-channel order
 * have exactly zero gradient; with `complete`, every earlier sub-pixel has a non-zero one.
 */
function checkSubPixelOrder(model: GatedPixelCNN | MaskedPixelCNN, complete: boolean): { blind: string[] } {
  const x = randomImages([1, H, W, C], 3);
  const blind: string[] = [];
  try {
    for (let p = 0; p < H * W; p++) {
      for (let c = 0; c < C; c++) {
        const g = outputDependence(model, x, p, c);
        const self = p * C + c;
        for (let k = self; k < g.length; k++) {
          if (g[k] !== 0) throw new Error(`output (${p}, ${c}) depends on input sub-pixel ${k} ≥ ${self}: gradient ${g[k]}`);
        }
        for (let k = 0; k < self; k++) if (g[k] === 0) blind.push(`(${p},${c})←${k}`);
      }
    }
  } finally {
    x.dispose();
  }
  if (complete) expect(blind).toEqual([]);
  return { blind };
}

describe('causality of masked convolutions', () => {
  it('plain PixelCNN (type A then B masks): no output sub-pixel sees itself or anything later', () => {
    const model = new MaskedPixelCNN({ imageShape: [H, W, C], features: 6, layers: 2, firstKernelSize: 3, kernelSize: 3, headChannels: 6, seed: 1 });
    try {
      const { blind } = checkSubPixelOrder(model, false);
      // The plain stack has the blind spot the gated stacks remove: pixel (1, 0) never sees (0, 2).
      expect(blind).toContain(`(${1 * W + 0},0)←${(0 * W + 2) * C}`);
    } finally {
      model.dispose();
    }
  });

  // "Every earlier sub-pixel influences" is a statement about the wiring; activateHeadRelus keeps the
  // head's ReLUs in their linear region so that no connection hides behind an inactive unit.
  it('Gated PixelCNN (softmax, R→G→B): causal, and every earlier sub-pixel influences each output (no blind spot)', () => {
    const model = new GatedPixelCNN({ imageShape: [H, W, C], features: 6, layers: 4, firstKernelSize: 3, kernelSize: 3, skipChannels: 6, headChannels: 6, seed: 2 });
    activateHeadRelus(model);
    try {
      checkSubPixelOrder(model, true);
    } finally {
      model.dispose();
    }
  });

  it('Gated PixelCNN without skips or residuals is causal too', () => {
    const model = new GatedPixelCNN({ imageShape: [H, W, C], features: 6, layers: 4, firstKernelSize: 3, kernelSize: 3, skipChannels: 0, residual: false, headChannels: 6, seed: 4 });
    activateHeadRelus(model);
    try {
      checkSubPixelOrder(model, true);
    } finally {
      model.dispose();
    }
  });

  it('Gated PixelCNN with a logistic mixture: pixel p sees exactly the pixels before it', () => {
    const model = new GatedPixelCNN({ imageShape: [H, W, C], features: 4, layers: 4, firstKernelSize: 3, kernelSize: 3, skipChannels: 4, headChannels: 4, output: 'logistic-mixture', mixtureComponents: 2, seed: 3 });
    activateHeadRelus(model);
    const x = randomImages([1, H, W, C], 5);
    try {
      for (let p = 0; p < H * W; p++) {
        const g = outputDependence(model, x, p, null);
        for (let k = 0; k < g.length; k++) {
          const earlier = Math.floor(k / C) < p;
          if (earlier) expect(g[k], `pixel ${p} ← sub-pixel ${k}`).not.toBe(0);
          else expect(g[k], `pixel ${p} ← sub-pixel ${k}`).toBe(0);
        }
      }
    } finally {
      x.dispose();
      model.dispose();
    }
  });

  it('leaks no tensors', () => {
    const model = new GatedPixelCNN({ imageShape: [H, W, C], features: 6, layers: 2, firstKernelSize: 3, skipChannels: 6, headChannels: 6, conditionSize: 2 });
    const x = randomImages([2, H, W, C], 1);
    const cond = tf.ones([2, 2]);
    const before = tf.memory().numTensors;
    tf.dispose([model.forward(x, cond), model.nll(x, cond)]);
    outputDependence(model, x, 3, 1, 1, cond as tf.Tensor2D);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, cond]);
    model.dispose();
  });
});
