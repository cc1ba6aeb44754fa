import { rankDescending } from './evolution-strategy.js';

/**
 * Centred ranks (Salimans et al. 2017, "Evolution Strategies as a Scalable Alternative to
 * Reinforcement Learning", §2.2 fitness shaping): the worst fitness maps to −0.5, the best to +0.5,
 * linearly in rank; ties get distinct ranks in index order. Invariant to any monotone transform of
 * the fitness and robust to outliers. Tied values share their average rank, so equal fitness gives
 * no gradient.
 */
export function centeredRanks(fitness: ArrayLike<number>): Float64Array {
  const n = fitness.length;
  const out = new Float64Array(n);
  if (n === 1) return out;
  const order = rankDescending(fitness);
  for (let r = 0; r < n; ) {
    let end = r + 1;
    while (end < n && fitness[order[end]!] === fitness[order[r]!]) end++;
    const rank = (r + end - 1) / 2; // 0 = best
    for (let q = r; q < end; q++) out[order[q]!] = (n - 1 - rank) / (n - 1) - 0.5;
    r = end;
  }
  return out;
}

/** (f − mean) / std, or zeros when all values are equal. */
export function standardize(fitness: ArrayLike<number>): Float64Array {
  const n = fitness.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += fitness[i]!;
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (fitness[i]! - mean) ** 2;
  const std = Math.sqrt(v / n);
  const out = new Float64Array(n);
  if (std > 0) for (let i = 0; i < n; i++) out[i] = (fitness[i]! - mean) / std;
  return out;
}
