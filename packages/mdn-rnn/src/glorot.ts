import type { Rng } from '@worldmodels/core/rng';

/**
 * Glorot/Xavier uniform initial values (Glorot & Bengio 2010, eq. 16), TensorFlow's default for
 * the reference's conv, deconv and dense kernels: U(−l, l), l = √(6 / (fanIn + fanOut)), with
 * TensorFlow's fan convention (receptive field × second-to-last / last dimension).
 */
export function glorotUniform(shape: readonly number[], rng: Rng): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const fanIn = shape.length >= 2 ? shape[shape.length - 2]! * receptive : shape[0]!;
  const fanOut = shape.length >= 2 ? shape[shape.length - 1]! * receptive : shape[0]!;
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.uniform(-limit, limit);
  return out;
}
