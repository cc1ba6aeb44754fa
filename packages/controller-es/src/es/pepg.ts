import { Adam, type AdamJSON } from './adam.js';
import { EvolutionStrategyBase, type EvolutionStrategyJSON, checkJSON, checkNumber, vectorFrom } from './evolution-strategy.js';
import { centeredRanks, standardize } from './fitness-shaping.js';

export interface PEPGOptions {
  dim: number;
  seed?: number;
  /** Population size, even: popSize/2 symmetric pairs (default 64). */
  popSize?: number;
  mean?: ArrayLike<number>;
  /** Initial per-parameter σ (default 0.1). */
  sigma?: number;
  /** Learning rate of σ (default 0.2). */
  sigmaAlpha?: number;
  /** σ_i ← max(σ_i·sigmaDecay, sigmaLimit) each generation (defaults 0.999, 0.01). */
  sigmaDecay?: number;
  sigmaLimit?: number;
  /** Largest relative change of σ_i per generation (default 0.2). */
  sigmaMaxChange?: number;
  /** Adam step size and its decay (defaults 0.01, 0.9999, 0.001). */
  learningRate?: number;
  learningRateDecay?: number;
  learningRateLimit?: number;
  /** Centred-rank fitness shaping (default true). */
  rankFitness?: boolean;
  /** L2 coefficient on the mean's ascent direction, ĝ − weightDecay·μ (default 0.01). */
  weightDecay?: number;
}

const VERSION = 1;

/**
 * PEPG, policy gradients with parameter-based exploration (Sehnke et al. 2010, "Parameter-exploring
 * policy gradients", symmetric sampling, §3): pairs μ ± ε with ε_i ~ N(0, σ_i²); the mean follows
 * Σ (r⁺ − r⁻)/2 · ε (through Adam), and each σ_i follows the reward-weighted
 * (ε_i² − σ_i²)/σ_i against the average-reward baseline.
 */
export class PEPG extends EvolutionStrategyBase {
  readonly type: string = 'PEPG';
  readonly rankFitness: boolean;
  readonly l2: number;
  readonly sigmaAlpha: number;
  readonly sigmaDecay: number;
  readonly sigmaLimit: number;
  readonly sigmaMaxChange: number;
  readonly learningRateDecay: number;
  readonly learningRateLimit: number;
  private mu: Float64Array;
  private sigmas: Float64Array;
  private lr: number;
  private adam: Adam;
  private eps: Float64Array[] = [];

  constructor(options: PEPGOptions) {
    const popSize = options.popSize ?? 64;
    super({ dim: options.dim, seed: options.seed, weightDecay: 0 }, popSize);
    if (popSize % 2 !== 0) throw new Error(`PEPG samples symmetric pairs and needs an even popSize, got ${popSize}`);
    this.rankFitness = options.rankFitness ?? true;
    this.l2 = checkNumber('weightDecay', options.weightDecay ?? 0.01, 0);
    this.sigmaAlpha = checkNumber('sigmaAlpha', options.sigmaAlpha ?? 0.2, 0);
    this.sigmaDecay = checkNumber('sigmaDecay', options.sigmaDecay ?? 0.999, 0, true);
    this.sigmaLimit = checkNumber('sigmaLimit', options.sigmaLimit ?? 0.01, 0);
    this.sigmaMaxChange = checkNumber('sigmaMaxChange', options.sigmaMaxChange ?? 0.2, 0);
    this.lr = checkNumber('learningRate', options.learningRate ?? 0.01, 0, true);
    this.learningRateDecay = checkNumber('learningRateDecay', options.learningRateDecay ?? 0.9999, 0, true);
    this.learningRateLimit = checkNumber('learningRateLimit', options.learningRateLimit ?? 0.001, 0);
    this.mu = vectorFrom('mean', options.mean, this.dim);
    this.sigmas = new Float64Array(this.dim).fill(checkNumber('sigma', options.sigma ?? 0.1, 0, true));
    this.adam = new Adam(this.dim);
  }

  get mean(): Float64Array {
    return this.mu.slice();
  }

  /** The mean of the per-parameter σ_i. */
  get sigma(): number {
    let s = 0;
    for (let i = 0; i < this.dim; i++) s += this.sigmas[i]!;
    return s / this.dim;
  }

  /** A copy of the per-parameter σ. */
  get sigmaVector(): Float64Array {
    return this.sigmas.slice();
  }

