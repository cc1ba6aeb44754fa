import { Rng, type RngState } from '@worldmodels/core/rng';

/** The best candidate seen so far, by raw (unpenalised) fitness. */
export interface BestCandidate {
  params: Float64Array;
  fitness: number;
  /** The generation (0-based) in which it was evaluated. */
  generation: number;
}

/**
 * One ask/tell interface for every search strategy (estool's shape):
 *
 * ```ts
 * const xs = es.ask();   // popSize candidates
 * es.tell(fitness);      // one number per candidate, higher is better
 * ```
 */
export interface EvolutionStrategy {
  /** The class name, also written into `toJSON().type`. */
  readonly type: string;
  readonly dim: number;
  readonly popSize: number;
  /** Completed generations (tell calls). */
  readonly generation: number;
  /** The centre of the search distribution (for SimpleGA: the best elite). A copy. */
  readonly mean: Float64Array;
  /** The overall step size (for per-coordinate strategies: the mean step size). */
  readonly sigma: number;
  readonly best: BestCandidate | null;
  ask(): Float64Array[];
  tell(fitness: readonly number[]): void;
  /** True once a stopping criterion holds; {@link stopReasons} names which. */
  shouldStop(): boolean;
  stopReasons(): string[];
  toJSON(): EvolutionStrategyJSON;
}

/** The serialised state shared by every strategy; each adds its own fields. */
export interface EvolutionStrategyJSON {
  type: string;
  version: number;
  dim: number;
  popSize: number;
  generation: number;
  /** The RNG state from which the next `ask()` samples. */
  rng: RngState;
  best: { params: number[]; fitness: number; generation: number } | null;
  weightDecay: number;
  [key: string]: unknown;
}

/** Options every strategy takes. */
export interface BaseOptions {
  /** Number of parameters. */
  dim: number;
  /** Seed of the strategy's own random stream (default 0). */
  seed?: number;
  /**
   * L2 penalty: a candidate's fitness is reduced by `weightDecay · mean(x²)` before the update, which
   * pulls the search towards small weights. (The reference code added this term to costs instead of
   * subtracting it, rewarding large weights; here the sign is right.) Default 0.
   */
  weightDecay?: number;
}

/**
 * Shared machinery: the pending population between `ask` and `tell`, fitness validation, weight
 * decay, best-so-far tracking and the common part of the JSON state.
 *
 * `ask()` is idempotent until `tell()`: it returns copies of the same pending population. The RNG
 * state saved by `toJSON()` is the one *before* the pending population was drawn, so a strategy
 * restored mid-generation asks the same candidates again.
 */
export abstract class EvolutionStrategyBase implements EvolutionStrategy {
  abstract readonly type: string;
  readonly dim: number;
  readonly popSize: number;
  readonly weightDecay: number;
  protected rng: Rng;
  protected gen = 0;
  protected bestSoFar: BestCandidate | null = null;
  private pending: Float64Array[] | null = null;
  private rngBeforeAsk: RngState | null = null;

  protected constructor(options: BaseOptions, popSize: number) {
    this.dim = checkInteger('dim', options.dim, 1);
    this.popSize = checkInteger('popSize', popSize, 2);
    this.weightDecay = checkNumber('weightDecay', options.weightDecay ?? 0, 0);
    this.rng = new Rng(checkInteger('seed', options.seed ?? 0, -Infinity));
  }

  get generation(): number {
    return this.gen;
  }

  get best(): BestCandidate | null {
    return this.bestSoFar && { ...this.bestSoFar, params: this.bestSoFar.params.slice() };
  }

  abstract get mean(): Float64Array;
  abstract get sigma(): number;

  ask(): Float64Array[] {
    if (!this.pending) {
      this.rngBeforeAsk = this.rng.getState();
      this.pending = this.sample();
      if (this.pending.length !== this.popSize) throw new Error(`internal: sampled ${this.pending.length} candidates, expected ${this.popSize}`);
    }
    return this.pending.map((x) => x.slice());
  }

