import type { Rng } from '@worldmodels/core/rng';

/**
 * Glorot/Xavier uniform values (Glorot & Bengio 2010, eq. 16) for a kernel of `shape` with
 * TensorFlow's fan convention, multiplied by `mask` when given (masked taps start, and stay, at 0).
 * `fanScale` < 1 shrinks the range (used for layers that feed a residual sum).
 */
export function glorotUniform(shape: readonly number[], rng: Rng, mask?: Float32Array, fanScale = 1): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const fanIn = shape.length >= 2 ? shape[shape.length - 2]! * receptive : shape[0]!;
  const fanOut = shape.length >= 2 ? shape[shape.length - 1]! * receptive : shape[0]!;
  const limit = fanScale * Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.uniform(-limit, limit) * (mask ? mask[i]! : 1);
  return out;
}
