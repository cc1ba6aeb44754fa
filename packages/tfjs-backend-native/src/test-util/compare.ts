import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { expect } from 'vitest';

/** Tolerance of every native-vs-cpu comparison: max |native − cpu| ≤ 1e-4 · max |cpu|. */
export const REL_TOL = 1e-4;

/** A seeded normal Float32Array of the given shape's size. */
export function randomValues(rng: Rng, shape: number[], scale = 1): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  rng.fillNormal(out);
  if (scale !== 1) for (let i = 0; i < n; i++) out[i]! *= scale;
  return out;
}

/** Relative max-abs error of `got` against `want` (scaled by want's largest magnitude, at least 1e-6). */
export function relError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    maxDiff = Math.max(maxDiff, Math.abs(g - w));
    maxRef = Math.max(maxRef, Math.abs(w));
  }
  return maxDiff / Math.max(maxRef, 1e-6);
}

/**
 * Runs `fn` on the cpu backend and on the native backend with the same input values and
 * returns the outputs of both (shapes and values). `fn` builds its tensors from `inputs`.
 */
export function onBoth(inputs: { values: Float32Array; shape: number[] }[], fn: (...ts: tf.Tensor[]) => tf.Tensor | tf.Tensor[]) {
  const run = (backend: string) => {
    tf.setBackend(backend);
    return tf.tidy(() => {
      const ts = inputs.map((i) => tf.tensor(i.values, i.shape, 'float32'));
      const out = fn(...ts);
      const outs = Array.isArray(out) ? out : [out];
      return outs.map((o) => ({ shape: o.shape, dtype: o.dtype, values: o.dataSync().slice() }));
    });
  };
  const cpu = run('cpu');
  const native = run('native');
  return { cpu, native };
}

/** Asserts native matches cpu (shapes, dtypes, values to REL_TOL) for `fn` on `inputs`. */
export function expectSame(
  label: string,
  inputs: { values: Float32Array; shape: number[] }[],
  fn: (...ts: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  tol = REL_TOL,
): void {
  const { cpu, native } = onBoth(inputs, fn);
  expect(native.length, label).toBe(cpu.length);
  cpu.forEach((c, i) => {
    const n = native[i]!;
    expect(n.shape, `${label} output ${i} shape`).toEqual(c.shape);
    expect(n.dtype, `${label} output ${i} dtype`).toBe(c.dtype);
    const err = relError(n.values, c.values);
    if (!(err <= tol)) throw new Error(`${label} output ${i}: relative error ${err.toExponential(2)} > ${tol}`);
  });
}

/** Forward values and the gradients of Σ(f(xs) · dy) with respect to every input. */
export function withGradients(f: (...ts: tf.Tensor[]) => tf.Tensor, dySeed: number) {
  return (...ts: tf.Tensor[]): tf.Tensor[] => {
    const y = f(...ts);
    const rng = new Rng(dySeed);
    const dy = tf.tensor(randomValues(rng, y.shape), y.shape);
    const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), dy)))(ts);
    return [y, ...grads];
  };
}