  protected sample(): Float64Array[] {
    const n = this.dim;
    const pairs = this.popSize / 2;
    this.eps = [];
    for (let k = 0; k < pairs; k++) {
      const e = new Float64Array(n);
      for (let i = 0; i < n; i++) e[i] = this.sigmas[i]! * this.rng.normal();
      this.eps.push(e);
    }
    const out: Float64Array[] = [];
    for (const sign of [1, -1]) {
      for (const e of this.eps) {
        const x = new Float64Array(n);
        for (let i = 0; i < n; i++) x[i] = this.mu[i]! + sign * e[i]!;
        out.push(x);
      }
    }
    return out;
  }

  protected update(_population: Float64Array[], fitness: Float64Array): void {
    const n = this.dim;
    const pairs = this.popSize / 2;
    const r = this.rankFitness ? centeredRanks(fitness) : standardize(fitness);
    let baseline = 0;
    for (let k = 0; k < this.popSize; k++) baseline += r[k]!;
    baseline /= this.popSize;
    let variance = 0;
    for (let k = 0; k < this.popSize; k++) variance += (r[k]! - baseline) ** 2;
    const rewardStd = Math.sqrt(variance / this.popSize);

    const g = new Float64Array(n);
    const gSigma = new Float64Array(n);
    for (let k = 0; k < pairs; k++) {
      const plus = r[k]!;
      const minus = r[k + pairs]!;
      const e = this.eps[k]!;
      const a = (plus - minus) / 2 / pairs; // mean gradient weight
      const b = (plus + minus) / 2 - baseline; // σ gradient weight
      for (let i = 0; i < n; i++) {
        g[i] = g[i]! + a * e[i]!;
        const s = this.sigmas[i]!;
        gSigma[i] = gSigma[i]! + (b * (e[i]! * e[i]! - s * s)) / s;
      }
    }
    for (let i = 0; i < n; i++) g[i] = g[i]! - this.l2 * this.mu[i]!;
    this.adam.step(this.mu, g, this.lr);

    if (rewardStd > 0) {
      for (let i = 0; i < n; i++) {
        const s = this.sigmas[i]!;
        const change = (this.sigmaAlpha * gSigma[i]!) / (pairs * rewardStd);
        const limit = this.sigmaMaxChange * s;
        this.sigmas[i] = s + Math.max(-limit, Math.min(limit, change));
      }
    }
    for (let i = 0; i < n; i++) {
      const s = this.sigmas[i]!;
      if (s > this.sigmaLimit) this.sigmas[i] = Math.max(s * this.sigmaDecay, this.sigmaLimit);
    }
    if (this.lr > this.learningRateLimit) this.lr = Math.max(this.lr * this.learningRateDecay, this.learningRateLimit);
    this.eps = [];
  }

  toJSON(): EvolutionStrategyJSON {
    return {
      ...this.baseJSON(VERSION),
      rankFitness: this.rankFitness,
      l2: this.l2,
      sigmaAlpha: this.sigmaAlpha,
      sigmaDecay: this.sigmaDecay,
      sigmaLimit: this.sigmaLimit,
      sigmaMaxChange: this.sigmaMaxChange,
      learningRate: this.lr,
      learningRateDecay: this.learningRateDecay,
      learningRateLimit: this.learningRateLimit,
      mean: Array.from(this.mu),
      sigmas: Array.from(this.sigmas),
      adam: this.adam.toJSON(),
    };
  }

  static fromJSON(json: unknown): PEPG {
    const j = checkJSON(json, 'PEPG', VERSION);
    const es = new PEPG({
      dim: j.dim,
      popSize: j.popSize,
      rankFitness: j.rankFitness as boolean,
      weightDecay: j.l2 as number,
      sigmaAlpha: j.sigmaAlpha as number,
      sigmaDecay: j.sigmaDecay as number,
      sigmaLimit: j.sigmaLimit as number,
      sigmaMaxChange: j.sigmaMaxChange as number,
      learningRate: j.learningRate as number,
      learningRateDecay: j.learningRateDecay as number,
      learningRateLimit: j.learningRateLimit as number,
      mean: j.mean as number[],
    });
    es.restoreBase(j);
    es.sigmas = vectorFrom('sigmas', j.sigmas as number[], es.dim);
    es.adam = Adam.fromJSON(j.adam as AdamJSON, es.dim);
    return es;
  }
}
