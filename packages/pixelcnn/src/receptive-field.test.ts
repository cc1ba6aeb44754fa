import { beforeAll, describe, expect, it } from 'vitest';
import type { GatedPixelCNNConfig } from './config.js';
import { GatedPixelCNN } from './gated-pixelcnn.js';
import { receptiveField } from './receptive-field.js';
import { useTestBackend } from './test-support/backend.js';
import { activateHeadRelus, outputDependence, randomImages } from './test-support/dependence.js';

beforeAll(async () => {
  await useTestBackend();
});

const H = 12;
const W = 14;
const C = 3;

/** Input sub-pixels (flat [H·W·C] indices) with a non-zero gradient for output sub-pixel (i, j, c). */
function measuredField(config: Partial<GatedPixelCNNConfig>, i: number, j: number, c: number): number[] {
  const model = new GatedPixelCNN({ imageShape: [H, W, C], features: 6, skipChannels: 6, headChannels: 6, seed: 5, ...config });
  activateHeadRelus(model);
  const x = randomImages([1, H, W, C], 7);
  try {
    const g = outputDependence(model, x, i * W + j, c);
    return Array.from(g.keys()).filter((k) => g[k] !== 0);
  } finally {
    x.dispose();
    model.dispose();
  }
}

/** The sub-pixels a field of `rowsAbove` × ±`halfWidth` predicts for output (i, j, c), clipped at the border. */
function predictedField(rowsAbove: number, halfWidth: number, i: number, j: number, c: number): number[] {
  const out: number[] = [];
  for (let r = Math.max(0, i - rowsAbove); r <= i; r++) {
    for (let col = Math.max(0, j - halfWidth); col <= Math.min(W - 1, j + halfWidth); col++) {
      for (let ch = 0; ch < C; ch++) {
        const above = r < i;
        const left = r === i && col < j;
        const earlierChannel = r === i && col === j && ch < c;
        if (above || left || earlierChannel) out.push((r * W + col) * C + ch);
      }
    }
  }
  return out;
}

describe('receptiveField', () => {
  it('follows the kernel sizes and depth: a + 1 + (L − 1)·b rows above, ± (a + (L − 1)·b) columns', () => {
    expect(receptiveField({ layers: 1, firstKernelSize: 3, kernelSize: 3 })).toEqual({ rowsAbove: 2, halfWidth: 1 });
    expect(receptiveField({ layers: 2, firstKernelSize: 3, kernelSize: 3 })).toEqual({ rowsAbove: 3, halfWidth: 2 });
    // the medium Pong decoder: 4 layers, first kernel 5, then 3
    expect(receptiveField({ layers: 4, firstKernelSize: 5, kernelSize: 3 })).toEqual({ rowsAbove: 6, halfWidth: 5 });
    // the defaults: 6 layers, 7 then 3
    expect(new GatedPixelCNN({ imageShape: [8, 8, 3], features: 6, skipChannels: 6, headChannels: 6 }).receptiveField()).toEqual({ rowsAbove: 9, halfWidth: 8 });
    expect(() => receptiveField({ kernelSize: 4 })).toThrow(/kernelSize must be an odd/);
  });

  // Every configuration: the sub-pixels with a non-zero gradient are exactly the predicted box —
  // nothing outside it (a small decoder really cannot see further) and nothing at or after the
  // current sub-pixel (causality still holds), with no hole inside.
  const cases: [string, Partial<GatedPixelCNNConfig>][] = [
    ['1 layer, kernel 3', { layers: 1, firstKernelSize: 3, kernelSize: 3 }],
    ['2 layers, kernels 3', { layers: 2, firstKernelSize: 3, kernelSize: 3 }],
    ['3 layers, kernels 5 then 3', { layers: 3, firstKernelSize: 5, kernelSize: 3 }],
    ['2 layers, kernels 3 then 5, no skips or residuals', { layers: 2, firstKernelSize: 3, kernelSize: 5, skipChannels: 0, residual: false }],
  ];
  for (const [name, config] of cases) {
    it(`${name}: the gradients show exactly the computed field, and nothing at or after the current sub-pixel`, () => {
      const { rowsAbove, halfWidth } = receptiveField(config);
      // an interior pixel (the field fits inside the image) and one clipped at the left border
      for (const [i, j, c] of [[H - 2, Math.floor(W / 2), 1], [H - 1, 1, 2]] as const) {
        const measured = measuredField(config, i, j, c);
        expect(measured).toEqual(predictedField(rowsAbove, halfWidth, i, j, c));
        expect(measured.every((k) => k < (i * W + j) * C + c)).toBe(true);
      }
    });
  }
});
