import {
  type BaseOptions,
  EvolutionStrategyBase,
  type EvolutionStrategyJSON,
  checkInteger,
  checkJSON,
  checkNumber,
  rankDescending,
  vectorFrom,
} from './evolution-strategy.js';
import { type CMAParameters, cmaParameters, eigenInterval } from './cmaes-parameters.js';
import { type StopCriteriaOptions, StopHistory, type StopHistoryJSON } from './stop-criteria.js';
import { symmetricEigen } from '../linalg/symmetric-eigen.js';

export interface CMAESOptions extends BaseOptions, StopCriteriaOptions {
  /** σ⁽⁰⁾, the initial step size (required). */
  sigma: number;
  /** λ (default 4 + ⌊3 ln n⌋, eq. 48). */
  popSize?: number;
  /** μ (default ⌊λ/2⌋). */
  mu?: number;
  /** m⁽⁰⁾ (default zeros). */
  mean?: ArrayLike<number>;
  /** Active CMA: negative recombination weights in the covariance update (default true). */
  active?: boolean;
  /** Minimum generations between eigendecompositions (default: the tutorial's lazy gap, see {@link eigenInterval}). */
  eigenInterval?: number;
}

const VERSION = 1;
const MAX_SIGMA = 1e32;

/**
 * CMA-ES, as in Hansen's tutorial (arXiv:1604.00772, "The CMA Evolution Strategy: A Tutorial", 2016),
 * maximising fitness (internally it minimises the cost −fitness):
 * weighted recombination, cumulative step-size adaptation, rank-one and rank-μ covariance updates
 * with active (negative) weights, an eigendecomposition of C refreshed lazily, and the stopping
 * criteria of Appendix B.3. Equation numbers below refer to the tutorial.
 *
 * Per generation it costs O(λn²) (sampling and the rank-μ update) plus one O(n³)
 * eigendecomposition every {@link eigenInterval} generations; for n above a few thousand use
 * {@link SepCMAES}.
 */
export class CMAES extends EvolutionStrategyBase {
  readonly type: string = 'CMAES';
  readonly params: CMAParameters;
  readonly sigma0: number;
  readonly eigenEvery: number;
  private m: Float64Array;
  private step: number;
  /** C, [n, n] row-major, symmetric. */
  private C: Float64Array;
  /** Eigenvectors of C at the last decomposition, [n, n]; row j is b_j. */
  private Bt: Float64Array;
  /** Square roots of the eigenvalues of C at the last decomposition, [n]. */
  private D: Float64Array;
  private pc: Float64Array;
  private ps: Float64Array;
  private eigenGeneration = -1;
  private readonly history: StopHistory;
  /** z_k and y_k = B D z_k of the pending population, [λ][n]. */
  private zs: Float64Array[] = [];
  private ys: Float64Array[] = [];

  constructor(options: CMAESOptions) {
    const n = checkInteger('dim', options.dim, 1);
    const params = cmaParameters(n, { lambda: options.popSize, mu: options.mu, active: options.active });
    super(options, params.lambda);
    this.params = params;
    this.sigma0 = checkNumber('sigma', options.sigma, 0, true);
    this.step = this.sigma0;
    this.m = vectorFrom('mean', options.mean, n);
    this.C = identity(n);
    this.Bt = identity(n);
    this.D = new Float64Array(n).fill(1);
    this.pc = new Float64Array(n);
    this.ps = new Float64Array(n);
    this.eigenEvery = options.eigenInterval ?? eigenInterval(n, params.c1, params.cmu);
    if (!Number.isFinite(this.eigenEvery) || this.eigenEvery < 1) throw new Error(`eigenInterval must be a number ≥ 1, got ${options.eigenInterval}`);
    this.eigenGeneration = 0;
    this.history = new StopHistory(n, params.lambda, this.sigma0, options);
  }

  get mean(): Float64Array {
    return this.m.slice();
  }

  get sigma(): number {
    return this.step;
  }

  /** A copy of the covariance matrix C, [n, n] row-major. */
  get covariance(): Float64Array {
    return this.C.slice();
  }

  /** The axis lengths (√ eigenvalues of C) at the last decomposition. */
  get axisLengths(): Float64Array {
    return this.D.slice();
  }

