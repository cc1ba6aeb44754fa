import { Rng } from '@worldmodels/core/rng';
import { describe, expect, it } from 'vitest';
import { identity, invertLower, invertUpper, logAbsDet, luDecompose, matmul, matrix, randomOrthogonal, transpose } from './lu.js';

const close = (a: Float64Array, b: Float64Array, tol = 1e-10) => a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(tol));

describe('Float64 linear algebra', () => {
  it('LU with partial pivoting reassembles A = P·L·U', () => {
    const a = matrix(3, [0, 2, 1, 4, 1, -3, 2, 7, 5]); // zero first pivot forces a row swap
    const { p, l, u, sign } = luDecompose(a);
    close(matmul(p, matmul(l, u)).data, a.data);
    for (let i = 0; i < 3; i++) {
      expect(l.data[i * 3 + i]).toBe(1);
      for (let j = i + 1; j < 3; j++) expect(l.data[i * 3 + j]).toBe(0);
      for (let j = 0; j < i; j++) expect(u.data[i * 3 + j]).toBe(0);
    }
    expect(Math.abs(sign)).toBe(1);
  });

  it('log|det| matches hand-computed determinants', () => {
    expect(logAbsDet(matrix(2, [3, 1, 4, 2]))).toBeCloseTo(Math.log(2), 12); // det 2
    expect(logAbsDet(matrix(3, [0, 2, 1, 4, 1, -3, 2, 7, 5]))).toBeCloseTo(Math.log(Math.abs(0 * (5 + 21) - 2 * (20 + 6) + 1 * (28 - 2))), 12); // det −26
    expect(logAbsDet(matrix(2, [1, 2, 2, 4]))).toBe(-Infinity);
  });

  it('triangular inverses', () => {
    const l = matrix(3, [2, 0, 0, 1, 3, 0, -1, 4, 5]);
    close(matmul(l, invertLower(l)).data, identity(3).data);
    const u = transpose(l);
    close(matmul(u, invertUpper(u)).data, identity(3).data);
  });

  it('random orthogonal matrices satisfy QᵀQ = I', () => {
    const rng = new Rng(1);
    const q = randomOrthogonal(7, () => rng.normal());
    close(matmul(transpose(q), q).data, identity(7).data, 1e-12);
  });

  it('rejects bad sizes', () => {
    expect(() => matrix(2, [1, 2, 3])).toThrow(/needs 4 values, got 3/);
    expect(() => luDecompose(matrix(2, [0, 0, 0, 0]))).toThrow(/singular/);
  });
});
