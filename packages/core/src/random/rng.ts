import { seedState } from './hash.js';

/** The serialisable state of an {@link Rng}: enough to resume a stream exactly. */
export interface RngState {
  seed: number;
  path: (string | number)[];
  /** xoshiro128** state words. */
  s: [number, number, number, number];
  /** A cached second normal deviate from the polar method, or null. */
  spareNormal: number | null;
}

/**
 * The one seeded random number generator of the project (xoshiro128**, Blackman & Vigna 2018).
 *
 * Every JS-side random choice (env resets, exploration noise, data shuffling, ES populations)
 * draws from an `Rng`. Independent streams are derived by label, so a whole run is reproducible
 * from one seed and streams for workers, episodes and generations do not overlap:
 *
 * ```ts
 * const root = new Rng(42);
 * const ep = root.derive('worker', 3).derive('episode', 17);
 * ep.random(); // the same value every run, whatever else was drawn from root
 * ```
 */
export class Rng {
  readonly seed: number;
  readonly path: readonly (string | number)[];
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | null = null;

  constructor(seed: number, path: readonly (string | number)[] = []) {
    if (!Number.isInteger(seed)) throw new Error(`Rng seed must be an integer, got ${seed}`);
    this.seed = seed;
    this.path = [...path];
    const s = seedState(seed, path);
    this.s0 = s[0]!;
    this.s1 = s[1]!;
    this.s2 = s[2]!;
    this.s3 = s[3]!;
  }

  /** A new independent stream named by `labels` below this one; this stream is not advanced. */
  derive(...labels: (string | number)[]): Rng {
    return new Rng(this.seed, [...this.path, ...labels]);
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 bits of precision. */
  random(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.random();
  }

  /** Uniform integer in [0, n) without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 4294967296) throw new Error(`Rng.int needs an integer n in [1, 2^32], got ${n}`);
    if (n === 4294967296) return this.nextUint32();
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Uniform integer in [low, high). */
  integer(low: number, high: number): number {
    return low + this.int(high - low);
  }

  /** A standard normal deviate (Marsaglia's polar method). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + std * z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.random() - 1;
      v = 2 * this.random() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return mean + std * u * f;
  }

  /** Fills `out` with standard normal deviates. */
  fillNormal<T extends Float32Array | Float64Array>(out: T, mean = 0, std = 1): T {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, std);
    return out;
  }

  /** Fills `out` with uniform deviates in [low, high). */
  fillUniform<T extends Float32Array | Float64Array>(out: T, low = 0, high = 1): T {
    for (let i = 0; i < out.length; i++) out[i] = this.uniform(low, high);
    return out;
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.random() < p;
  }

  /** Index drawn from unnormalised non-negative weights ({@link categoricalAt} at a uniform draw). */
  categorical(weights: ArrayLike<number>): number {
    return categoricalAt(weights, this.random());
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
    return items;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }

  /** An element chosen uniformly. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.choice of an empty list');
    return items[this.int(items.length)]!;
  }

  /**
   * A 31-bit integer seed for APIs that take one (e.g. `tf.randomNormal(shape, 0, 1, 'float32', seed)`),
   * drawn from this stream.
   */
  nextSeed(): number {
    return this.nextUint32() >>> 1;
  }

  /** The state, for checkpoints; {@link Rng.fromState} resumes the stream exactly. */
  getState(): RngState {
    return { seed: this.seed, path: [...this.path], s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spareNormal: this.spareNormal };
  }

  /** Restores a stream saved with {@link Rng.getState}. */
  static fromState(state: RngState): Rng {
    const rng = new Rng(state.seed, state.path);
    const [a, b, c, d] = state.s;
    if ([a, b, c, d].some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) throw new Error('Rng state words must be 32-bit unsigned integers');
    if ((a | b | c | d) === 0) throw new Error('Rng state must not be all zeros');
    rng.s0 = a >>> 0;
    rng.s1 = b >>> 0;
    rng.s2 = c >>> 0;
    rng.s3 = d >>> 0;
    rng.spareNormal = state.spareNormal;
    return rng;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * The inverse CDF of unnormalised non-negative weights at u ∈ [0, 1): the first index whose
 * cumulative weight passes u · total. `Rng.categorical` feeds it a draw of its own; callers with
 * their random numbers given (common random numbers) feed it theirs.
 */
export function categoricalAt(weights: ArrayLike<number>, u: number): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (!(w >= 0)) throw new Error(`Rng.categorical weight ${i} is ${w}; weights must be non-negative numbers`);
    total += w;
  }
  if (!(total > 0)) throw new Error('Rng.categorical needs at least one positive weight');
  let r = u * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!;
    if (r < 0) return i;
  }
  return weights.length - 1;
}