  tell(fitness: readonly number[]): void {
    if (!this.pending) throw new Error(`${this.type}.tell() called without a pending population: call ask() first`);
    if (!Array.isArray(fitness) && !ArrayBuffer.isView(fitness)) throw new Error(`${this.type}.tell() needs an array of ${this.popSize} fitness values`);
    if (fitness.length !== this.popSize) throw new Error(`${this.type}.tell() got ${fitness.length} fitness values, expected popSize = ${this.popSize}`);
    const effective = new Float64Array(this.popSize);
    for (let k = 0; k < this.popSize; k++) {
      const f = fitness[k]!;
      if (typeof f !== 'number' || Number.isNaN(f) || f === Infinity) throw new Error(`${this.type}.tell(): fitness[${k}] is ${f}; expected a finite number or -Infinity`);
      effective[k] = this.weightDecay > 0 ? f - this.weightDecay * meanSquare(this.pending[k]!) : f;
      if (!this.bestSoFar || f > this.bestSoFar.fitness) this.bestSoFar = { params: this.pending[k]!.slice(), fitness: f, generation: this.gen };
    }
    const population = this.pending;
    this.pending = null;
    this.rngBeforeAsk = null;
    this.update(population, effective);
    this.gen++;
  }

  shouldStop(): boolean {
    return this.stopReasons().length > 0;
  }

  stopReasons(): string[] {
    return [];
  }

  abstract toJSON(): EvolutionStrategyJSON;

  /** Draws popSize candidates from the current search distribution. */
  protected abstract sample(): Float64Array[];

  /** Updates the search distribution from the candidates and their (penalised) fitness. */
  protected abstract update(population: Float64Array[], fitness: Float64Array): void;

  protected baseJSON(version: number): EvolutionStrategyJSON {
    const b = this.bestSoFar;
    return {
      type: this.type,
      version,
      dim: this.dim,
      popSize: this.popSize,
      generation: this.gen,
      rng: this.rngBeforeAsk ?? this.rng.getState(),
      best: b && { params: Array.from(b.params), fitness: b.fitness, generation: b.generation },
      weightDecay: this.weightDecay,
    };
  }

  protected restoreBase(json: EvolutionStrategyJSON): void {
    this.gen = checkInteger('generation', json.generation, 0);
    this.rng = Rng.fromState(json.rng);
    this.bestSoFar = json.best && {
      params: vectorFrom('best.params', json.best.params, this.dim),
      fitness: json.best.fitness ?? -Infinity, // JSON writes -Infinity as null
      generation: json.best.generation,
    };
  }
}

/** Checks the type tag and version of a serialised strategy. */
export function checkJSON(json: unknown, type: string, version: number): EvolutionStrategyJSON {
  if (!json || typeof json !== 'object') throw new Error(`${type}.fromJSON needs an object, got ${typeof json}`);
  const j = json as EvolutionStrategyJSON;
  if (j.type !== type) throw new Error(`${type}.fromJSON got state of type '${String(j.type)}'`);
  if (j.version !== version) throw new Error(`${type}.fromJSON: unsupported state version ${String(j.version)} (expected ${version})`);
  return j;
}

export function checkInteger(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer${min > -Infinity ? ` ≥ ${min}` : ''}, got ${String(value)}`);
  }
  return value;
}

export function checkNumber(name: string, value: unknown, min: number, exclusive = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (exclusive && value === min)) {
    throw new Error(`${name} must be a finite number ${exclusive ? '>' : '≥'} ${min}, got ${String(value)}`);
  }
  return value;
}

/** A Float64Array copy of `values`, checked to have length `dim` and finite entries. */
export function vectorFrom(name: string, values: ArrayLike<number> | undefined, dim: number, fill = 0): Float64Array {
  if (values === undefined) return new Float64Array(dim).fill(fill);
  if (values.length !== dim) throw new Error(`${name} has length ${values.length}, expected dim = ${dim}`);
  const out = Float64Array.from(values);
  for (let i = 0; i < dim; i++) if (!Number.isFinite(out[i]!)) throw new Error(`${name}[${i}] is ${out[i]}, expected a finite number`);
  return out;
}

export function meanSquare(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return s / x.length;
}

/** Indices of `fitness` sorted from best (highest) to worst; ties keep index order. */
export function rankDescending(fitness: ArrayLike<number>): number[] {
  const idx = Array.from({ length: fitness.length }, (_, i) => i);
  idx.sort((a, b) => fitness[b]! - fitness[a]! || a - b);
  return idx;
}
