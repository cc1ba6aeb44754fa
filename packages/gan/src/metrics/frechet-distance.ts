import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** Mean and covariance of a set of feature vectors (Float64). */
export interface FeatureStatistics {
  mean: Float64Array;
  /** [D, D] row-major, normalised by N − 1. */
  covariance: Float64Array;
  dim: number;
  count: number;
}

/** μ and Σ (unbiased) of `count` feature vectors of width `dim`, stored row-major in `features`. */
export function featureStatistics(features: ArrayLike<number>, count: number, dim: number): FeatureStatistics {
  if (!Number.isInteger(count) || count < 2) throw new Error(`featureStatistics needs at least 2 feature vectors, got ${count}`);
  if (features.length !== count * dim) throw new Error(`featureStatistics: ${features.length} values are not ${count} vectors of width ${dim}`);
  const mean = new Float64Array(dim);
  for (let n = 0; n < count; n++) for (let i = 0; i < dim; i++) mean[i]! += features[n * dim + i]!;
  for (let i = 0; i < dim; i++) mean[i]! /= count;
  const covariance = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let n = 0; n < count; n++) {
    for (let i = 0; i < dim; i++) centred[i] = features[n * dim + i]! - mean[i]!;
    for (let i = 0; i < dim; i++) {
      const ci = centred[i]!;
      if (ci === 0) continue;
      for (let j = i; j < dim; j++) covariance[i * dim + j]! += ci * centred[j]!;
    }
  }
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      const v = covariance[i * dim + j]! / (count - 1);
      covariance[i * dim + j] = v;
      covariance[j * dim + i] = v;
    }
  }
  return { mean, covariance, dim, count };
}

function toMatrix(values: Float64Array, dim: number): Matrix {
  const m = new Matrix(dim, dim);
  for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) m.set(i, j, values[i * dim + j]!);
  return m;
}

/** Symmetrises (A + Aᵀ)/2 to remove round-off asymmetry before a symmetric eigendecomposition. */
function symmetrise(m: Matrix): Matrix {
  return m.add(m.transpose()).mul(0.5);
}

/**
 * Square root of a symmetric positive semi-definite matrix by its eigendecomposition
 * A = V Λ Vᵀ ⇒ A^½ = V Λ^½ Vᵀ (eigenvalues below zero from round-off are clamped to 0).
 */
export function sqrtmSymmetric(a: Matrix): Matrix {
  const eig = new EigenvalueDecomposition(symmetrise(a), { assumeSymmetric: true });
  const v = eig.eigenvectorMatrix;
  const root = eig.realEigenvalues.map((l) => Math.sqrt(Math.max(l, 0)));
  return v.mmul(Matrix.diag(root)).mmul(v.transpose());
}

/**
 * Tr((Σ₁Σ₂)^½) for symmetric PSD Σ₁, Σ₂. Σ₁Σ₂ is not symmetric, but it is similar to
 * Σ₁^½ Σ₂ Σ₁^½, which is symmetric PSD: the trace of the square root is Σ √λᵢ of its eigenvalues.
 */
export function traceSqrtProduct(c1: Matrix, c2: Matrix): number {
  const s1 = sqrtmSymmetric(c1);
  const inner = symmetrise(s1.mmul(c2).mmul(s1));
  const eig = new EigenvalueDecomposition(inner, { assumeSymmetric: true });
  return eig.realEigenvalues.reduce((t, l) => t + Math.sqrt(Math.max(l, 0)), 0);
}

/**
 * Fréchet distance between two Gaussians fitted to feature sets (Heusel et al. 2017, the FID
 * formula): d² = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^½).
 */
export function frechetDistanceFromStatistics(a: FeatureStatistics, b: FeatureStatistics): number {
  if (a.dim !== b.dim) throw new Error(`Fréchet distance: feature widths differ (${a.dim} and ${b.dim})`);
  const d = a.dim;
  let meanTerm = 0;
  for (let i = 0; i < d; i++) meanTerm += (a.mean[i]! - b.mean[i]!) ** 2;
  let trace = 0;
  for (let i = 0; i < d; i++) trace += a.covariance[i * d + i]! + b.covariance[i * d + i]!;
  const cross = traceSqrtProduct(toMatrix(a.covariance, d), toMatrix(b.covariance, d));
  return Math.max(0, meanTerm + trace - 2 * cross);
}

/** Fréchet distance between two feature sets [N₁, D] and [N₂, D] (row-major). */
export function frechetDistance(a: ArrayLike<number>, countA: number, b: ArrayLike<number>, countB: number, dim: number): number {
  return frechetDistanceFromStatistics(featureStatistics(a, countA, dim), featureStatistics(b, countB, dim));
}
