/**
 * Default strategy parameters of CMA-ES, Hansen, "The CMA Evolution Strategy: A Tutorial"
 * (arXiv:1604.00772, 2016), Appendix A, Table 1 and equations (48)–(58).
 */
export interface CMAParameters {
  /** λ, population size (eq. 48: 4 + ⌊3 ln n⌋). */
  lambda: number;
  /** μ, number of positively weighted parents (⌊λ/2⌋). */
  mu: number;
  /** w_1..w_λ, positive for the μ best, negative (active CMA) or zero for the rest. */
  weights: Float64Array;
  /** μ_eff of the positive weights. */
  mueff: number;
  /** c_m, learning rate of the mean (eq. 54). */
  cm: number;
  /** c_σ, learning rate of the step-size path (eq. 55). */
  cs: number;
  /** d_σ, damping of the step size (eq. 55). */
  damps: number;
  /** c_c, learning rate of the rank-one evolution path (eq. 56). */
  cc: number;
  /** c_1, rank-one learning rate (eq. 57). */
  c1: number;
  /** c_μ, rank-μ learning rate (eq. 58). */
  cmu: number;
  /** E‖N(0, I)‖ ≈ √n (1 − 1/(4n) + 1/(21n²)). */
  chiN: number;
}

export interface CMAParameterOptions {
  lambda?: number;
  mu?: number;
  /** Negative weights for the worst λ−μ candidates (active CMA, eqs. 50–53). Default true. */
  active?: boolean;
  /** Multiplies c_1 and c_μ (the separable variant uses (n+2)/3, Ros & Hansen 2008). */
  covarianceScale?: number;
}

export function defaultPopSize(n: number): number {
  return 4 + Math.floor(3 * Math.log(n)); // eq. (48)
}

export function cmaParameters(n: number, options: CMAParameterOptions = {}): CMAParameters {
  const lambda = options.lambda ?? defaultPopSize(n);
  if (!Number.isInteger(lambda) || lambda < 2) throw new Error(`CMA-ES popSize must be an integer ≥ 2, got ${lambda}`);
  const mu = options.mu ?? Math.floor(lambda / 2);
  if (!Number.isInteger(mu) || mu < 1 || mu > lambda) throw new Error(`CMA-ES mu must be an integer in [1, popSize = ${lambda}], got ${mu}`);

  // eq. (49): w'_i = ln((λ+1)/2) − ln i, for i = 1..λ (the first μ are positive when μ = ⌊λ/2⌋).
  const raw = new Float64Array(lambda);
  // With a custom μ the positive part becomes ln(μ + 1/2) − ln i and the rest stays ≤ 0.
  const customMu = options.mu !== undefined && options.mu !== Math.floor(lambda / 2);
  for (let i = 0; i < lambda; i++) {
    const standard = Math.log((lambda + 1) / 2) - Math.log(i + 1);
    raw[i] = i < mu ? (!customMu ? standard : Math.log(mu + 0.5) - Math.log(i + 1)) : Math.min(0, standard);
  }
  let sumPos = 0;
  let sumPos2 = 0;
  let sumNeg = 0;
  let sumNeg2 = 0;
  for (let i = 0; i < lambda; i++) {
    const w = raw[i]!;
    if (i < mu) {
      sumPos += w;
      sumPos2 += w * w;
    } else if (w < 0) {
      sumNeg += w;
      sumNeg2 += w * w;
    }
  }
  const mueff = (sumPos * sumPos) / sumPos2;
  const mueffNeg = sumNeg2 > 0 ? (sumNeg * sumNeg) / sumNeg2 : 0;

  const cm = 1; // eq. (54)
  const cs = (mueff + 2) / (n + mueff + 5); // eq. (55)
  const damps = 1 + 2 * Math.max(0, Math.sqrt((mueff - 1) / (n + 1)) - 1) + cs; // eq. (55)
  const cc = (4 + mueff / n) / (n + 4 + (2 * mueff) / n); // eq. (56)
  const alphaCov = 2;
  const scale = options.covarianceScale ?? 1;
  const c1 = Math.min(1, (scale * alphaCov) / ((n + 1.3) ** 2 + mueff)); // eq. (57)
  // eq. (58) in the tutorial's current form, with the 1/4 term (as pycma).
  const cmu = Math.min(1 - c1, (scale * alphaCov * (0.25 + mueff - 2 + 1 / mueff)) / ((n + 2) ** 2 + (alphaCov * mueff) / 2));

  const weights = new Float64Array(lambda);
  const active = options.active ?? true;
  // eqs. (50)–(52): the three bounds on the total negative weight; eq. (53) normalises.
  const alphaMuNeg = 1 + c1 / cmu;
  const alphaMueffNeg = 1 + (2 * mueffNeg) / (mueff + 2);
  const alphaPosdefNeg = (1 - c1 - cmu) / (n * cmu);
  const negScale = Math.min(alphaMuNeg, alphaMueffNeg, alphaPosdefNeg) / -sumNeg;
  for (let i = 0; i < lambda; i++) {
    const w = raw[i]!;
    if (i < mu) weights[i] = w / sumPos;
    else if (active && w < 0) weights[i] = w * negScale;
    else weights[i] = 0;
  }

  const chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
  return { lambda, mu, weights, mueff, cm, cs, damps, cc, c1, cmu, chiN };
}

/**
 * The lazy-update gap in generations, 1/(10 n (c1 + cμ)) (tutorial, B.2: C is decomposed often
 * enough for O(n²) work per generation); as in pycma the gap is real-valued, so C is decomposed
 * again once at least this many generations have passed since the last decomposition.
 */
export function eigenInterval(n: number, c1: number, cmu: number): number {
  return Math.max(1, 1 / (10 * n * (c1 + cmu)));
}
