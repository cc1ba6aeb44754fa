import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConvVAE } from './conv-vae.js';
import { vaeLossTerms } from './loss.js';
import { isSlowBackend, useTestBackend } from './test-backend.js';

beforeAll(async () => {
  await useTestBackend();
});

/** Tiny fixed tensors: x, y [2, 2, 2, 3], mu, logvar [2, 3]. */
function tinyInputs() {
  const rng = new Rng(1);
  const x = tf.tensor4d(Array.from({ length: 24 }, () => rng.random()), [2, 2, 2, 3]);
  const y = tf.tensor4d(Array.from({ length: 24 }, () => rng.uniform(0.1, 0.9)), [2, 2, 2, 3]);
  const mu = tf.tensor2d(Array.from({ length: 6 }, () => rng.normal(0, 2)), [2, 3]);
  const logvar = tf.tensor2d(Array.from({ length: 6 }, () => rng.normal(0, 1)), [2, 3]);
  return { x, y, mu, logvar };
}

describe('vaeLossTerms', () => {
  it('equals the reference objective computed by hand', () => {
    const { x, y, mu, logvar } = tinyInputs();
    const t = vaeLossTerms(x, y, mu, logvar, { klTolerance: 0.5, beta: 2 });
    const xs = x.arraySync().flat(3) as number[];
    const ys = y.arraySync().flat(3) as number[];
    const ms = mu.arraySync();
    const ls = logvar.arraySync();
    let r = 0;
    for (let i = 0; i < 24; i++) r += (xs[i]! - ys[i]!) ** 2;
    r /= 2;
    let kl = 0;
    let raw = 0;
    for (let b = 0; b < 2; b++) {
      let k = 0;
      for (let j = 0; j < 3; j++) k += -0.5 * (1 + ls[b]![j]! - ms[b]![j]! ** 2 - Math.exp(ls[b]![j]!));
      raw += k / 2;
      kl += Math.max(k, 0.5 * 3) / 2;
    }
    expect(t.reconstruction.dataSync()[0]).toBeCloseTo(r, 4);
    expect(t.rawKl.dataSync()[0]).toBeCloseTo(raw, 4);
    expect(t.kl.dataSync()[0]).toBeCloseTo(kl, 4);
    expect(t.loss.dataSync()[0]).toBeCloseTo(r + 2 * kl, 3);
    tf.dispose([x, y, mu, logvar, ...Object.values(t)]);
  });

  it('floors the KL at klTolerance·z per image, with no gradient below the floor', () => {
    const x = tf.zeros([3, 1, 1, 1]) as tf.Tensor4D;
    const mu = tf.tensor2d([[0, 0, 0, 0], [0.1, 0, 0, 0], [4, 4, 0, 0]]); // KL 0, 0.005, 16
    const logvar = tf.zeros([3, 4]) as tf.Tensor2D;
    const terms = vaeLossTerms(x, x, mu, logvar, { klTolerance: 0.5, beta: 1 });
    // Image 1 and 2 sit below the floor 0.5·4 = 2 and count as 2; image 3 counts as 16.
    expect(terms.kl.dataSync()[0]).toBeCloseTo((2 + 2 + 16) / 3, 5);
    const g = tf.grad((m: tf.Tensor) => vaeLossTerms(x, x, m as tf.Tensor2D, logvar, { klTolerance: 0.5, beta: 1 }).loss)(mu);
    const grad = g.arraySync() as number[][];
    expect(grad[0]).toEqual([0, 0, 0, 0]);
    expect(grad[1]).toEqual([0, 0, 0, 0]);
    expect(grad[2]![0]).toBeCloseTo(4 / 3, 5); // d/dmu (½ mu²)/B
    // With no tolerance the small KLs count.
    const none = vaeLossTerms(x, x, mu, logvar, { klTolerance: 0, beta: 1 });
    expect(none.kl.dataSync()[0]).toBeCloseTo((0 + 0.005 + 16) / 3, 5);
    tf.dispose([x, mu, logvar, g, ...Object.values(terms), ...Object.values(none)]);
  });

  it('has gradients that match central finite differences (tiny shapes)', () => {
    const { x, y, mu, logvar } = tinyInputs();
    const opts = { klTolerance: 0.1, beta: 0.7 };
    const f = (yy: tf.Tensor, m: tf.Tensor, l: tf.Tensor) => vaeLossTerms(x, yy as tf.Tensor4D, m as tf.Tensor2D, l as tf.Tensor2D, opts).loss;
    const grads = tf.grads(f)([y, mu, logvar]);
    const inputs = [y, mu, logvar];
    const h = 1e-2;
    inputs.forEach((input, k) => {
      const base = Array.from(input.dataSync());
      const analytic = grads[k]!.dataSync();
      for (let i = 0; i < base.length; i += 2) {
        const at = (d: number) => {
          const v = base.slice();
          v[i]! += d;
          const args = inputs.map((t, j) => (j === k ? tf.tensor(v, t.shape) : t));
          const out = f(args[0]!, args[1]!, args[2]!);
          const value = out.dataSync()[0]!;
          tf.dispose([out, args[k]!]);
          return value;
        };
        const numeric = (at(h) - at(-h)) / (2 * h);
        expect(Math.abs(numeric - analytic[i]!)).toBeLessThan(2e-3 + 2e-3 * Math.abs(numeric));
      }
    });
    tf.dispose([x, y, mu, logvar, ...grads]);
  });
});

describe('ConvVAE loss gradients', () => {
  it('match finite differences through the convolutions and deconvolutions', () => {
    // Reduced width on slow backends; the same layer structure as the reference.
    const vae = new ConvVAE({ zSize: 4, width: isSlowBackend() ? 0.125 : 0.5, seed: 2 });
    const x = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 3);
    const weights = vae.getWeights();
    const lossAt = () => {
      const t = vae.loss(x, new Rng(7)); // the same ε every evaluation
      const v = t.loss.dataSync()[0]!;
      tf.dispose(Object.values(t));
      return v;
    };
    const { grads, value } = tf.variableGrads(() => vae.loss(x, new Rng(7)).loss, vae.trainableVariables);
    value.dispose();
    const probes: [string, number][] = [
      ['enc_conv1/kernel', 5], ['enc_conv3/bias', 1], ['enc_fc_mu/kernel', 17], ['enc_fc_log_var/bias', 2],
      ['dec_fc/kernel', 9], ['dec_deconv2/kernel', 40], ['dec_deconv4/bias', 0], ['dec_deconv4/kernel', 11],
    ];
    for (const [name, index] of probes) {
      const v = weights[name]!;
      const analytic = grads[v.name]!.dataSync()[index]!;
      const original = v.dataSync().slice();
      const set = (delta: number) => {
        const next = original.slice();
        next[index]! += delta;
        v.assign(tf.tensor(next, v.shape));
      };
      const h = 1e-2;
      set(h);
      const up = lossAt();
      set(-h);
      const down = lossAt();
      v.assign(tf.tensor(original, v.shape));
      const numeric = (up - down) / (2 * h);
      // float32 loss of ~10³: finite differences are good to ~0.05 absolute.
      expect(Math.abs(numeric - analytic), `${name}[${index}] analytic ${analytic} numeric ${numeric}`).toBeLessThan(0.05 + 0.02 * Math.abs(analytic));
    }
    tf.dispose([x, ...Object.values(grads)]);
    vae.dispose();
  });
});
