import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { beforeAll, describe, expect, it } from 'vitest';
import { MDNRNN } from './mdn-rnn.js';
import { LOG_SQRT_TWO_PI, mixtureNegLogLikelihood, splitMixture, weightedSigmoidCrossEntropy } from './mixture.js';
import { sampleMixture, sampleMixtureWithNoise } from './sample-mixture.js';
import { useTestBackend } from './test-backend.js';

beforeAll(async () => {
  await useTestBackend();
});

describe('mixture density', () => {
  it('splits rows of 3K per dimension and computes the NLL a direct log-likelihood gives', () => {
    // One position, Z = 2 dims, K = 2 components: raw row per dim = logits(2) | means(2) | logstds(2).
    const raw = tf.tensor2d([[0.3, -0.2, 1.0, -1.0, -0.5, 0.2, /* dim 1 */ 2.0, 0.0, 0.0, 3.0, 0.1, -1.0]]);
    const params = splitMixture(raw, 2, 2);
    const target = tf.tensor2d([[0.4, 2.5]]);
    const nll = mixtureNegLogLikelihood(params, target).dataSync();
    const gauss = (y: number, m: number, ls: number) => Math.exp(-0.5 * ((y - m) / Math.exp(ls)) ** 2) / (Math.exp(ls) * Math.sqrt(2 * Math.PI));
    const softmax = (a: number, b: number) => [Math.exp(a) / (Math.exp(a) + Math.exp(b)), Math.exp(b) / (Math.exp(a) + Math.exp(b))];
    const [p0, p1] = softmax(0.3, -0.2);
    const dim0 = -Math.log(p0! * gauss(0.4, 1.0, -0.5) + p1! * gauss(0.4, -1.0, 0.2));
    const [q0, q1] = softmax(2.0, 0.0);
    const dim1 = -Math.log(q0! * gauss(2.5, 0.0, 0.1) + q1! * gauss(2.5, 3.0, -1.0));
    expect(nll[0]).toBeCloseTo(dim0, 5);
    expect(nll[1]).toBeCloseTo(dim1, 5);
    expect(LOG_SQRT_TWO_PI).toBeCloseTo(Math.log(Math.sqrt(2 * Math.PI)), 12);
    tf.dispose([raw, target, params.logmix, params.mean, params.logstd]);
  });

  it('weights positive done labels ×w in the cross-entropy', () => {
    const logits = tf.tensor1d([0.5, -1.0, 2.0]);
    const labels = tf.tensor1d([1, 0, 1]);
    const ce = (x: number, y: number) => -(y * Math.log(1 / (1 + Math.exp(-x))) + (1 - y) * Math.log(1 - 1 / (1 + Math.exp(-x))));
    const expected = (10 * ce(0.5, 1) + ce(-1, 0) + 10 * ce(2, 1)) / 3;
    expect(weightedSigmoidCrossEntropy(logits, labels, 10).dataSync()[0]).toBeCloseTo(expected, 5);
    tf.dispose([logits, labels]);
  });

  it('samples the mode of the top component as temperature → 0', () => {
    // B = 1, Z = 2, K = 3; dim 0's top component is k = 2 (mean 1.5), dim 1's is k = 0 (mean −3).
    const logmix = tf.log(tf.tensor3d([[[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]]]));
    const mean = tf.tensor3d([[[-2, 0.5, 1.5], [-3, 4, 8]]]);
    const logstd = tf.tensor3d([[[0, 0, 0], [0.5, 0.5, 0.5]]]);
    const params = { logmix, mean, logstd };
    const exact = sampleMixture(params, 0, new Rng(1));
    expect(Array.from(exact.dataSync())).toEqual([1.5, -3]);
    const rng = new Rng(2);
    const distance = (t: number) => {
      let worst = 0;
      for (let i = 0; i < 200; i++) {
        const s = sampleMixture(params, t, rng);
        const [a, b] = s.dataSync();
        worst = Math.max(worst, Math.abs(a! - 1.5), Math.abs(b! + 3));
        s.dispose();
      }
      return worst;
    };
    expect(distance(1e-4)).toBeLessThan(0.1); // top component chosen every time, noise σ·√τ ≤ 0.017
    expect(distance(1)).toBeGreaterThan(2); // at τ = 1 other components are drawn
    // At τ = 1 the component frequencies follow the mixture weights.
    let top = 0;
    for (let i = 0; i < 2000; i++) {
      const s = sampleMixture({ logmix, mean, logstd: tf.fill([1, 2, 3], -9) }, 1, rng);
      if (Math.abs(s.dataSync()[0]! - 1.5) < 0.01) top++;
      s.dispose();
    }
    expect(top / 2000).toBeGreaterThan(0.45);
    expect(top / 2000).toBeLessThan(0.55);
    tf.dispose([logmix, mean, logstd, exact]);
  });

  it('draws the same z from given random numbers as from the stream that would give them', () => {
    const logmix = tf.log(tf.tensor3d([[[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]], [[0.1, 0.1, 0.8], [1 / 3, 1 / 3, 1 / 3]]])); // [2, 2, 3]
    const mean = tf.tensor3d([[[-2, 0.5, 1.5], [-3, 4, 8]], [[1, 2, 3], [4, 5, 6]]]);
    const logstd = tf.fill([2, 2, 3], -0.5) as tf.Tensor3D;
    const params = { logmix, mean, logstd };
    for (const t of [0.5, 1, 1.3]) {
      const fromStream = sampleMixture(params, t, new Rng(7));
      const numbers = new Rng(7);
      const uniform: number[] = [];
      const normal: number[] = [];
      for (let row = 0; row < 4; row++) {
        uniform.push(numbers.random());
        normal.push(numbers.normal());
      }
      const given = sampleMixtureWithNoise(params, t, { uniform, normal });
      expect(Array.from(given.dataSync())).toEqual(Array.from(fromStream.dataSync()));
      tf.dispose([fromStream, given]);
    }
    // Inverse CDF at τ = 1 with ε = 0: row 0's weights 0.2 | 0.3 | 0.5 → u 0.1 → k 0, u 0.45 → k 1, u 0.51 → k 2.
    for (const [u, want] of [[0.1, -2], [0.45, 0.5], [0.51, 1.5], [0.999, 1.5]] as const) {
      const z = sampleMixtureWithNoise(params, 1, { uniform: [u, 0, 0, 0], normal: [0, 0, 0, 0] });
      expect(z.dataSync()[0]).toBeCloseTo(want, 6);
      z.dispose();
    }
    expect(() => sampleMixtureWithNoise(params, 1, { uniform: [0.5], normal: [0, 0, 0, 0] })).toThrow(/needs 4 uniforms and normals \(B 2 × z 2\), got 1 and 4/);
    const nan = tf.fill([2, 2, 3], NaN) as tf.Tensor3D;
    expect(() => sampleMixture({ logmix: nan, mean, logstd }, 1, new Rng(1))).toThrow(/mixture weights of row 0 are not finite/);
    tf.dispose([logmix, mean, logstd, nan]);
  });
});

