import { Adam, type AdamJSON } from './adam.js';
import { EvolutionStrategyBase, type EvolutionStrategyJSON, checkInteger, checkJSON, checkNumber, vectorFrom } from './evolution-strategy.js';
import { centeredRanks, standardize } from './fitness-shaping.js';

export interface OpenESOptions {
  dim: number;
  seed?: number;
  /** Population size; even when antithetic (default 64). */
  popSize?: number;
  /** Initial centre (default zeros). */
  mean?: ArrayLike<number>;
  /** Initial noise standard deviation (default 0.1). */
  sigma?: number;
  /** σ ← max(σ·sigmaDecay, sigmaLimit) after each generation (defaults 0.999, 0.01). */
  sigmaDecay?: number;
  sigmaLimit?: number;
  /** Adam step size and its decay, as for σ (defaults 0.01, 0.9999, 0.001). */
  learningRate?: number;
  learningRateDecay?: number;
  learningRateLimit?: number;
  /** Mirrored sampling ε, −ε (default true). */
  antithetic?: boolean;
  /** Centred-rank fitness shaping (default true); otherwise standardised fitness. */
  rankFitness?: boolean;
  /**
   * L2 coefficient: the ascent direction is ĝ − weightDecay·θ, i.e. the objective is
   * F(θ) − (weightDecay/2)‖θ‖², which pulls θ towards zero (default 0.01).
   */
  weightDecay?: number;
}

const VERSION = 1;

/**
 * OpenAI-ES (Salimans et al. 2017): Gaussian perturbations θ + σε (mirrored), centred-rank
 * fitness shaping, the search-gradient estimate ĝ = 1/(λσ) Σ F̃_k ε_k, weight decay and Adam.
 */
export class OpenES extends EvolutionStrategyBase {
  readonly type: string = 'OpenES';
  readonly antithetic: boolean;
  readonly rankFitness: boolean;
  readonly l2: number;
  readonly sigmaDecay: number;
  readonly sigmaLimit: number;
  readonly learningRateDecay: number;
  readonly learningRateLimit: number;
  private theta: Float64Array;
  private step: number;
  private lr: number;
  private adam: Adam;
  private eps: Float64Array[] = [];

  constructor(options: OpenESOptions) {
    const popSize = options.popSize ?? 64;
    super({ dim: options.dim, seed: options.seed, weightDecay: 0 }, popSize);
    this.antithetic = options.antithetic ?? true;
    if (this.antithetic && popSize % 2 !== 0) throw new Error(`OpenES with antithetic sampling needs an even popSize, got ${popSize}`);
    this.rankFitness = options.rankFitness ?? true;
    this.l2 = checkNumber('weightDecay', options.weightDecay ?? 0.01, 0);
    this.step = checkNumber('sigma', options.sigma ?? 0.1, 0, true);
    this.sigmaDecay = checkNumber('sigmaDecay', options.sigmaDecay ?? 0.999, 0, true);
    this.sigmaLimit = checkNumber('sigmaLimit', options.sigmaLimit ?? 0.01, 0);
    this.lr = checkNumber('learningRate', options.learningRate ?? 0.01, 0, true);
    this.learningRateDecay = checkNumber('learningRateDecay', options.learningRateDecay ?? 0.9999, 0, true);
    this.learningRateLimit = checkNumber('learningRateLimit', options.learningRateLimit ?? 0.001, 0);
    this.theta = vectorFrom('mean', options.mean, this.dim);
    this.adam = new Adam(this.dim);
  }

  get mean(): Float64Array {
    return this.theta.slice();
  }

  get sigma(): number {
    return this.step;
  }

  get learningRate(): number {
    return this.lr;
  }

  protected sample(): Float64Array[] {
    const n = this.dim;
    const drawn = this.antithetic ? this.popSize / 2 : this.popSize;
    this.eps = [];
    for (let k = 0; k < drawn; k++) this.eps.push(this.rng.fillNormal(new Float64Array(n)));
    if (this.antithetic) for (let k = 0; k < drawn; k++) this.eps.push(this.eps[k]!.map((v) => -v));
    return this.eps.map((e) => {
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) x[i] = this.theta[i]! + this.step * e[i]!;
      return x;
    });
  }

  protected update(_population: Float64Array[], fitness: Float64Array): void {
    const n = this.dim;
    const shaped = this.rankFitness ? centeredRanks(fitness) : standardize(fitness);
    const g = new Float64Array(n);
    const scale = 1 / (this.popSize * this.step);
    for (let k = 0; k < this.popSize; k++) {
      const a = shaped[k]! * scale;
      if (a === 0) continue;
      const e = this.eps[k]!;
      for (let i = 0; i < n; i++) g[i] = g[i]! + a * e[i]!;
    }
    for (let i = 0; i < n; i++) g[i] = g[i]! - this.l2 * this.theta[i]!;
    this.adam.step(this.theta, g, this.lr);
    if (this.step > this.sigmaLimit) this.step = Math.max(this.step * this.sigmaDecay, this.sigmaLimit);
    if (this.lr > this.learningRateLimit) this.lr = Math.max(this.lr * this.learningRateDecay, this.learningRateLimit);
    this.eps = [];
  }

  toJSON(): EvolutionStrategyJSON {
    return {
      ...this.baseJSON(VERSION),
      antithetic: this.antithetic,
      rankFitness: this.rankFitness,
      l2: this.l2,
      sigma: this.step,
      sigmaDecay: this.sigmaDecay,
      sigmaLimit: this.sigmaLimit,
      learningRate: this.lr,
      learningRateDecay: this.learningRateDecay,
      learningRateLimit: this.learningRateLimit,
      mean: Array.from(this.theta),
      adam: this.adam.toJSON(),
    };
  }

  static fromJSON(json: unknown): OpenES {
    const j = checkJSON(json, 'OpenES', VERSION);
    const es = new OpenES({
      dim: checkInteger('dim', j.dim, 1),
      popSize: j.popSize,
      antithetic: j.antithetic as boolean,
      rankFitness: j.rankFitness as boolean,
      weightDecay: j.l2 as number,
      sigma: j.sigma as number,
      sigmaDecay: j.sigmaDecay as number,
      sigmaLimit: j.sigmaLimit as number,
      learningRate: j.learningRate as number,
      learningRateDecay: j.learningRateDecay as number,
      learningRateLimit: j.learningRateLimit as number,
      mean: j.mean as number[],
    });
    es.restoreBase(j);
    es.adam = Adam.fromJSON(j.adam as AdamJSON, es.dim);
    return es;
  }
}
