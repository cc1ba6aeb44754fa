import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { minibatchFeatures } from '../nn/minibatch-discrimination.js';
import { useTestBackend } from '../test-support/backend.js';
import { bceWithLogits, discriminatorLoss, generatorLoss, l1Loss, lsganDiscriminatorLoss, lsganGeneratorLoss } from './adversarial.js';
import { featureMatchingLoss } from './feature-matching.js';
import { HistoricalAverage } from './historical-average.js';
import { codeEntropy, mutualInformationTerms } from './mutual-information.js';
import { realProbability, semiSupervisedDiscriminatorLoss } from './semi-supervised.js';

beforeAll(useTestBackend);

const softplus = (x: number): number => Math.log1p(Math.exp(x));
const value = (t: tf.Tensor): number => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

describe('adversarial losses (hand-computed)', () => {
  it('binary cross-entropy on logits and the minimax discriminator loss', () => {
    const zero = tf.tensor1d([0]);
    expect(value(bceWithLogits(zero, 1))).toBeCloseTo(Math.log(2), 6);
    const real = tf.tensor1d([0, 2]);
    const fake = tf.tensor1d([-1]);
    // −mean log σ(real) − mean log(1 − σ(fake)) = mean(softplus(0), softplus(−2)) + softplus(−1).
    expect(value(discriminatorLoss(real, fake))).toBeCloseTo((softplus(0) + softplus(-2)) / 2 + softplus(-1), 6);
    // One-sided label smoothing: real targets 0.9, fakes still 0.
    const smoothReal = (l: number) => 0.9 * softplus(-l) + 0.1 * softplus(l);
    expect(value(discriminatorLoss(real, fake, { realTarget: 0.9 }))).toBeCloseTo((smoothReal(0) + smoothReal(2)) / 2 + softplus(-1), 6);
    expect(() => discriminatorLoss(real, fake, { realTarget: 1.5 })).toThrow(/one-sided label smoothing/);
    tf.dispose([zero, real, fake]);
  });

  it('non-saturating generator loss −E log D(G(z))', () => {
    const fake = tf.tensor1d([-1, 1]);
    expect(value(generatorLoss(fake))).toBeCloseTo((softplus(1) + softplus(-1)) / 2, 6);
    fake.dispose();
  });

  it('least-squares GAN losses and L1', () => {
    const real = tf.tensor1d([1, 0.5]);
    const fake = tf.tensor1d([0.5, 0]);
    expect(value(lsganDiscriminatorLoss(real, fake))).toBeCloseTo(0.5 * ((0 + 0.25) / 2 + (0.25 + 0) / 2), 6);
    expect(value(lsganGeneratorLoss(fake))).toBeCloseTo((0.25 + 1) / 2, 6);
    const a = tf.tensor1d([1, 2]);
    const b = tf.tensor1d([0, 4]);
    expect(value(l1Loss(a, b))).toBeCloseTo(1.5, 6);
    tf.dispose([real, fake, a, b]);
  });
});

describe('improved-GAN techniques (hand-computed)', () => {
  it('feature matching is the squared distance of the batch means', () => {
    const real = tf.tensor2d([[1, 2], [3, 4]]);
    const fake = tf.tensor2d([[0, 0], [2, 2]]);
    // means [2, 3] and [1, 1]: 1² + 2².
    expect(value(featureMatchingLoss(real, fake))).toBeCloseTo(5, 6);
    tf.dispose([real, fake]);
  });

  it('minibatch discrimination sums exp(−L1) closeness over the batch', () => {
    const f = tf.tensor2d([[1], [2]]);
    const t = tf.tensor2d([[1, 0.5]]); // A = 1, B = 1 kernel, C = 2
    // M_1 = [1, 0.5], M_2 = [2, 1]: L1 distance 1.5, so o = exp(0) + exp(−1.5) for both.
    const o = minibatchFeatures(f, t, 1, 2);
    const expected = 1 + Math.exp(-1.5);
    const v = o.arraySync();
    expect(v[0]![0]).toBe(1);
    expect(v[1]![0]).toBe(2);
    expect(v[0]![1]).toBeCloseTo(expected, 5);
    expect(v[1]![1]).toBeCloseTo(expected, 5);
    tf.dispose([f, t, o]);
  });

  it('minibatch discrimination has the gradient finite differences give', () => {
    const f = tf.tensor2d([[0.3, -0.2], [0.1, 0.5], [-0.4, 0.2]]);
    const t = tf.tensor2d([[0.7, -0.3, 0.2, 0.9], [0.4, 0.8, -0.6, 0.1]]); // A = 2, B = 2, C = 2
    const loss = (tt: tf.Tensor) => tf.sum(tf.mul(minibatchFeatures(f, tt as tf.Tensor2D, 2, 2), tf.tensor2d([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])));
    const grad = tf.grad(loss)(t);
    const g = grad.dataSync();
    const base = t.dataSync();
    const h = 1e-2;
    for (let i = 0; i < base.length; i++) {
      const plus = Float32Array.from(base);
      const minus = Float32Array.from(base);
      plus[i]! += h;
      minus[i]! -= h;
      const tp = tf.tensor2d(plus, [2, 4]);
      const tm = tf.tensor2d(minus, [2, 4]);
      const fd = (value(tf.tidy(() => loss(tp))) - value(tf.tidy(() => loss(tm)))) / (2 * h);
      expect(g[i]!).toBeCloseTo(fd, 2);
      tf.dispose([tp, tm]);
    }
    tf.dispose([f, t, grad]);
  });

  it('historical averaging penalises distance to the running mean of past parameters', () => {
    const theta = tf.variable(tf.scalar(1));
    const ha = new HistoricalAverage([theta]);
    expect(value(ha.penalty())).toBe(0);
    ha.record(); // mean 1
    theta.assign(tf.scalar(3));
    expect(value(ha.penalty())).toBeCloseTo(4, 6);
    ha.record(); // mean (1 + 3) / 2 = 2
    theta.assign(tf.scalar(5));
    expect(value(ha.penalty())).toBeCloseTo(9, 6);
    expect(ha.count).toBe(2);
    ha.dispose();
    theta.dispose();
  });
});

