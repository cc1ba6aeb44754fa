import { type BaseOptions, EvolutionStrategyBase, type EvolutionStrategyJSON, checkJSON, checkNumber, rankDescending, vectorFrom } from './evolution-strategy.js';

export interface SimpleGAOptions extends BaseOptions {
  /** Population size (default 64). */
  popSize?: number;
  /** Centre of the first population (default zeros). */
  mean?: ArrayLike<number>;
  /** Mutation standard deviation (default 0.1), decayed as σ ← max(σ·sigmaDecay, sigmaLimit). */
  sigma?: number;
  sigmaDecay?: number;
  sigmaLimit?: number;
  /** Fraction of the population kept unchanged as elites (default 0.1, at least one). */
  eliteRatio?: number;
}

const VERSION = 1;

/**
 * A simple genetic algorithm with elitism (estool's SimpleGA): the best ⌈eliteRatio·λ⌉ candidates
 * survive unchanged into the next population (and are evaluated again, so noisy luck does not
 * persist); every other child takes each parameter from one of two random elites (uniform
 * crossover) and adds N(0, σ²) mutation. `mean` is the best elite.
 */
export class SimpleGA extends EvolutionStrategyBase {
  readonly type: string = 'SimpleGA';
  readonly eliteCount: number;
  readonly sigmaDecay: number;
  readonly sigmaLimit: number;
  private step: number;
  private center: Float64Array;
  private elites: Float64Array[] = [];
  private eliteFitness: number[] = [];

  constructor(options: SimpleGAOptions) {
    const popSize = options.popSize ?? 64;
    super(options, popSize);
    const ratio = checkNumber('eliteRatio', options.eliteRatio ?? 0.1, 0, true);
    if (ratio >= 1) throw new Error(`eliteRatio must be below 1, got ${ratio}`);
    this.eliteCount = Math.max(1, Math.ceil(ratio * popSize));
    if (this.eliteCount >= popSize) throw new Error(`SimpleGA needs popSize > elite count (${this.eliteCount}), got ${popSize}`);
    this.step = checkNumber('sigma', options.sigma ?? 0.1, 0, true);
    this.sigmaDecay = checkNumber('sigmaDecay', options.sigmaDecay ?? 0.999, 0, true);
    this.sigmaLimit = checkNumber('sigmaLimit', options.sigmaLimit ?? 0.01, 0);
    this.center = vectorFrom('mean', options.mean, this.dim);
  }

  get mean(): Float64Array {
    return (this.elites[0] ?? this.center).slice();
  }

  get sigma(): number {
    return this.step;
  }

  /** Fitness of the current elites, best first (as measured in the generation that selected them). */
  get eliteFitnessValues(): number[] {
    return [...this.eliteFitness];
  }

  protected sample(): Float64Array[] {
    const n = this.dim;
    const out: Float64Array[] = [];
    if (this.elites.length === 0) {
      for (let k = 0; k < this.popSize; k++) {
        const x = new Float64Array(n);
        for (let i = 0; i < n; i++) x[i] = this.center[i]! + this.step * this.rng.normal();
        out.push(x);
      }
      return out;
    }
    for (const e of this.elites) out.push(e.slice());
    while (out.length < this.popSize) {
      const a = this.elites[this.rng.int(this.elites.length)]!;
      const b = this.elites[this.rng.int(this.elites.length)]!;
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) x[i] = (this.rng.random() < 0.5 ? a[i]! : b[i]!) + this.step * this.rng.normal();
      out.push(x);
    }
    return out;
  }

  protected update(population: Float64Array[], fitness: Float64Array): void {
    const order = rankDescending(fitness);
    this.elites = order.slice(0, this.eliteCount).map((k) => population[k]!.slice());
    this.eliteFitness = order.slice(0, this.eliteCount).map((k) => fitness[k]!);
    if (this.step > this.sigmaLimit) this.step = Math.max(this.step * this.sigmaDecay, this.sigmaLimit);
  }

  toJSON(): EvolutionStrategyJSON {
    return {
      ...this.baseJSON(VERSION),
      eliteRatio: this.eliteCount / this.popSize,
      eliteCount: this.eliteCount,
      sigma: this.step,
      sigmaDecay: this.sigmaDecay,
      sigmaLimit: this.sigmaLimit,
      center: Array.from(this.center),
      elites: this.elites.map((e) => Array.from(e)),
      eliteFitness: [...this.eliteFitness],
    };
  }

  static fromJSON(json: unknown): SimpleGA {
    const j = checkJSON(json, 'SimpleGA', VERSION);
    const es = new SimpleGA({
      dim: j.dim,
      popSize: j.popSize,
      weightDecay: j.weightDecay,
      sigma: j.sigma as number,
      sigmaDecay: j.sigmaDecay as number,
      sigmaLimit: j.sigmaLimit as number,
      mean: j.center as number[],
      eliteRatio: j.eliteRatio as number,
    });
    (es as { eliteCount: number }).eliteCount = j.eliteCount as number;
    es.restoreBase(j);
    es.elites = (j.elites as number[][]).map((e, i) => vectorFrom(`elites[${i}]`, e, es.dim));
    es.eliteFitness = [...(j.eliteFitness as number[])];
    return es;
  }
}
