import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../random/index.js';
import { lstmSequence } from './lstm-sequence.js';

type Inputs = { x: tf.Tensor3D; kernel: tf.Tensor2D; bias: tf.Tensor1D; h0: tf.Tensor2D; c0: tf.Tensor2D; keep?: tf.Tensor2D };

function randomTensor(rng: Rng, shape: number[], scale = 1): tf.Tensor {
  const v = new Float32Array(shape.reduce((a, b) => a * b, 1));
  rng.fillNormal(v);
  for (let k = 0; k < v.length; k++) v[k]! *= scale;
  return tf.tensor(v, shape);
}

function makeInputs(seed: number, B: number, T: number, I: number, H: number, withKeep = false): Inputs {
  const rng = new Rng(seed);
  const inputs: Inputs = {
    x: randomTensor(rng, [B, T, I]) as tf.Tensor3D,
    kernel: randomTensor(rng, [I + H, 4 * H], 0.4) as tf.Tensor2D,
    bias: randomTensor(rng, [4 * H], 0.3) as tf.Tensor1D,
    h0: randomTensor(rng, [B, H], 0.5) as tf.Tensor2D,
    c0: randomTensor(rng, [B, H], 0.5) as tf.Tensor2D,
  };
  if (withKeep) {
    const k = new Float32Array(B * T).map((_, n) => (n % 3 === 0 ? 0 : 1));
    inputs.keep = tf.tensor2d(k, [B, T]);
  }
  return inputs;
}

/** An independent per-step reference: the MDN-RNN cell written out (packages/mdn-rnn/src/lstm-cell.ts). */
function reference(p: Inputs, forgetBias: number): { hs: tf.Tensor; h: tf.Tensor; c: tf.Tensor } {
  const [B, T, I] = p.x.shape;
  const H = p.h0.shape[1];
  let h: tf.Tensor = p.h0;
  let c: tf.Tensor = p.c0;
  const hs: tf.Tensor[] = [];
  for (let t = 0; t < T; t++) {
    if (p.keep) {
      const k = tf.slice(p.keep, [0, t], [B, 1]);
      h = tf.mul(h, k);
      c = tf.mul(c, k);
    }
    const xt = tf.reshape(tf.slice(p.x, [0, t, 0], [B, 1, I]), [B, I]);
    const g = tf.add(tf.matMul(tf.concat([xt, h], 1), p.kernel), p.bias); // [B, 4H]
    const gate = (n: number) => tf.slice(g, [0, n * H], [B, H]);
    c = tf.add(tf.mul(c, tf.sigmoid(tf.add(gate(2), forgetBias))), tf.mul(tf.sigmoid(gate(0)), tf.tanh(gate(1))));
    h = tf.mul(tf.tanh(c), tf.sigmoid(gate(3)));
    hs.push(h);
  }
  return { hs: tf.stack(hs, 1), h, c };
}

/** A scalar loss touching every output with fixed random weights. */
function lossOf(out: { hs: tf.Tensor; h: tf.Tensor; c: tf.Tensor }, w: { hs: tf.Tensor; h: tf.Tensor; c: tf.Tensor }): tf.Scalar {
  return tf.add(tf.add(tf.sum(tf.mul(out.hs, w.hs)), tf.sum(tf.mul(out.h, w.h))), tf.sum(tf.mul(tf.square(out.c), w.c))) as tf.Scalar;
}

function maxRelErr(a: tf.Tensor, b: tf.Tensor): number {
  const av = a.dataSync();
  const bv = b.dataSync();
  expect(a.shape).toEqual(b.shape);
  let scale = 0;
  let err = 0;
  for (let k = 0; k < av.length; k++) {
    scale = Math.max(scale, Math.abs(bv[k]!));
    err = Math.max(err, Math.abs(av[k]! - bv[k]!));
  }
  return err / Math.max(scale, 1e-12);
}

const NAMES = ['x', 'kernel', 'bias', 'h0', 'c0'] as const;

function gradsOf(p: Inputs, w: { hs: tf.Tensor; h: tf.Tensor; c: tf.Tensor }, fn: (q: Inputs) => { hs: tf.Tensor; h: tf.Tensor; c: tf.Tensor }): tf.Tensor[] {
  const f = (x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, h0: tf.Tensor, c0: tf.Tensor) =>
    lossOf(fn({ x, kernel, bias, h0, c0, keep: p.keep } as Inputs), w);
  return tf.grads(f)([p.x, p.kernel, p.bias, p.h0, p.c0]);
}