describe('semi-supervised K+1 discriminator (hand-computed)', () => {
  it('cross-entropy on labels plus the real/fake terms with the fake logit fixed at 0', () => {
    const labelled = tf.tensor2d([[1, 0]]);
    const labels = tf.tensor1d([0]);
    const unlabelled = tf.tensor2d([[0, 0]]);
    const fake = tf.tensor2d([[0, 0]]);
    const { supervised, unsupervised, total } = semiSupervisedDiscriminatorLoss(labelled, labels, unlabelled, fake);
    // −log(e / (e + 1)); Z = 2 for both: D = 2/3, so −log(2/3) − log(1/3).
    const sup = softplus(-1);
    const unsup = -Math.log(2 / 3) - Math.log(1 / 3);
    expect(value(supervised)).toBeCloseTo(sup, 5);
    expect(value(unsupervised)).toBeCloseTo(unsup, 5);
    expect(value(total)).toBeCloseTo(sup + unsup, 5);
    const p = realProbability(unlabelled);
    expect(value(p)).toBeCloseTo(2 / 3, 6);
    tf.dispose([labelled, labels, unlabelled, fake]);
  });
});

describe('InfoGAN mutual-information term', () => {
  const spec = { categorical: [3], continuous: 1 };

  it('is H(c) − E[−log Q(c|x)]: zero for an uninformative Q, H(c) for a perfect categorical Q', () => {
    expect(codeEntropy(spec)).toBeCloseTo(Math.log(3) + Math.log(2), 10);
    const codes = tf.tensor2d([[0], [2]]);
    const cont = tf.tensor2d([[0.5], [-0.25]]);
    // Uninformative Q: uniform logits and μ = c exactly, so the continuous NLL is ½ log 2π.
    const flat = tf.tensor2d([[0, 0, 0, 0.5], [0, 0, 0, -0.25]]);
    const t = mutualInformationTerms(flat, codes, cont, spec);
    expect(value(t.categoricalNll)).toBeCloseTo(Math.log(3), 5);
    expect(value(t.continuousNll)).toBeCloseTo(0.5 * Math.log(2 * Math.PI), 5);
    expect(value(t.lowerBound)).toBeCloseTo(Math.log(2) - 0.5 * Math.log(2 * Math.PI), 5);
    // A Q that is sure of the right class recovers the categorical entropy log 3.
    const catOnly = { categorical: [3], continuous: 0 };
    const sure = tf.tensor2d([[30, 0, 0], [0, 0, 30]]);
    const s = mutualInformationTerms(sure, codes, null, catOnly);
    expect(value(s.lowerBound)).toBeCloseTo(Math.log(3), 5);
    value(s.categoricalNll);
    value(s.continuousNll);
    // Continuous error of 1 adds ½ to the NLL.
    const off = tf.tensor2d([[0, 0, 0, 1.5], [0, 0, 0, 0.75]]);
    const u = mutualInformationTerms(off, codes, cont, spec);
    expect(value(u.continuousNll)).toBeCloseTo(0.5 * Math.log(2 * Math.PI) + 0.5, 5);
    value(u.lowerBound);
    value(u.categoricalNll);
    expect(() => mutualInformationTerms(sure, codes, cont, spec)).toThrow(/width 3/);
    tf.dispose([codes, cont, flat, sure, off]);
  });
});