  protected sample(): Float64Array[] {
    const n = this.dim;
    const lambda = this.popSize;
    if (this.gen - this.eigenGeneration >= this.eigenEvery) this.decompose();
    this.zs = [];
    this.ys = [];
    for (let k = 0; k < lambda; k++) {
      const z = new Float64Array(n);
      for (let i = 0; i < n; i++) z[i] = this.rng.normal(); // eq. (38): z_k ~ N(0, I)
      this.zs.push(z);
      this.ys.push(new Float64Array(n));
    }
    // eq. (39): y_k = B D z_k = Σ_j (D_j z_kj) b_j, four candidates per pass over B.
    const Bt = this.Bt;
    const D = this.D;
    for (let k0 = 0; k0 < lambda; k0 += 4) {
      if (k0 + 4 > lambda) {
        for (let k = k0; k < lambda; k++) for (let j = 0; j < n; j++) axpy(D[j]! * this.zs[k]![j]!, Bt, j * n, this.ys[k]!, n);
        break;
      }
      const [z0, z1, z2, z3] = [this.zs[k0]!, this.zs[k0 + 1]!, this.zs[k0 + 2]!, this.zs[k0 + 3]!];
      const [y0, y1, y2, y3] = [this.ys[k0]!, this.ys[k0 + 1]!, this.ys[k0 + 2]!, this.ys[k0 + 3]!];
      for (let j = 0; j < n; j++) {
        const d = D[j]!;
        const a0 = d * z0[j]!;
        const a1 = d * z1[j]!;
        const a2 = d * z2[j]!;
        const a3 = d * z3[j]!;
        const off = j * n;
        for (let i = 0; i < n; i++) {
          const b = Bt[off + i]!;
          y0[i] = y0[i]! + a0 * b;
          y1[i] = y1[i]! + a1 * b;
          y2[i] = y2[i]! + a2 * b;
          y3[i] = y3[i]! + a3 * b;
        }
      }
    }
    const out: Float64Array[] = [];
    for (let k = 0; k < lambda; k++) {
      const y = this.ys[k]!;
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) x[i] = this.m[i]! + this.step * y[i]!; // eq. (40)
      out.push(x);
    }
    return out;
  }

  protected update(_population: Float64Array[], fitness: Float64Array): void {
    const n = this.dim;
    const { weights, mu, mueff, cm, cs, damps, cc, c1, cmu, chiN } = this.params;
    const order = rankDescending(fitness);

    // eq. (41): <y>_w = Σ_{i≤μ} w_i y_{i:λ}; likewise <z>_w, so that C^{-1/2} <y>_w = B <z>_w.
    const yw = new Float64Array(n);
    const zw = new Float64Array(n);
    for (let i = 0; i < mu; i++) {
      const w = weights[i]!;
      axpy(w, this.ys[order[i]!]!, 0, yw, n);
      axpy(w, this.zs[order[i]!]!, 0, zw, n);
    }
    // eq. (42): m ← m + c_m σ <y>_w
    for (let i = 0; i < n; i++) this.m[i] = this.m[i]! + cm * this.step * yw[i]!;

    // eq. (43): p_σ ← (1 − c_σ) p_σ + √(c_σ(2 − c_σ)μ_eff) C^{-1/2} <y>_w
    const whitened = new Float64Array(n);
    for (let j = 0; j < n; j++) axpy(zw[j]!, this.Bt, j * n, whitened, n);
    const csNorm = Math.sqrt(cs * (2 - cs) * mueff);
    let psNorm2 = 0;
    for (let i = 0; i < n; i++) {
      this.ps[i] = (1 - cs) * this.ps[i]! + csNorm * whitened[i]!;
      psNorm2 += this.ps[i]! * this.ps[i]!;
    }
    const psNorm = Math.sqrt(psNorm2);

    // h_σ (below eq. 45): stall the update of p_c when ‖p_σ‖ is large.
    const hsig = psNorm / Math.sqrt(1 - (1 - cs) ** (2 * (this.gen + 1))) < (1.4 + 2 / (n + 1)) * chiN ? 1 : 0;
    // eq. (45): p_c ← (1 − c_c) p_c + h_σ √(c_c(2 − c_c)μ_eff) <y>_w
    const ccNorm = hsig * Math.sqrt(cc * (2 - cc) * mueff);
    for (let i = 0; i < n; i++) this.pc[i] = (1 - cc) * this.pc[i]! + ccNorm * yw[i]!;

    // eq. (46): w°_i = w_i for w_i ≥ 0, else w_i · n / ‖C^{-1/2} y_{i:λ}‖² (= n / ‖z_{i:λ}‖²).
    // eq. (47): C ← (1 + c1 δ(h_σ) − c1 − c_μ Σ w_j) C + c1 p_c p_cᵀ + c_μ Σ w°_i y_{i:λ} y_{i:λ}ᵀ
    let sumW = 0;
    for (let i = 0; i < weights.length; i++) sumW += weights[i]!;
    const delta = (1 - hsig) * cc * (2 - cc);
    const decay = 1 + c1 * delta - c1 - cmu * sumW;
    const C = this.C;
    for (let i = 0; i < n; i++) {
      const row = i * n;
      const a = c1 * this.pc[i]!;
      for (let j = i; j < n; j++) C[row + j] = decay * C[row + j]! + a * this.pc[j]!;
    }
    const terms: { coeff: number; y: Float64Array }[] = [];
    for (let r = 0; r < this.popSize; r++) {
      let w = weights[r]!;
      if (w === 0) continue;
      const k = order[r]!;
      if (w < 0) w *= n / dot(this.zs[k]!, this.zs[k]!, n);
      terms.push({ coeff: cmu * w, y: this.ys[k]! });
    }
    rankMuUpdate(C, n, terms);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) C[j * n + i] = C[i * n + j]!;

    // eq. (44): σ ← σ exp((c_σ/d_σ)(‖p_σ‖ / E‖N(0, I)‖ − 1))
    this.step = Math.min(this.step * Math.exp((cs / damps) * (psNorm / chiN - 1)), MAX_SIGMA);

    const costs = new Float64Array(fitness.length);
    for (let k = 0; k < costs.length; k++) costs[k] = -fitness[k]!;
    this.history.record(costs);
    this.zs = [];
    this.ys = [];
  }

  /** C = B D² Bᵀ, with D clamped away from zero so sampling stays well defined. */
  private decompose(): void {
    const n = this.dim;
    const { values, vectors } = symmetricEigen(this.C, n);
    const maxValue = Math.max(values[n - 1]!, Number.MIN_VALUE);
    for (let i = 0; i < n; i++) this.D[i] = Math.sqrt(Math.max(values[i]!, maxValue * 1e-20));
    this.Bt = vectors;
    this.eigenGeneration = this.gen;
  }

  override stopReasons(): string[] {
    return this.history.reasons({
      generation: this.gen,
      sigma: this.step,
      mean: this.m,
      pc: this.pc,
      diagC: diagonal(this.C, this.dim),
      D: this.D,
      Bt: this.Bt,
      best: this.bestSoFar?.fitness,
    });
  }

  toJSON(): EvolutionStrategyJSON {
    return {
      ...this.baseJSON(VERSION),
      sigma0: this.sigma0,
      mu: this.params.mu,
      active: this.params.weights[this.popSize - 1]! < 0,
      eigenInterval: this.eigenEvery,
      eigenGeneration: this.eigenGeneration,
      sigma: this.step,
      mean: Array.from(this.m),
      C: Array.from(this.C),
      B: Array.from(this.Bt),
      D: Array.from(this.D),
      pc: Array.from(this.pc),
      ps: Array.from(this.ps),
      history: this.history.toJSON(),
    };
  }

  static fromJSON(json: unknown): CMAES {
    const j = checkJSON(json, 'CMAES', VERSION);
    const n = j.dim;
    const hist = j.history as StopHistoryJSON;
    const es = new CMAES({
      dim: n,
      sigma: j.sigma0 as number,
      popSize: j.popSize,
      mu: j.mu as number,
      active: j.active as boolean,
      eigenInterval: j.eigenInterval as number,
      weightDecay: j.weightDecay,
      ...hist.options,
    });
    es.restoreBase(j);
    es.step = checkNumber('sigma', j.sigma, 0, true);
    es.m = vectorFrom('mean', j.mean as number[], n);
    es.C = vectorFrom('C', j.C as number[], n * n);
    es.Bt = vectorFrom('B', j.B as number[], n * n);
    es.D = vectorFrom('D', j.D as number[], n);
    es.pc = vectorFrom('pc', j.pc as number[], n);
    es.ps = vectorFrom('ps', j.ps as number[], n);
    es.eigenGeneration = j.eigenGeneration as number;
    es.history.restore(hist);
    return es;
  }
}