describe('lstmSequence (composed ops)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const withKeep of [false, true]) {
    it(`matches the per-step cell forward and gradients${withKeep ? ' with state resets' : ''}`, () => {
      tf.tidy(() => {
        const p = makeInputs(withKeep ? 2 : 1, 3, 5, 4, 6, withKeep);
        const rng = new Rng(9);
        const w = { hs: randomTensor(rng, [3, 5, 6]), h: randomTensor(rng, [3, 6]), c: randomTensor(rng, [3, 6]) };
        const forgetBias = 0.7;
        const ours = lstmSequence(p.x, p.kernel, p.bias, p.h0, p.c0, { forgetBias, keep: p.keep });
        const ref = reference(p, forgetBias);
        expect(ours.hs.shape).toEqual([3, 5, 6]);
        expect(maxRelErr(ours.hs, ref.hs)).toBeLessThan(1e-5);
        expect(maxRelErr(ours.h, ref.h)).toBeLessThan(1e-5);
        expect(maxRelErr(ours.c, ref.c)).toBeLessThan(1e-5);
        const g = gradsOf(p, w, (q) => lstmSequence(q.x, q.kernel, q.bias, q.h0, q.c0, { forgetBias, keep: q.keep }));
        const gRef = gradsOf(p, w, (q) => reference(q, forgetBias));
        g.forEach((gi, n) => expect(maxRelErr(gi, gRef[n]!), NAMES[n]).toBeLessThan(1e-4));
        if (withKeep) {
          // A reset before step t makes h_t independent of h0 for that row: row 0 resets at t = 0.
          const dh0 = g[3]!.arraySync() as number[][];
          expect(dh0[0]!.every((v) => v === 0)).toBe(true);
        }
      });
    });
  }

  it('has gradients that agree with central finite differences (tiny shapes)', () => {
    tf.tidy(() => {
      const p = makeInputs(3, 2, 3, 2, 3, true);
      const rng = new Rng(4);
      const w = { hs: randomTensor(rng, [2, 3, 3]), h: randomTensor(rng, [2, 3]), c: randomTensor(rng, [2, 3]) };
      const fb = 1;
      const g = gradsOf(p, w, (q) => lstmSequence(q.x, q.kernel, q.bias, q.h0, q.c0, { forgetBias: fb, keep: q.keep }));
      const base = [p.x, p.kernel, p.bias, p.h0, p.c0];
      const eps = 1e-2;
      base.forEach((t, n) => {
        const v = t.dataSync().slice();
        const analytic = g[n]!.dataSync();
        for (let k = 0; k < v.length; k++) {
          const at = (d: number) => {
            const u = v.slice();
            u[k]! += d;
            const args = base.map((b, m) => (m === n ? tf.tensor(u, t.shape) : b));
            const q = { x: args[0], kernel: args[1], bias: args[2], h0: args[3], c0: args[4], keep: p.keep } as Inputs;
            return lossOf(lstmSequence(q.x, q.kernel, q.bias, q.h0, q.c0, { forgetBias: fb, keep: q.keep }), w).dataSync()[0]!;
          };
          const numeric = (at(eps) - at(-eps)) / (2 * eps);
          expect(Math.abs(numeric - analytic[k]!), `${NAMES[n]}[${k}]`).toBeLessThan(2e-3 * Math.max(1, Math.abs(numeric)));
        }
      });
    });
  });

  it('leaks no tensors in forward or backward', () => {
    const p = makeInputs(5, 2, 4, 3, 5);
    const before = tf.memory().numTensors;
    const out = lstmSequence(p.x, p.kernel, p.bias, p.h0, p.c0);
    tf.dispose([out.hs, out.h, out.c]);
    const kernel = tf.variable(p.kernel);
    const { value, grads } = tf.variableGrads(() => tf.sum(lstmSequence(p.x, kernel, p.bias, p.h0, p.c0).hs) as tf.Scalar, [kernel]);
    expect(grads[kernel.name]!.shape).toEqual([8, 20]);
    tf.dispose([value, grads[kernel.name]!, kernel]);
    const g = tf.grads((x: tf.Tensor, k: tf.Tensor) => tf.sum(lstmSequence(x as tf.Tensor3D, k as tf.Tensor2D, p.bias, p.h0, p.c0).hs))([p.x, p.kernel]);
    tf.dispose(g);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(Object.values(p));
  });

  it('rejects bad shapes with errors naming the input', () => {
    tf.tidy(() => {
      const p = makeInputs(6, 2, 3, 4, 5);
      expect(() => lstmSequence(p.x, tf.zeros([8, 20]) as tf.Tensor2D, p.bias, p.h0, p.c0)).toThrow(/kernel of shape \[I \+ H, 4H\] = \[9, 20\]/);
      expect(() => lstmSequence(p.x, p.kernel, tf.zeros([7]) as tf.Tensor1D, p.h0, p.c0)).toThrow(/bias of shape \[20\]/);
      expect(() => lstmSequence(p.x, p.kernel, p.bias, p.h0, tf.zeros([2, 4]) as tf.Tensor2D)).toThrow(/c0 of shape \[2, 5\]/);
      expect(() => lstmSequence(p.x, p.kernel, p.bias, p.h0, p.c0, { keep: tf.ones([2, 2]) as tf.Tensor2D })).toThrow(/keep of shape \[2, 3\]/);
    });
  });
});
