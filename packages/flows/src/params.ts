import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@worldmodels/core/rng';

let instanceCounter = 0;

/**
 * The raw variables of one flow, under stable names (`level0/step1/actnorm/logs`) that are used
 * in checkpoints. TensorFlow.js registers variables globally by name, so each store prefixes its
 * own instance number to the engine-level name; the stable names never see that prefix.
 */
export class ParamStore {
  private readonly vars = new Map<string, tf.Variable>();
  private readonly prefix = `flows${instanceCounter++}`;

  constructor(readonly rng: Rng) {}

  /** Registers `init` (kept by the store) as a trainable variable called `name`. */
  variable(name: string, init: tf.Tensor, trainable = true): tf.Variable {
    if (this.vars.has(name)) throw new Error(`flow parameter '${name}' is defined twice`);
    const v = tf.variable(init, trainable, `${this.prefix}/${name}`);
    init.dispose();
    this.vars.set(name, v);
    return v;
  }

  /** Normal(0, std²) initial values drawn from the store's seeded RNG. */
  normal(shape: number[], std: number): tf.Tensor {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    this.rng.fillNormal(values);
    for (let i = 0; i < size; i++) values[i]! *= std;
    return tf.tensor(values, shape, 'float32');
  }

  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`flow has no parameter '${name}'`);
    return v;
  }

  names(): string[] {
    return [...this.vars.keys()];
  }

  /** All variables by stable name, in creation order. */
  named(): Record<string, tf.Variable> {
    return Object.fromEntries(this.vars);
  }

  trainable(): tf.Variable[] {
    return [...this.vars.values()].filter((v) => v.trainable);
  }

  /** Number of scalar parameters (trainable or not). */
  count(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  /** Bytes held by the parameters (float32). */
  bytes(): number {
    return this.count() * 4;
  }

  /** Copies values into the variables, checking names and shapes. */
  assign(tensors: Record<string, tf.Tensor>, where = 'checkpoint'): void {
    for (const [name, v] of this.vars) {
      const t = tensors[name];
      if (!t) throw new Error(`${where} has no value for flow parameter '${name}'`);
      if (t.shape.join(',') !== v.shape.join(',')) {
        throw new Error(`${where}: flow parameter '${name}' has shape [${t.shape.join(', ')}], expected [${v.shape.join(', ')}]`);
      }
      v.assign(t as tf.Tensor);
    }
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}
