/**
 * Standard test functions for evolution strategies (costs to minimise; their negatives are fitness).
 */

/** f(x) = Σ x_i² */
export function sphere(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return s;
}

/** f(x) = Σ 10^(6 i/(n−1)) x_i²: a separable ellipsoid with condition number 1e6. */
export function ellipsoid(x: ArrayLike<number>): number {
  const n = x.length;
  if (n === 1) return x[0]! * x[0]!;
  let s = 0;
  for (let i = 0; i < n; i++) s += 10 ** ((6 * i) / (n - 1)) * x[i]! * x[i]!;
  return s;
}

/** f(x) = Σ 100 (x_{i+1} − x_i²)² + (1 − x_i)²; minimum 0 at x = 1. */
export function rosenbrock(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i + 1]! - x[i]! * x[i]!;
    const b = 1 - x[i]!;
    s += 100 * a * a + b * b;
  }
  return s;
}

/** f(x) = 10n + Σ x_i² − 10 cos(2π x_i): multimodal, minimum 0 at 0. */
export function rastrigin(x: ArrayLike<number>): number {
  let s = 10 * x.length;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]! - 10 * Math.cos(2 * Math.PI * x[i]!);
  return s;
}

export const benchmarkFunctions = { sphere, ellipsoid, rosenbrock, rastrigin } as const;
export type BenchmarkFunctionName = keyof typeof benchmarkFunctions;
