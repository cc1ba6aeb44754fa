/**
 * Small dense linear algebra in Float64 on row-major square matrices. TensorFlow.js has no
 * determinant, inverse or LU, so the 1×1 convolution's initialisation (a random rotation split
 * into P·L·U) and its inverse (triangular solves) are computed here, as are the brute-force
 * log-determinants the tests compare against.
 */

/** A row-major n×n matrix. */
export interface Matrix {
  n: number;
  data: Float64Array;
}

export function matrix(n: number, values?: ArrayLike<number>): Matrix {
  if (!Number.isInteger(n) || n < 1) throw new Error(`matrix size must be a positive integer, got ${n}`);
  const data = new Float64Array(n * n);
  if (values) {
    if (values.length !== n * n) throw new Error(`a ${n}×${n} matrix needs ${n * n} values, got ${values.length}`);
    for (let i = 0; i < n * n; i++) data[i] = values[i]!;
  }
  return { n, data };
}

export function identity(n: number): Matrix {
  const m = matrix(n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

export function matmul(a: Matrix, b: Matrix): Matrix {
  if (a.n !== b.n) throw new Error(`matmul: sizes differ (${a.n} vs ${b.n})`);
  const n = a.n;
  const out = matrix(n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a.data[i * n + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) out.data[i * n + j]! += aik * b.data[k * n + j]!;
    }
  }
  return out;
}

export function transpose(a: Matrix): Matrix {
  const n = a.n;
  const out = matrix(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out.data[j * n + i] = a.data[i * n + j]!;
  return out;
}

/**
 * LU decomposition with partial pivoting, A = P·L·U: `perm[i]` is the row of A that became row i
 * (so P has P[perm[i], i] = 1), L is unit lower triangular, U upper triangular. `sign` is det P.
 * Throws on an exactly singular matrix.
 */
export function luDecompose(a: Matrix): { p: Matrix; l: Matrix; u: Matrix; perm: number[]; sign: number } {
  const n = a.n;
  const lu = Float64Array.from(a.data);
  const perm = Array.from({ length: n }, (_, i) => i);
  let sign = 1;
  for (let k = 0; k < n; k++) {
    let pivot = k;
    let best = Math.abs(lu[k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]!);
      if (v > best) {
        best = v;
        pivot = i;
      }
    }
    if (best === 0) throw new Error(`luDecompose: the ${n}×${n} matrix is singular (column ${k} has no pivot)`);
    if (pivot !== k) {
      for (let j = 0; j < n; j++) {
        const t = lu[k * n + j]!;
        lu[k * n + j] = lu[pivot * n + j]!;
        lu[pivot * n + j] = t;
      }
      [perm[k], perm[pivot]] = [perm[pivot]!, perm[k]!];
      sign = -sign;
    }
    const d = lu[k * n + k]!;
    for (let i = k + 1; i < n; i++) {
      const f = (lu[i * n + k]! /= d);
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) lu[i * n + j]! -= f * lu[k * n + j]!;
    }
  }
  const l = identity(n);
  const u = matrix(n);
  const p = matrix(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (j < i) l.data[i * n + j] = lu[i * n + j]!;
      else u.data[i * n + j] = lu[i * n + j]!;
    }
    p.data[perm[i]! * n + i] = 1;
  }
  return { p, l, u, perm, sign };
}

/** log|det A| through LU (−Infinity for a singular matrix). */
export function logAbsDet(a: Matrix): number {
  let u: Matrix;
  try {
    u = luDecompose(a).u;
  } catch {
    return -Infinity;
  }
  let s = 0;
  for (let i = 0; i < a.n; i++) s += Math.log(Math.abs(u.data[i * a.n + i]!));
  return s;
}

/** Inverse of a lower-triangular matrix by forward substitution, column by column. */
export function invertLower(l: Matrix): Matrix {
  const n = l.n;
  const out = matrix(n);
  for (let col = 0; col < n; col++) {
    for (let i = 0; i < n; i++) {
      let s = i === col ? 1 : 0;
      for (let k = 0; k < i; k++) s -= l.data[i * n + k]! * out.data[k * n + col]!;
      const d = l.data[i * n + i]!;
      if (d === 0) throw new Error(`invertLower: zero on the diagonal at ${i}`);
      out.data[i * n + col] = s / d;
    }
  }
  return out;
}

/** Inverse of an upper-triangular matrix by back substitution, column by column. */
export function invertUpper(u: Matrix): Matrix {
  const n = u.n;
  const out = matrix(n);
  for (let col = 0; col < n; col++) {
    for (let i = n - 1; i >= 0; i--) {
      let s = i === col ? 1 : 0;
      for (let k = i + 1; k < n; k++) s -= u.data[i * n + k]! * out.data[k * n + col]!;
      const d = u.data[i * n + i]!;
      if (d === 0) throw new Error(`invertUpper: zero on the diagonal at ${i}`);
      out.data[i * n + col] = s / d;
    }
  }
  return out;
}

/**
 * A random orthogonal matrix (Haar-distributed): QR of a Gaussian matrix by modified
 * Gram–Schmidt on its columns, with the column signs fixed by R's diagonal.
 */
export function randomOrthogonal(n: number, normal: () => number): Matrix {
  const cols: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = normal();
    cols.push(v);
  }
  for (let j = 0; j < n; j++) {
    const v = cols[j]!;
    for (let k = 0; k < j; k++) {
      const q = cols[k]!;
      let dot = 0;
      for (let i = 0; i < n; i++) dot += q[i]! * v[i]!;
      for (let i = 0; i < n; i++) v[i]! -= dot * q[i]!;
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    if (norm < 1e-12) throw new Error('randomOrthogonal: degenerate Gaussian draw');
    for (let i = 0; i < n; i++) v[i]! /= norm;
  }
  const q = matrix(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) q.data[i * n + j] = cols[j]![i]!;
  return q;
}