describe('MDNRNN loss gradients', () => {
  it('match central finite differences for every variable (tiny shapes, all heads)', () => {
    const m = new MDNRNN({ zSize: 2, actionSize: 1, hiddenSize: 3, mixtures: 2, doneHead: true, rewardHead: true, restartInput: true, seed: 4 });
    const rng = new Rng(5);
    const B = 2;
    const T = 3;
    const batch = {
      z: tf.tensor3d(rng.fillNormal(new Float32Array(B * T * 2)), [B, T, 2]),
      actions: tf.tensor3d(rng.fillUniform(new Float32Array(B * T), -1, 1), [B, T, 1]),
      restart: tf.tensor2d([[0, 1, 0], [0, 0, 0]]),
      targetZ: tf.tensor3d(rng.fillNormal(new Float32Array(B * T * 2)), [B, T, 2]),
      targetDone: tf.tensor2d([[0, 0, 1], [0, 1, 0]]),
      targetReward: tf.tensor2d([[0.5, -0.1, 1], [0, 2, -1]]),
    };
    const lossValue = () => {
      const t = m.loss(batch);
      const v = t.loss.dataSync()[0]!;
      tf.dispose(Object.values(t));
      return v;
    };
    const { value, grads } = tf.variableGrads(() => m.loss(batch).loss, m.trainableVariables);
    value.dispose();
    for (const [name, v] of Object.entries(m.getWeights())) {
      const analytic = grads[v.name]!.dataSync();
      const original = v.dataSync().slice();
      for (let i = 0; i < original.length; i += Math.max(1, Math.floor(original.length / 7))) {
        const at = (d: number) => {
          const next = original.slice();
          next[i]! += d;
          v.assign(tf.tensor(next, v.shape));
          return lossValue();
        };
        const h = 1e-2;
        const numeric = (at(h) - at(-h)) / (2 * h);
        v.assign(tf.tensor(original, v.shape));
        expect(Math.abs(numeric - analytic[i]!), `${name}[${i}] analytic ${analytic[i]} numeric ${numeric}`).toBeLessThan(2e-3 + 2e-2 * Math.abs(analytic[i]!));
      }
    }
    tf.dispose([...Object.values(batch), ...Object.values(grads)]);
    m.dispose();
  });
});
