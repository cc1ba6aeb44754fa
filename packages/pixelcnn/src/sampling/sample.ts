import type * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { GatedPixelCNN } from '../gated-pixelcnn.js';
import { checkCondition } from '../image-input.js';
import { LEVELS, sampleCategorical } from '../output/categorical.js';
import { sampleLogisticMixturePixel } from '../output/logistic-mixture.js';
import type { PixelModel } from '../pixel-model.js';
import { CachedGatedEvaluator } from './cached-evaluator.js';
import { NaiveEvaluator } from './naive-evaluator.js';
import type { PixelEvaluator } from './pixel-evaluator.js';

export type SampleMethod = 'cached' | 'naive';

export interface SampleOptions {
  /** Images to draw (default: the conditioning batch, the known images' batch, or 1). */
  count?: number;
  /** Conditioning vectors [B, D] for a conditional model, or maps [B, H, W, D] (location-dependent). */
  cond?: tf.Tensor2D | tf.Tensor4D;
  /** Softmax temperature (and logistic scale factor); 0 = greedy arg-max decoding. Default 1. */
  temperature?: number;
  /** Random stream (default `new Rng(0)`): the same stream gives the same images. */
  rng?: Rng;
  /** 'cached' (default for the Gated PixelCNN): incremental per-layer state; 'naive': one full pass per step. */
  method?: SampleMethod;
  /** Sub-pixels to keep instead of drawing: `values` and `mask` (1 = given) are [B, H, W, C] bytes. */
  known?: { values: Uint8Array; mask: Uint8Array };
  /** Called after each row (e.g. for a progress bar). */
  onRow?: (row: number, rows: number) => void;
}

/**
 * Draws images from an autoregressive model in raster order, R → G → B inside each pixel,
 * p(x_i | x_<i, h) with temperature; returns [B, H, W, C] bytes. Given sub-pixels (`known`) are
 * kept and conditioned on by everything after them, which is how completion/inpainting works.
 * The uniform numbers are drawn from `rng` in a fixed order whatever the method, so the cached
 * and the naive sampler give the same images for the same stream.
 */
export function sample(model: PixelModel, options: SampleOptions = {}): Uint8Array {
  const [h, w, c] = model.imageShape;
  const perImage = h * w * c;
  const temperature = options.temperature ?? 1;
  if (!(temperature >= 0) || !Number.isFinite(temperature)) throw new Error(`sampling temperature must be a finite number >= 0, got ${temperature}`);
  const count = options.count ?? options.cond?.shape[0] ?? (options.known ? options.known.values.length / perImage : 1);
  if (!Number.isInteger(count) || count < 1) throw new Error(`sample count must be a positive integer, got ${count}`);
  const cond = checkCondition(options.cond, count, model.conditionSize, 'sample', model.imageShape);
  const known = options.known;
  if (known && (known.values.length !== count * perImage || known.mask.length !== count * perImage)) {
    throw new Error(`known values and mask must each hold ${count}×${h}×${w}×${c} = ${count * perImage} bytes, got ${known.values.length} and ${known.mask.length}`);
  }
  const method = options.method ?? (model instanceof GatedPixelCNN ? 'cached' : 'naive');
  if (method === 'cached' && !(model instanceof GatedPixelCNN)) throw new Error(`cached sampling needs a GatedPixelCNN; use method 'naive' for other models`);
  const rng = options.rng ?? new Rng(0);
  const canvas = new Uint8Array(count * perImage);
  if (known) for (let i = 0; i < canvas.length; i++) if (known.mask[i]) canvas[i] = known.values[i]!;
  const run = () => drawAll(model, canvas, count, cond, method, temperature, rng, options);
  return model.withFrozenMasks ? model.withFrozenMasks(run) : run();
}

function drawAll(model: PixelModel, canvas: Uint8Array, count: number, cond: tf.Tensor2D | tf.Tensor4D | undefined, method: SampleMethod, temperature: number, rng: Rng, options: SampleOptions): Uint8Array {
  const [h, w, c] = model.imageShape;
  const perImage = h * w * c;
  const known = options.known;
  const evaluator: PixelEvaluator = method === 'cached' ? new CachedGatedEvaluator(model as GatedPixelCNN, canvas, count, cond) : new NaiveEvaluator(model, canvas, count, cond);
  const spec = model.outputSpec;
  try {
    for (let i = 0; i < h; i++) {
      evaluator.beginRow(i);
      for (let j = 0; j < w; j++) {
        const base = (i * w + j) * c;
        if (spec.kind === 'softmax') {
          for (let ch = 0; ch < c; ch++) {
            const out = evaluator.pixel(i, j);
            const stride = out.length / count;
            for (let b = 0; b < count; b++) {
              const u = rng.random();
              const at = b * perImage + base + ch;
              if (known?.mask[at]) continue;
              canvas[at] = sampleCategorical(out, b * stride + ch * LEVELS, LEVELS, temperature, u);
            }
          }
        } else {
          const out = evaluator.pixel(i, j);
          const stride = out.length / count;
          const uniforms = new Float64Array(1 + c);
          const given = new Int16Array(c);
          for (let b = 0; b < count; b++) {
            for (let k = 0; k <= c; k++) uniforms[k] = rng.random();
            const at = b * perImage + base;
            for (let ch = 0; ch < c; ch++) given[ch] = known?.mask[at + ch] ? canvas[at + ch]! : -1;
            const values = sampleLogisticMixturePixel(out, b * stride, c, spec.components, temperature, uniforms, given);
            for (let ch = 0; ch < c; ch++) canvas[at + ch] = values[ch]!;
          }
        }
      }
      options.onRow?.(i + 1, h);
    }
  } finally {
    evaluator.dispose();
  }
  return canvas;
}

/**
 * Completes partly given images: every sub-pixel with `mask` 1 keeps its value in `values`, the
 * others are drawn from the model in raster order conditioned on everything before them (given
 * or drawn). A given sub-pixel after a missing one cannot inform it (the model only looks back).
 */
export function complete(model: PixelModel, values: Uint8Array, mask: Uint8Array, options: Omit<SampleOptions, 'known' | 'count'> = {}): Uint8Array {
  return sample(model, { ...options, known: { values, mask } });
}
