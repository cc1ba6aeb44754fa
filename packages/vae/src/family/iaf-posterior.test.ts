import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../test-backend.js';
import { IAFPosterior, IAF_GATE_BIAS, iafVariableShapes } from './iaf-posterior.js';
import { madeMasks, madeOrder } from './made.js';

beforeAll(async () => {
  await useTestBackend();
});

/** A tiny IAF whose gate biases are randomised too, so no step is close to the identity. */
function tinyIaf(steps: number, seed = 1): IAFPosterior {
  const iaf = new IAFPosterior({ latentSize: 4, featureSize: 6, steps, hiddenSize: 12, contextSize: 3, seed });
  const rng = new Rng(seed + 100);
  const weights = iaf.getWeights();
  const updates = Object.fromEntries(Object.entries(weights).map(([n, v]) => [n, tf.tensor(rng.fillNormal(new Float32Array(v.size), 0, 0.6), v.shape)]));
  iaf.setWeights(updates);
  tf.dispose(Object.values(updates));
  return iaf;
}

/** log |det A| of a small dense matrix by Gaussian elimination with partial pivoting. */
function logAbsDet(a: number[][]): number {
  const m = a.map((r) => r.slice());
  const n = m.length;
  let log = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const pivot = m[c]![c]!;
    log += Math.log(Math.abs(pivot));
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / pivot;
      for (let k = c; k < n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return log;
}

describe('madeMasks', () => {
  it('connects output i only to inputs before i in the ordering (exact mask pattern, D = 3, H = 4)', () => {
    const m = madeMasks([0, 1, 2], 4); // hidden degrees 1, 2, 1, 2
    expect(Array.from(m.input)).toEqual([1, 1, 1, 1, /* input 1 (degree 2) */ 0, 1, 0, 1, /* input 2 (degree 3) */ 0, 0, 0, 0]);
    expect(Array.from(m.output)).toEqual([0, 1, 1, /* degree-2 unit */ 0, 0, 1, 0, 1, 1, 0, 0, 1]);
    expect(Array.from(m.hidden)).toEqual([1, 1, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 0, 1]);
  });

  it('rejects orderings that are not permutations and bad sizes', () => {
    expect(() => madeMasks([0, 0, 1], 4)).toThrow(/permutation of 0..2/);
    expect(() => madeMasks([], 4)).toThrow(/at least one/);
    expect(() => madeMasks([0, 1], 0)).toThrow(/hidden size/);
  });
});

describe('IAFPosterior', () => {
  it('has the documented variables and parameter count', () => {
    const iaf = new IAFPosterior({ latentSize: 32, featureSize: 1024, steps: 2, hiddenSize: 64, contextSize: 32, seed: 0 });
    // context 1024·32 + 32; per step: in 32·64 + 64, context 32·64, hidden 64·64 + 64, m and s 64·32 + 32 each.
    expect(iaf.countParams()).toBe(1024 * 32 + 32 + 2 * (32 * 64 + 64 + 32 * 64 + 64 * 64 + 64 + 2 * (64 * 32 + 32)));
    expect(iaf.names).toEqual(Object.keys(iafVariableShapes(iaf.options)));
    expect(Array.from(iaf.getWeights()['iaf/step1/s/bias']!.dataSync())).toEqual(new Array(32).fill(IAF_GATE_BIAS));
    iaf.dispose();
  });

  it('is autoregressive: ∂m_i/∂z_j = ∂s_i/∂z_j = 0 for j at or after i in the ordering, reversed in odd steps', () => {
    const iaf = tinyIaf(2);
    const rng = new Rng(5);
    const z = tf.tensor2d(rng.fillNormal(new Float32Array(16 * 4)), [16, 4]);
    const h = tf.tensor2d(rng.fillNormal(new Float32Array(16 * 3)), [16, 3]);
    for (let t = 0; t < 2; t++) {
      const position = madeOrder(4, t === 1).reduce<number[]>((acc, dim, p) => ((acc[dim] = p), acc), []);
      for (const head of ['m', 's'] as const) {
        for (let i = 0; i < 4; i++) {
          const g = tf.grad((zz: tf.Tensor) => tf.sum(tf.slice(iaf.made(t, zz as tf.Tensor2D, h)[head], [0, i], [-1, 1])))(z); // [16, 4]
          const total = tf.sum(tf.abs(g), 0).arraySync() as number[]; // per input j
          for (let j = 0; j < 4; j++) {
            if (position[j]! >= position[i]!) expect(total[j], `step ${t} ${head}_${i} / z_${j}`).toBe(0);
            else expect(total[j], `step ${t} ${head}_${i} / z_${j}`).toBeGreaterThan(0);
          }
          g.dispose();
        }
      }
    }
    tf.dispose([z, h]);
    iaf.dispose();
  });

  it('has log-det equal to log|det| of the autodiff Jacobian, and inverts', () => {
    const iaf = tinyIaf(3, 2);
    const rng = new Rng(9);
    const h = tf.tensor2d(rng.fillNormal(new Float32Array(3)), [1, 3]);
    for (let trial = 0; trial < 3; trial++) {
      const z0 = tf.tensor2d(rng.fillNormal(new Float32Array(4)), [1, 4]);
      const jacobian: number[][] = [];
      for (let i = 0; i < 4; i++) {
        const row = tf.grad((zz: tf.Tensor) => tf.sum(tf.slice(iaf.forward(zz as tf.Tensor2D, h).z, [0, i], [1, 1])))(z0);
        jacobian.push(Array.from(row.dataSync()));
        row.dispose();
      }
      const { z, logDet } = iaf.forward(z0, h);
      expect(logDet.dataSync()[0]).toBeCloseTo(logAbsDet(jacobian), 4);
      expect(logDet.dataSync()[0]).toBeLessThan(0); // every σ < 1: the flow contracts
      const back = iaf.inverse(z, h);
      const err = Math.max(...Array.from(tf.tidy(() => tf.abs(tf.sub(back, z0))).dataSync()));
      expect(err).toBeLessThan(1e-4);
      tf.dispose([z0, z, logDet, back]);
    }
    h.dispose();
    iaf.dispose();
  });

  it('is a pure function of its seed and leaks no tensors', () => {
    const a = new IAFPosterior({ latentSize: 5, featureSize: 7, steps: 2, hiddenSize: 8, contextSize: 3, seed: 4 });
    const b = new IAFPosterior({ latentSize: 5, featureSize: 7, steps: 2, hiddenSize: 8, contextSize: 3, seed: 4 });
    const c = new IAFPosterior({ latentSize: 5, featureSize: 7, steps: 2, hiddenSize: 8, contextSize: 3, seed: 5 });
    const x = tf.randomNormal([3, 5], 0, 1, 'float32', 1) as tf.Tensor2D;
    const f = tf.randomNormal([3, 7], 0, 1, 'float32', 2) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const run = (iaf: IAFPosterior) =>
      tf.tidy(() => {
        const out = iaf.forward(x, iaf.context(f));
        return [...Array.from(out.z.dataSync()), ...Array.from(out.logDet.dataSync())];
      });
    expect(run(a)).toEqual(run(b));
    expect(run(a)).not.toEqual(run(c));
    expect(tf.memory().numTensors).toBe(before);
    expect(() => a.forward(tf.zeros([3, 4]) as tf.Tensor2D, tf.zeros([3, 3]) as tf.Tensor2D)).toThrow(/z of shape \[B, 5\]/);
    expect(() => a.forward(x, tf.zeros([2, 3]) as tf.Tensor2D)).toThrow(/context of shape \[3, 3\]/);
    expect(() => new IAFPosterior({ latentSize: 5, featureSize: 7, steps: 0, hiddenSize: 8, contextSize: 3, seed: 0 })).toThrow(/steps must be a positive integer/);
    tf.dispose([x, f]);
    [a, b, c].forEach((m) => m.dispose());
  });
});