export function identity(n: number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) a[i * n + i] = 1;
  return a;
}

function diagonal(a: Float64Array, n: number): Float64Array {
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = a[i * n + i]!;
  return d;
}

/**
 * C[i, j] += Σ_t coeff_t y_t[i] y_t[j] on the upper triangle (j ≥ i), terms added in order, four
 * per pass over C so the matrix streams through memory λ/4 times instead of λ times.
 */
function rankMuUpdate(C: Float64Array, n: number, terms: { coeff: number; y: Float64Array }[]): void {
  let t0 = 0;
  for (; t0 + 4 <= terms.length; t0 += 4) {
    const [p0, p1, p2, p3] = [terms[t0]!, terms[t0 + 1]!, terms[t0 + 2]!, terms[t0 + 3]!];
    const [y0, y1, y2, y3] = [p0.y, p1.y, p2.y, p3.y];
    for (let i = 0; i < n; i++) {
      const a0 = p0.coeff * y0[i]!;
      const a1 = p1.coeff * y1[i]!;
      const a2 = p2.coeff * y2[i]!;
      const a3 = p3.coeff * y3[i]!;
      const row = i * n;
      for (let j = i; j < n; j++) {
        let c = C[row + j]!;
        c += a0 * y0[j]!;
        c += a1 * y1[j]!;
        c += a2 * y2[j]!;
        c += a3 * y3[j]!;
        C[row + j] = c;
      }
    }
  }
  for (; t0 < terms.length; t0++) {
    const { coeff, y } = terms[t0]!;
    for (let i = 0; i < n; i++) {
      const a = coeff * y[i]!;
      const row = i * n;
      for (let j = i; j < n; j++) C[row + j] = C[row + j]! + a * y[j]!;
    }
  }
}

/** out[0..n) += alpha · x[offset..offset+n) */
function axpy(alpha: number, x: Float64Array, offset: number, out: Float64Array, n: number): void {
  if (alpha === 0) return;
  for (let i = 0; i < n; i++) out[i] = out[i]! + alpha * x[offset + i]!;
}

function dot(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}
