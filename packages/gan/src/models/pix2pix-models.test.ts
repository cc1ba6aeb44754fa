import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../test-support/backend.js';
import { PatchGanDiscriminator, patchGanLayers, type PatchSize } from './patchgan.js';
import { jump, receptiveField } from './receptive-field.js';
import { UnetGenerator } from './unet.js';

beforeAll(useTestBackend);

/** Rows and columns of the input that influence output unit (row, col) of a PatchGAN, from the gradient. */
function influence(d: PatchGanDiscriminator, size: number, row: number, col: number): { rows: [number, number]; cols: [number, number]; outShape: number[] } {
  const x = tf.randomNormal([1, size, size, d.config.inChannels], 0, 1, 'float32', 7) as tf.Tensor4D;
  let outShape: number[] = [];
  const grad = tf.grad((input: tf.Tensor) => {
    const out = d.apply(input as tf.Tensor4D, false); // eval-mode norm: a per-channel affine map
    outShape = out.shape;
    return tf.slice(out, [0, row, col, 0], [1, 1, 1, 1]).sum();
  })(x);
  const g = tf.tidy(() => tf.sum(tf.abs(grad), [0, 3])).arraySync() as number[][];
  tf.dispose([x, grad]);
  let r0 = Infinity;
  let r1 = -Infinity;
  let c0 = Infinity;
  let c1 = -Infinity;
  g.forEach((line, r) =>
    line.forEach((v, c) => {
      if (v > 0) {
        r0 = Math.min(r0, r);
        r1 = Math.max(r1, r);
        c0 = Math.min(c0, c);
        c1 = Math.max(c1, c);
      }
    }),
  );
  return { rows: [r0, r1], cols: [c0, c1], outShape };
}

describe('PatchGAN receptive field', () => {
  it('follows r ↦ (r − 1)·s + k backwards through the stack', () => {
    expect(receptiveField([])).toBe(1);
    expect(receptiveField([{ kernel: 3, stride: 1 }, { kernel: 3, stride: 1 }])).toBe(5);
    expect(receptiveField([{ kernel: 4, stride: 2 }, { kernel: 4, stride: 2 }, { kernel: 4, stride: 2 }, { kernel: 4, stride: 1 }, { kernel: 4, stride: 1 }])).toBe(70);
    expect(() => receptiveField([{ kernel: 0, stride: 1 }])).toThrow(/layer 0/);
    const sizes: [PatchSize, number][] = [[1, 1], [16, 16], [70, 70]];
    for (const [patch, rf] of sizes) expect(receptiveField(patchGanLayers({ patch, width: 64, imageSize: 256 }))).toBe(rf);
    // pix2pix's 286×286 "ImageGAN" for 256×256 images has the 'full' role; ours reaches past the image.
    expect(receptiveField(patchGanLayers({ patch: 'full', width: 64, imageSize: 64 }))).toBe(94);
    expect(receptiveField(patchGanLayers({ patch: 'full', width: 64, imageSize: 256 }))).toBe(382);
    expect(jump(patchGanLayers({ patch: 70, width: 64, imageSize: 256 }))).toBe(8);
  });

  it('matches the input region that actually influences one output logit (1, 16, 70)', () => {
    const cases: { patch: PatchSize; size: number; unit: number; rf: number }[] = [
      { patch: 1, size: 12, unit: 5, rf: 1 },
      { patch: 16, size: 32, unit: 7, rf: 16 },
      { patch: 70, size: 96, unit: 5, rf: 70 },
    ];
    for (const { patch, size, unit, rf } of cases) {
      const d = new PatchGanDiscriminator({ inChannels: 2, imageSize: size, patch, width: 2, seed: 3 });
      expect(d.receptiveField).toBe(rf);
      const { rows, cols } = influence(d, size, unit, unit);
      expect(rows[1] - rows[0] + 1).toBe(rf);
      expect(cols[1] - cols[0] + 1).toBe(rf);
      d.dispose();
    }
  });

  it("'full' scores the whole image with one logit that every pixel influences", () => {
    const d = new PatchGanDiscriminator({ inChannels: 1, imageSize: 32, patch: 'full', width: 2, seed: 1 });
    const { rows, cols, outShape } = influence(d, 32, 0, 0);
    expect(outShape).toEqual([1, 1, 1, 1]);
    expect(rows).toEqual([0, 31]);
    expect(cols).toEqual([0, 31]);
    d.dispose();
  });

  it('has the exact parameter count and output map of the 70×70 PatchGAN', () => {
    const d = new PatchGanDiscriminator({ inChannels: 6, imageSize: 64, patch: 70, width: 4 });
    // C4 (bias, no norm) – C8 – C16 – C32 (BN, no bias) – conv to 1 with bias.
    const expected = 4 * 4 * 6 * 4 + 4 + (4 * 4 * 4 * 8 + 16) + (4 * 4 * 8 * 16 + 32) + (4 * 4 * 16 * 32 + 64) + (4 * 4 * 32 + 1);
    expect(d.params.countTrainable()).toBe(expected);
    const x = tf.zeros([2, 64, 64, 6]) as tf.Tensor4D;
    const out = d.apply(x, true);
    expect(out.shape).toEqual([2, 6, 6, 1]);
    expect(() => d.apply(tf.zeros([1, 64, 64, 3]) as tf.Tensor4D, false)).toThrow(/6 input channels/);
    tf.dispose([x, out]);
    d.dispose();
    expect(() => new PatchGanDiscriminator({ patch: 34 as 16 })).toThrow(/1, 16, 70 or 'full'/);
  });
});

