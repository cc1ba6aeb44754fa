import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@worldmodels/core/rng';
import { glorotUniform } from './init.js';

let storeCounter = 0;

/**
 * The named `tf.Variable`s of one model. Layers register their weights here by a stable name
 * (`gated2/h_kernel`), so a model saves, loads and counts its parameters in one place.
 * A mask registered beside a kernel is a constant (never saved) that `masked(name)` applies.
 */
export class VariableStore {
  private readonly variables = new Map<string, tf.Variable>();
  private readonly masks = new Map<string, tf.Tensor>();
  /** Masked kernels computed once while the weights are known not to change (sampling). */
  private frozen: Map<string, tf.Tensor> | null = null;
  private readonly prefix = `pixelcnn${storeCounter++}`;
  private disposed = false;

  constructor(private readonly rng: Rng) {}

  /** A Glorot-initialised kernel, masked by `mask` (flat, same layout) when given. */
  kernel(name: string, shape: number[], mask?: Float32Array, fanScale = 1): tf.Variable {
    const values = glorotUniform(shape, this.rng.derive(name), mask, fanScale);
    if (mask) {
      if (mask.length !== values.length) throw new Error(`mask of ${name} has ${mask.length} entries, the kernel ${values.length}`);
      this.masks.set(name, tf.keep(tf.tensor(mask, shape, 'float32')));
    }
    return this.add(name, tf.tensor(values, shape, 'float32'));
  }

  /** A zero-initialised variable (biases, conditioning projections of new models). */
  zeros(name: string, shape: number[]): tf.Variable {
    return this.add(name, tf.zeros(shape, 'float32'));
  }

  /** The variable `name`. */
  get(name: string): tf.Variable {
    this.checkAlive();
    const v = this.variables.get(name);
    if (!v) throw new Error(`no variable '${name}' in this model`);
    return v;
  }

  /** The kernel with its mask applied (the kernel itself when it has none). Call inside tidy. */
  masked(name: string): tf.Tensor {
    const cached = this.frozen?.get(name);
    if (cached) return cached;
    const v = this.get(name);
    const m = this.masks.get(name);
    return m ? tf.mul(v, m) : v;
  }

  /**
   * Runs `fn` with every masked kernel multiplied out once (for sampling, where each step would
   * otherwise repeat the multiplication). The weights must not change inside `fn`.
   */
  withFrozenMasks<T>(fn: () => T): T {
    if (this.frozen) return fn();
    this.frozen = new Map([...this.masks].map(([name, m]) => [name, tf.keep(tf.mul(this.get(name), m))]));
    try {
      return fn();
    } finally {
      for (const t of this.frozen.values()) t.dispose();
      this.frozen = null;
    }
  }

  /** The mask of `name`, or undefined. */
  mask(name: string): tf.Tensor | undefined {
    return this.masks.get(name);
  }

  get names(): string[] {
    return [...this.variables.keys()];
  }

  get trainableVariables(): tf.Variable[] {
    this.checkAlive();
    return [...this.variables.values()];
  }

  /** All stored weights, including kernel entries a mask holds at zero. */
  countParams(): number {
    let n = 0;
    for (const v of this.variables.values()) n += v.size;
    return n;
  }

  /** Weights a mask does not zero: the model's free parameters. */
  countEffectiveParams(): number {
    let n = 0;
    for (const [name, v] of this.variables) {
      const m = this.masks.get(name);
      n += m ? (m.dataSync() as Float32Array).reduce((a, b) => a + b, 0) : v.size;
    }
    return n;
  }

  /** Shapes by name (for checkpoint validation). */
  shapes(): Record<string, number[]> {
    return Object.fromEntries([...this.variables].map(([n, v]) => [n, v.shape.slice()]));
  }

  /** The variables by name (not copies: do not dispose). */
  getWeights(): Record<string, tf.Variable> {
    this.checkAlive();
    return Object.fromEntries(this.variables);
  }

  /** Assigns every variable from `weights`; all names required, shapes checked, masks re-applied. */
  setWeights(weights: Record<string, tf.Tensor>, where = 'weights'): void {
    this.checkAlive();
    for (const [name, v] of this.variables) {
      const t = weights[name];
      if (!t) throw new Error(`${where}: missing variable '${name}'`);
      if (t.shape.join(',') !== v.shape.join(',')) throw new Error(`${where}: variable '${name}' has shape [${t.shape}], expected [${v.shape}]`);
    }
    for (const [name, v] of this.variables) {
      tf.tidy(() => {
        const value = tf.cast(weights[name]!, 'float32');
        const m = this.masks.get(name);
        v.assign(m ? tf.mul(value, m) : value);
      });
    }
  }

  dispose(): void {
    if (this.disposed) return;
    for (const v of this.variables.values()) v.dispose();
    for (const m of this.masks.values()) m.dispose();
    this.variables.clear();
    this.masks.clear();
    this.disposed = true;
  }

  private add(name: string, init: tf.Tensor): tf.Variable {
    this.checkAlive();
    if (this.variables.has(name)) {
      init.dispose();
      throw new Error(`variable '${name}' is defined twice`);
    }
    const v = tf.variable(init, true, `${this.prefix}/${name}`);
    init.dispose();
    this.variables.set(name, v);
    return v;
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('this PixelCNN model has been disposed');
  }
}
