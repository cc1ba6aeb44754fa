import * as tf from '@tensorflow/tfjs-core';
import type { PixelModel } from '../pixel-model.js';
import type { PixelEvaluator } from './pixel-evaluator.js';

/**
 * The textbook sampler's evaluator: one full network pass over the whole canvas per call, i.e.
 * per sub-pixel (van den Oord et al. 2016). Works for any {@link PixelModel}; the reference the
 * cached evaluator is checked against.
 */
export class NaiveEvaluator implements PixelEvaluator {
  constructor(
    private readonly model: PixelModel,
    private readonly canvas: Uint8Array,
    private readonly batch: number,
    private readonly cond: tf.Tensor2D | tf.Tensor4D | undefined,
  ) {}

  beginRow(): void {}

  pixel(row: number, col: number): Float32Array {
    const [h, w, c] = this.model.imageShape;
    return tf.tidy(() => {
      const x = tf.tensor4d(Int32Array.from(this.canvas), [this.batch, h, w, c], 'int32'); // [B, H, W, C]
      const out = this.model.forward(x, this.cond); // [B, H, W, C, 256] or [B, H, W, P]
      const perPixel = out.size / (this.batch * h * w);
      const flat = tf.reshape(out, [this.batch, h, w, perPixel]); // [B, H, W, outC]
      return tf.slice(flat, [0, row, col, 0], [this.batch, 1, 1, perPixel]).dataSync() as Float32Array; // [B·outC]
    });
  }

  dispose(): void {}
}