describe('U-Net generator', () => {
  it('encodes to 1×1 and decodes with skips to the input size, in [−1, 1]', () => {
    const g = new UnetGenerator({ imageSize: 32, inChannels: 6, outChannels: 3, width: 4, seed: 2 });
    expect(g.levels).toBe(5);
    // Encoder widths 4, 8, 16, 32, 32; decoder inputs 32 (innermost), then 2× the skip widths.
    const downs = 4 * 4 * 6 * 4 + 4 + (4 * 4 * 4 * 8 + 16) + (4 * 4 * 8 * 16 + 32) + (4 * 4 * 16 * 32 + 64) + (4 * 4 * 32 * 32 + 32);
    const ups = 4 * 4 * 32 * 32 + 64 + (4 * 4 * 64 * 16 + 32) + (4 * 4 * 32 * 8 + 16) + (4 * 4 * 16 * 4 + 8) + (4 * 4 * 8 * 3 + 3);
    expect(g.params.countTrainable()).toBe(downs + ups);
    const before = tf.memory().numTensors;
    const x = tf.randomUniform([2, 32, 32, 6], -1, 1, 'float32', 3) as tf.Tensor4D;
    const y = g.apply(x, true);
    expect(y.shape).toEqual([2, 32, 32, 3]);
    const v = y.dataSync();
    expect(Math.max(...v) <= 1 && Math.min(...v) >= -1).toBe(true);
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
    g.dispose();
  });

  it('passes fine detail through the outermost skip: each output pixel depends on its own input pixel', () => {
    const g = new UnetGenerator({ imageSize: 16, inChannels: 1, outChannels: 1, width: 2, dropout: false, seed: 4 });
    const x = tf.randomNormal([1, 16, 16, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const grad = tf.grad((input: tf.Tensor) => tf.slice(g.apply(input as tf.Tensor4D, false), [0, 3, 3, 0], [1, 1, 1, 1]).sum())(x);
    const gv = grad.arraySync() as number[][][][];
    expect(gv[0]![3]![3]![0]).not.toBe(0);
    // Through the 1×1 bottleneck, far pixels matter too.
    expect(gv[0]![15]![15]![0]).not.toBe(0);
    tf.dispose([x, grad]);
    g.dispose();
    expect(() => new UnetGenerator({ imageSize: 48 })).toThrow(/power of two/);
  });
});
