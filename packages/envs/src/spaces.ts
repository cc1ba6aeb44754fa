import type { Rng } from '@worldmodels/core/rng';

/** A set of valid actions or observations (Gymnasium's `Space`). */
export interface Space<T> {
  readonly shape: readonly number[];
  /** True when `x` is a member of the space (right type, length, finite values within bounds). */
  contains(x: unknown): x is T;
  /** A uniformly random member, drawn from `rng`. */
  sample(rng: Rng): T;
}

export type BoxDtype = 'float32' | 'uint8';

export interface BoxOptions {
  /** Lower bound: one number for every element, or one per element. */
  low: number | ArrayLike<number>;
  /** Upper bound: one number for every element, or one per element. */
  high: number | ArrayLike<number>;
  shape: number[];
  dtype: BoxDtype;
}

/** A box in R^n (or in 0..255^n for uint8): every element `i` lies in `[low[i], high[i]]`. */
export class Box implements Space<Float32Array | Uint8Array> {
  readonly shape: readonly number[];
  readonly low: Float32Array;
  readonly high: Float32Array;
  readonly dtype: BoxDtype;
  /** Number of elements (product of the shape). */
  readonly size: number;

  constructor(opts: BoxOptions) {
    const { shape, dtype } = opts;
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new Error(`Box shape must be a list of positive integers, got ${JSON.stringify(shape)}`);
    }
    if (dtype !== 'float32' && dtype !== 'uint8') throw new Error(`Box dtype must be 'float32' or 'uint8', got ${String(dtype)}`);
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = shape.reduce((a, b) => a * b, 1);
    this.low = broadcastBound(opts.low, this.size, 'low');
    this.high = broadcastBound(opts.high, this.size, 'high');
    for (let i = 0; i < this.size; i++) {
      if (!(this.low[i]! <= this.high[i]!)) throw new Error(`Box low[${i}]=${this.low[i]} is above high[${i}]=${this.high[i]}`);
    }
  }

  contains(x: unknown): x is Float32Array | Uint8Array {
    if (!(x instanceof Float32Array || x instanceof Uint8Array || Array.isArray(x))) return false;
    if (this.dtype === 'uint8' && !(x instanceof Uint8Array)) return false;
    if (x.length !== this.size) return false;
    for (let i = 0; i < this.size; i++) {
      const v = x[i] as number;
      if (typeof v !== 'number' || !Number.isFinite(v)) return false;
      if (v < this.low[i]! || v > this.high[i]!) return false;
    }
    return true;
  }

  /**
   * Uniform on each bounded element (integers for uint8); an unbounded side falls back to a
   * normal or exponential draw as Gymnasium does.
   */
  sample(rng: Rng): Float32Array | Uint8Array {
    const out = this.dtype === 'uint8' ? new Uint8Array(this.size) : new Float32Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i]!;
      const hi = this.high[i]!;
      if (this.dtype === 'uint8') {
        out[i] = rng.integer(Math.ceil(lo), Math.floor(hi) + 1);
      } else if (Number.isFinite(lo) && Number.isFinite(hi)) {
        out[i] = rng.uniform(lo, hi);
      } else if (Number.isFinite(lo)) {
        out[i] = lo - Math.log(1 - rng.random());
      } else if (Number.isFinite(hi)) {
        out[i] = hi + Math.log(1 - rng.random());
      } else {
        out[i] = rng.normal(0, 1);
      }
      // Float32 rounding can push a value just past a bound; keep samples members of the box.
      if (out[i]! > hi) out[i] = hi;
      if (out[i]! < lo) out[i] = lo;
    }
    return out;
  }

  toString(): string {
    const lo = uniformOrList(this.low);
    const hi = uniformOrList(this.high);
    return `Box(${lo}, ${hi}, [${this.shape.join(', ')}], ${this.dtype})`;
  }
}

/** The integers `0 .. n-1`. */
export class Discrete implements Space<number> {
  readonly shape: readonly number[] = Object.freeze([]);
  readonly n: number;

  constructor(n: number) {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`Discrete needs a positive integer n, got ${n}`);
    this.n = n;
  }

  contains(x: unknown): x is number {
    return typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < this.n;
  }

  sample(rng: Rng): number {
    return rng.int(this.n);
  }

  toString(): string {
    return `Discrete(${this.n})`;
  }
}

function broadcastBound(bound: number | ArrayLike<number>, size: number, name: string): Float32Array {
  if (typeof bound === 'number') {
    if (Number.isNaN(bound)) throw new Error(`Box ${name} is NaN`);
    return new Float32Array(size).fill(bound);
  }
  if (bound.length !== size) throw new Error(`Box ${name} has ${bound.length} values but the shape holds ${size}`);
  const out = Float32Array.from(bound);
  if (out.some(Number.isNaN)) throw new Error(`Box ${name} contains NaN`);
  return out;
}

function uniformOrList(a: Float32Array): string {
  const first = a[0];
  return a.every((v) => v === first) ? String(first) : `[${Array.from(a).join(', ')}]`;
}
