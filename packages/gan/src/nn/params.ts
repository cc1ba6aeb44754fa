import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@worldmodels/core/rng';

/** How a parameter starts: N(mean, std) drawn from the store's seeded stream, or a constant. */
export type Init = { normal: { mean: number; std: number } } | { constant: number };

/** DCGAN / pix2pix / CycleGAN initialisation of conv and dense weights: N(0, 0.02). */
export const WEIGHT_INIT: Init = { normal: { mean: 0, std: 0.02 } };
/** Batch-norm scale as the reference code initialises it: N(1, 0.02). */
export const NORM_SCALE_INIT: Init = { normal: { mean: 1, std: 0.02 } };
export const ZERO_INIT: Init = { constant: 0 };

/**
 * The named parameters of one network. Values are drawn from a seeded {@link Rng} on the CPU, so
 * the same seed gives the same network on every backend. tf variables get anonymous engine names
 * (several networks with the same layer names can coexist); the store's names are the stable
 * ones used in checkpoints.
 */
export class ParamStore {
  private readonly vars = new Map<string, { variable: tf.Variable; trainable: boolean }>();
  private disposed = false;

  constructor(
    readonly label: string,
    private readonly rng: Rng,
  ) {}

  /** Adds a parameter; `trainable: false` marks state such as batch-norm running statistics. */
  add(name: string, shape: number[], init: Init, trainable = true): tf.Variable {
    if (this.vars.has(name)) throw new Error(`${this.label}: parameter '${name}' is defined twice`);
    if (shape.some((d) => !Number.isInteger(d) || d <= 0)) throw new Error(`${this.label}: parameter '${name}' has a bad shape [${shape.join(', ')}]`);
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if ('normal' in init) this.rng.derive(name).fillNormal(values, init.normal.mean, init.normal.std);
    else values.fill(init.constant);
    const variable = tf.variable(tf.tensor(values, shape), trainable);
    this.vars.set(name, { variable, trainable });
    return variable;
  }

  /** Trainable variables in definition order (the order optimizers see them in, every run). */
  trainableVariables(): tf.Variable[] {
    return [...this.vars.values()].filter((v) => v.trainable).map((v) => v.variable);
  }

  /** Every variable, trainable or not, by its stable name. */
  named(): Record<string, tf.Variable> {
    return Object.fromEntries([...this.vars].map(([k, v]) => [k, v.variable]));
  }

  /** Number of trainable scalars. */
  countTrainable(): number {
    return this.trainableVariables().reduce((n, v) => n + v.size, 0);
  }

  /**
   * Sets every parameter from `tensors` (keyed by the store's names). A missing name or a wrong
   * shape throws an error naming `where`, the parameter and both shapes.
   */
  assign(tensors: Record<string, tf.Tensor>, where: string): void {
    for (const [name, { variable }] of this.vars) {
      const t = tensors[name];
      if (!t) throw new Error(`${where}: no value for ${this.label} parameter '${name}'`);
      if (t.shape.join(',') !== variable.shape.join(',')) {
        throw new Error(`${where}: ${this.label} parameter '${name}' has shape [${t.shape.join(', ')}], expected [${variable.shape.join(', ')}]`);
      }
    }
    for (const [name, { variable }] of this.vars) variable.assign(tensors[name]!);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const { variable } of this.vars.values()) variable.dispose();
    this.vars.clear();
  }
}
