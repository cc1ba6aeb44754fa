import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix. */
export interface SymmetricEigen {
  /** [n] ascending. */
  values: Float64Array;
  /** [n, n] row-major; row j is the unit eigenvector of values[j]. */
  vectors: Float64Array;
}

/**
 * Eigendecomposition of the symmetric matrix `a` ([n, n] row-major; its symmetric part is used):
 * Householder reduction to tridiagonal form, then the implicit QL algorithm with Wilkinson-style
 * shifts (the EISPACK tred2/tql2 pair, as in JAMA and ml-matrix).
 *
 * The work array holds the transposed transformation (row j = column j of the accumulated
 * orthogonal matrix), so every inner loop runs over contiguous memory of one Float64Array; for
 * the matrices CMA-ES decomposes this is 3–10× faster than ml-matrix's array-of-rows
 * implementation (see bench/eigen.ts). {@link symmetricEigenMlMatrix} is kept as the reference.
 */
export function symmetricEigen(a: Float64Array, n: number): SymmetricEigen {
  checkSquare(a, n);
  const w = new Float64Array(n * n); // w[j*n + k] = V[k][j]
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) w[i * n + j] = 0.5 * (a[i * n + j]! + a[j * n + i]!);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(w, d, e, n);
  diagonalizeTridiagonal(w, d, e, n);
  // Sort ascending (selection sort on rows: O(n²) swaps at most, negligible next to O(n³)).
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    for (let j = i + 1; j < n; j++) if (d[j]! < d[k]!) k = j;
    if (k !== i) {
      const t = d[i]!;
      d[i] = d[k]!;
      d[k] = t;
      for (let c = 0; c < n; c++) {
        const x = w[i * n + c]!;
        w[i * n + c] = w[k * n + c]!;
        w[k * n + c] = x;
      }
    }
  }
  return { values: d, vectors: w };
}

/** Householder tridiagonalisation; on return d is the diagonal, e[1..] the sub-diagonal and w = Qᵀ. */
function tridiagonalize(w: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = w[j * n + n - 1]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = w[j * n + i - 1]!;
        w[j * n + i] = 0;
        w[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] = d[k]! / scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        const row = j * n;
        f = d[j]!;
        w[i * n + j] = f;
        g = e[j]! + w[row + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          const v = w[row + k]!;
          g += v * d[k]!;
          e[k] = e[k]! + v * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] = e[j]! / h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = e[j]! - hh * d[j]!;
      for (let j = 0; j < i; j++) {
        const row = j * n;
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) w[row + k] = w[row + k]! - (f * e[k]! + g * d[k]!);
        d[j] = w[row + i - 1]!;
        w[row + i] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    w[i * n + n - 1] = w[i * n + i]!;
    w[i * n + i] = 1;
    const h = d[i + 1]!;
    const next = (i + 1) * n;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = w[next + k]! / h;
      for (let j = 0; j <= i; j++) {
        const row = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += w[next + k]! * w[row + k]!;
        for (let k = 0; k <= i; k++) w[row + k] = w[row + k]! - g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) w[next + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = w[j * n + n - 1]!;
    w[j * n + n - 1] = 0;
  }
  w[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/** Implicit QL on the tridiagonal (d, e); rotations are applied to the rows of w. */
function diagonalizeTridiagonal(w: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n && Math.abs(e[m]!) > eps * tst1) m++;
    if (m === n) m = n - 1;
    if (m > l) {
      let iterations = 0;
      do {
        if (++iterations > 60) throw new Error(`symmetric eigendecomposition did not converge (eigenvalue ${l} of ${n})`);
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] = d[i]! - h;
        f += h;
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          const ri = i * n;
          const rj = (i + 1) * n;
          for (let k = 0; k < n; k++) {
            const wk = w[rj + k]!;
            const vk = w[ri + k]!;
            w[rj + k] = s * vk + c * wk;
            w[ri + k] = c * vk - s * wk;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
}

/** The same decomposition through ml-matrix's EigenvalueDecomposition (reference and benchmark peer). */
export function symmetricEigenMlMatrix(a: Float64Array, n: number): SymmetricEigen {
  checkSquare(a, n);
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(n);
    for (let j = 0; j < n; j++) row[j] = 0.5 * (a[i * n + j]! + a[j * n + i]!);
    rows.push(row);
  }
  const eig = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const d = eig.realEigenvalues;
  const v = eig.eigenvectorMatrix;
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x]! - d[y]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    const j = order[r]!;
    values[r] = d[j]!;
    for (let i = 0; i < n; i++) vectors[r * n + i] = v.get(i, j);
  }
  return { values, vectors };
}

export function checkSquare(a: Float64Array, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`matrix order must be a positive integer, got ${n}`);
  if (a.length !== n * n) throw new Error(`matrix has ${a.length} entries, expected ${n}×${n} = ${n * n}`);
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) throw new Error(`matrix entry ${i} is ${a[i]}; eigendecomposition needs finite entries`);
}
