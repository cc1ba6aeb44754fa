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
import { type CMAParameters, cmaParameters } from './cmaes-parameters.js';
import { type StopCriteriaOptions, StopHistory, type StopHistoryJSON } from './stop-criteria.js';

export interface SepCMAESOptions extends BaseOptions, StopCriteriaOptions {
  /** σ⁽⁰⁾ (required). */
  sigma: number;
  /** λ (default 4 + ⌊3 ln n⌋). */
  popSize?: number;
  mu?: number;
  /** m⁽⁰⁾ (default zeros). */
  mean?: ArrayLike<number>;
}

const VERSION = 1;
const MAX_SIGMA = 1e32;

/**
 * Separable CMA-ES (Ros & Hansen, "A Simple Modification in CMA-ES Achieving Linear Time and Space
 * Complexity", PPSN 2008): the tutorial's update equations with C restricted to its diagonal, and
 * the covariance learning rates c1, cμ multiplied by (n + 2)/3. O(λn) per generation, no
 * eigendecomposition: the choice for thousands of parameters. Only positive recombination weights
 * are used, which keeps the diagonal positive.
 */
export class SepCMAES extends EvolutionStrategyBase {
  readonly type: string = 'SepCMAES';
  readonly params: CMAParameters;
  readonly sigma0: number;
  private m: Float64Array;
  private step: number;
  /** diag(C), [n]. */
  private c: Float64Array;
  private pc: Float64Array;
  private ps: Float64Array;
  private readonly history: StopHistory;
  private zs: Float64Array[] = [];

  constructor(options: SepCMAESOptions) {
    const n = checkInteger('dim', options.dim, 1);
    const params = cmaParameters(n, { lambda: options.popSize, mu: options.mu, active: false, covarianceScale: (n + 2) / 3 });
    super(options, params.lambda);
    this.params = params;
    this.sigma0 = checkNumber('sigma', options.sigma, 0, true);
    this.step = this.sigma0;
    this.m = vectorFrom('mean', options.mean, n);
    this.c = new Float64Array(n).fill(1);
    this.pc = new Float64Array(n);
    this.ps = new Float64Array(n);
    this.history = new StopHistory(n, params.lambda, this.sigma0, options);
  }

  get mean(): Float64Array {
    return this.m.slice();
  }

  get sigma(): number {
    return this.step;
  }

  /** A copy of diag(C). */
  get covarianceDiagonal(): Float64Array {
    return this.c.slice();
  }

  protected sample(): Float64Array[] {
    const n = this.dim;
    this.zs = [];
    const out: Float64Array[] = [];
    for (let k = 0; k < this.popSize; k++) {
      const z = new Float64Array(n);
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        z[i] = this.rng.normal(); // eq. (38)
        x[i] = this.m[i]! + this.step * Math.sqrt(this.c[i]!) * z[i]!; // eqs. (39)–(40) with diagonal C
      }
      this.zs.push(z);
      out.push(x);
    }
    return out;
  }

  protected update(_population: Float64Array[], fitness: Float64Array): void {
    const n = this.dim;
    const { weights, mu, mueff, cm, cs, damps, cc, c1, cmu, chiN } = this.params;
    const order = rankDescending(fitness);
    const zw = new Float64Array(n);
    for (let r = 0; r < mu; r++) {
      const z = this.zs[order[r]!]!;
      const w = weights[r]!;
      for (let i = 0; i < n; i++) zw[i] = zw[i]! + w * z[i]!;
    }
    let psNorm2 = 0;
    const csNorm = Math.sqrt(cs * (2 - cs) * mueff);
    for (let i = 0; i < n; i++) {
      const d = Math.sqrt(this.c[i]!);
      this.m[i] = this.m[i]! + cm * this.step * d * zw[i]!; // eq. (42), <y>_w = D <z>_w
      this.ps[i] = (1 - cs) * this.ps[i]! + csNorm * zw[i]!; // eq. (43), C^{-1/2} <y>_w = <z>_w
      psNorm2 += this.ps[i]! * this.ps[i]!;
    }
    const psNorm = Math.sqrt(psNorm2);
    const hsig = psNorm / Math.sqrt(1 - (1 - cs) ** (2 * (this.gen + 1))) < (1.4 + 2 / (n + 1)) * chiN ? 1 : 0;
    const ccNorm = hsig * Math.sqrt(cc * (2 - cc) * mueff);
    const delta = (1 - hsig) * cc * (2 - cc);
    const decay = 1 + c1 * delta - c1 - cmu; // positive weights sum to 1
    for (let i = 0; i < n; i++) {
      const d = Math.sqrt(this.c[i]!);
      this.pc[i] = (1 - cc) * this.pc[i]! + ccNorm * d * zw[i]!; // eq. (45)
      let rankMu = 0;
      for (let r = 0; r < mu; r++) {
        const y = d * this.zs[order[r]!]![i]!;
        rankMu += weights[r]! * y * y;
      }
      this.c[i] = decay * this.c[i]! + c1 * this.pc[i]! * this.pc[i]! + cmu * rankMu; // eq. (47), diagonal
    }
    this.step = Math.min(this.step * Math.exp((cs / damps) * (psNorm / chiN - 1)), MAX_SIGMA); // eq. (44)
    const costs = new Float64Array(fitness.length);
    for (let k = 0; k < costs.length; k++) costs[k] = -fitness[k]!;
    this.history.record(costs);
    this.zs = [];
  }

  override stopReasons(): string[] {
    const D = new Float64Array(this.dim);
    for (let i = 0; i < this.dim; i++) D[i] = Math.sqrt(this.c[i]!);
    return this.history.reasons({
      generation: this.gen,
      sigma: this.step,
      mean: this.m,
      pc: this.pc,
      diagC: this.c,
      D,
      Bt: null,
      best: this.bestSoFar?.fitness,
    });
  }

  toJSON(): EvolutionStrategyJSON {
    return {
      ...this.baseJSON(VERSION),
      sigma0: this.sigma0,
      mu: this.params.mu,
      sigma: this.step,
      mean: Array.from(this.m),
      C: Array.from(this.c),
      pc: Array.from(this.pc),
      ps: Array.from(this.ps),
      history: this.history.toJSON(),
    };
  }

  static fromJSON(json: unknown): SepCMAES {
    const j = checkJSON(json, 'SepCMAES', VERSION);
    const n = j.dim;
    const hist = j.history as StopHistoryJSON;
    const es = new SepCMAES({ dim: n, sigma: j.sigma0 as number, popSize: j.popSize, mu: j.mu as number, weightDecay: j.weightDecay, ...hist.options });
    es.restoreBase(j);
    es.step = checkNumber('sigma', j.sigma, 0, true);
    es.m = vectorFrom('mean', j.mean as number[], n);
    es.c = vectorFrom('C', j.C as number[], n);
    es.pc = vectorFrom('pc', j.pc as number[], n);
    es.ps = vectorFrom('ps', j.ps as number[], n);
    es.history.restore(hist);
    return es;
  }
}
