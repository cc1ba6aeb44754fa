import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { beforeAll, describe, expect, it } from 'vitest';
import { register } from '../register.js';
import { expectSame, randomValues, withGradients } from '../test-util/compare.js';
import { NATIVE } from '../test-util/setup.js';

type Pad = 'same' | 'valid';

/** Uniform integer in [lo, hi], both ends included. */
const int = (rng: Rng, lo: number, hi: number) => rng.integer(lo, hi + 1);

/** A random convolution problem: odd sizes, batch 1–3, strides 1–2, 'same'/'valid'. */
function problem(rng: Rng) {
  const batch = int(rng, 1, 3);
  const h = int(rng, 1, 11);
  const w = int(rng, 1, 11);
  const cin = int(rng, 1, 5);
  const cout = int(rng, 1, 6);
  const kh = int(rng, 1, Math.min(h, 4));
  const kw = int(rng, 1, Math.min(w, 4));
  const stride = int(rng, 1, 2);
  const pad: Pad = rng.random() < 0.5 ? 'same' : 'valid';
  return { batch, h, w, cin, cout, kh, kw, stride, pad };
}

describe.skipIf(!NATIVE)('native convolutions vs cpu', () => {
  beforeAll(async () => {
    await register();
  });
  const rng = new Rng(23);

  it('Conv2D (+ Conv2DBackpropInput/Filter through its gradient) on random shapes', () => {
    for (let trial = 0; trial < 30; trial++) {
      const p = problem(rng);
      const xShape = [p.batch, p.h, p.w, p.cin];
      const fShape = [p.kh, p.kw, p.cin, p.cout];
      expectSame(
        `conv2d ${JSON.stringify(p)}`,
        [{ values: randomValues(rng, xShape), shape: xShape }, { values: randomValues(rng, fShape), shape: fShape }],
        withGradients((x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, p.stride, p.pad), trial),
      );
    }
  });

  it('dilated Conv2D forward (tfjs has no dilated conv gradient) and explicit padding', () => {
    for (let trial = 0; trial < 12; trial++) {
      const dilation = int(rng, 1, 3);
      const batch = int(rng, 1, 2);
      const h = int(rng, 5, 13);
      const w = int(rng, 5, 13);
      const cin = int(rng, 1, 4);
      const cout = int(rng, 1, 5);
      const k = int(rng, 1, 3);
      const xShape = [batch, h, w, cin];
      const fShape = [k, k, cin, cout];
      const pad: Pad | [[number, number], [number, number], [number, number], [number, number]] =
        trial % 3 === 2 ? [[0, 0], [1, 2], [2, 0], [0, 0]] : trial % 2 ? 'same' : 'valid';
      expectSame(
        `dilated conv2d d=${dilation} ${xShape} ${fShape} ${JSON.stringify(pad)}`,
        [{ values: randomValues(rng, xShape), shape: xShape }, { values: randomValues(rng, fShape), shape: fShape }],
        (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, pad, 'NHWC', dilation),
      );
    }
  });

  it('FusedConv2D with bias and activations, forward and gradients', () => {
    const acts = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu'] as const;
    for (let trial = 0; trial < 12; trial++) {
      const p = problem(rng);
      const activation = acts[trial % acts.length]!;
      const xShape = [p.batch, p.h, p.w, p.cin];
      const fShape = [p.kh, p.kw, p.cin, p.cout];
      expectSame(
        `fused conv2d ${activation} ${JSON.stringify(p)}`,
        [
          { values: randomValues(rng, xShape), shape: xShape },
          { values: randomValues(rng, fShape), shape: fShape },
          { values: randomValues(rng, [p.cout]), shape: [p.cout] },
        ],
        withGradients(
          (x, f, b) =>
            tf.fused.conv2d({
              x: x as tf.Tensor4D, filter: f as tf.Tensor4D, strides: p.stride, pad: p.pad, bias: b, activation, leakyreluAlpha: 0.3,
            }),
          trial,
        ),
      );
    }
  });

  it('conv2dTranspose (Conv2DBackpropInput forward; Conv2D and BackpropFilter in its gradient)', () => {
    for (let trial = 0; trial < 20; trial++) {
      const p = problem(rng);
      // The transposed conv maps [B, oh, ow, cout] back to [B, h, w, cin].
      const info = tf.backend_util.computeConv2DInfo([p.batch, p.h, p.w, p.cin], [p.kh, p.kw, p.cin, p.cout], p.stride, 1, p.pad);
      const yShape = [p.batch, info.outHeight, info.outWidth, p.cout];
      const fShape = [p.kh, p.kw, p.cin, p.cout];
      expectSame(
        `conv2dTranspose ${JSON.stringify(p)}`,
        [{ values: randomValues(rng, yShape), shape: yShape }, { values: randomValues(rng, fShape), shape: fShape }],
        withGradients(
          (y, f) => tf.conv2dTranspose(y as tf.Tensor4D, f as tf.Tensor4D, [p.batch, p.h, p.w, p.cin], p.stride, p.pad),
          trial,
        ),
      );
    }
  });

  it('convolutions that are matrix products (1×1 output or 1×1 filter), forward and gradients', () => {
    for (let trial = 0; trial < 8; trial++) {
      const batch = int(rng, 1, 3);
      const cin = int(rng, 1, 6);
      const cout = int(rng, 1, 7);
      const whole = trial % 2 === 0; // filter covers the input (1×1 output) or 1×1 filter, stride 1
      const h = int(rng, 1, 5);
      const w = int(rng, 1, 5);
      const xShape = [batch, h, w, cin];
      const fShape = whole ? [h, w, cin, cout] : [1, 1, cin, cout];
      const stride = whole ? int(rng, 1, 2) : 1;
      expectSame(
        `gemm conv ${xShape} ${fShape}`,
        [{ values: randomValues(rng, xShape), shape: xShape }, { values: randomValues(rng, fShape), shape: fShape }],
        withGradients((x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, stride, 'valid'), trial),
      );
      // The transposed conv from a 1×1 code, as in the ConvVAE decoder's first layer.
      const k = int(rng, 1, 5);
      const tShape = [k, k, cout, cin];
      expectSame(
        `conv2dTranspose from 1×1, k=${k}`,
        [{ values: randomValues(rng, [batch, 1, 1, cin]), shape: [batch, 1, 1, cin] }, { values: randomValues(rng, tShape), shape: tShape }],
        withGradients((y, f) => tf.conv2dTranspose(y as tf.Tensor4D, f as tf.Tensor4D, [batch, k, k, cout], 2, 'valid'), trial),
      );
    }
  });

  it('matches on the reference ConvVAE layer shapes and leaks nothing', () => {
    tf.setBackend('native');
    const before = tf.memory().numTensors;
    expectSame(
      'VAE conv 2',
      [{ values: randomValues(rng, [1, 31, 31, 32]), shape: [1, 31, 31, 32] }, { values: randomValues(rng, [4, 4, 32, 64]), shape: [4, 4, 32, 64] }],
      withGradients((x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, 'valid'), 5),
    );
    expectSame(
      'VAE deconv 3',
      [{ values: randomValues(rng, [1, 13, 13, 64]), shape: [1, 13, 13, 64] }, { values: randomValues(rng, [6, 6, 32, 64]), shape: [6, 6, 32, 64] }],
      withGradients((y, f) => tf.conv2dTranspose(y as tf.Tensor4D, f as tf.Tensor4D, [1, 30, 30, 32], 2, 'valid'), 6),
    );
    tf.setBackend('native');
    expect(tf.memory().numTensors).toBe(before);
  });
});
