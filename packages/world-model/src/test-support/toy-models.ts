import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@worldmodels/core/rng';
import type { MemoryModel, MemoryOutput, MemoryState, VisionModel } from '../models/model-types.js';

/**
 * Test doubles with dynamics simple enough to compute by hand (the real V and M are tested in
 * their own packages; here we test the order and wiring of the agent and the dream).
 */

/**
 * V: mu_d = (d + 1) · mean(x); logvar = −100 by default (so a sampled z equals mu to ~1e-22) or
 * `config.logvar`; decode: grey frames of value sigmoid(z₀).
 */
export class ToyVision implements VisionModel {
  constructor(readonly config: { zSize: number; logvar?: number }) {}
  encode(x: tf.Tensor): { mu: tf.Tensor2D; logvar: tf.Tensor2D } {
    return tf.tidy(() => {
      const B = x.shape[0]!;
      const m = tf.mean(tf.reshape(x, [B, -1]), 1, true); // [B, 1]
      const scale = tf.range(1, this.config.zSize + 1).reshape([1, this.config.zSize]); // [1, Z]
      return { mu: tf.mul(m, scale) as tf.Tensor2D, logvar: tf.fill([B, this.config.zSize], this.config.logvar ?? -100) as tf.Tensor2D };
    });
  }
  sample(mu: tf.Tensor, logvar: tf.Tensor, rng?: Rng): tf.Tensor2D {
    return tf.tidy(() => tf.add(mu, tf.mul(tf.exp(tf.mul(logvar, 0.5)), tf.randomNormal(mu.shape, 0, 1, 'float32', rng?.nextSeed()))) as tf.Tensor2D);
  }
  decode(z: tf.Tensor): tf.Tensor4D {
    return tf.tidy(() => {
      const B = z.shape[0]!;
      const v = tf.sigmoid(tf.slice(z, [0, 0], [B, 1])); // [B, 1]
      return tf.tile(tf.reshape(v, [B, 1, 1, 1]), [1, 64, 64, 3]) as tf.Tensor4D;
    });
  }
}

export interface ToyMemoryOptions {
  zSize: number;
  actionSize: number;
  hiddenSize: number;
  /** Done logit = steps taken − doneAfter + 0.5 (so it turns positive on step `doneAfter`); none when absent. */
  doneAfter?: number;
  /** A constant done logit instead (every step). */
  doneLogit?: number;
  /** Reward head: reward = rewardScale · (sum of the action) when present. */
  rewardScale?: number;
}

/**
 * M with hand-computable dynamics (every unit of h and c gets the same value):
 *   h' = 0.5·h + sum(z) + 2·sum(a),  c' = c + 1 (counts steps);
 * mixture: one dominant component with mean z + 0.1, logstd −1.
 */
export class ToyMemory implements MemoryModel {
  readonly config: { zSize: number; actionSize: number; hiddenSize: number; mixtures: number };
  constructor(private readonly toy: ToyMemoryOptions) {
    this.config = { zSize: toy.zSize, actionSize: toy.actionSize, hiddenSize: toy.hiddenSize, mixtures: 2 };
  }
  step(z: tf.Tensor, a: tf.Tensor, state: MemoryState): MemoryOutput {
    return tf.tidy((): tf.TensorContainer => {
      const B = z.shape[0]!;
      const H = this.toy.hiddenSize;
      const Z = this.toy.zSize;
      const drive = tf.add(tf.sum(z, 1, true), tf.mul(tf.sum(a, 1, true), 2)); // [B, 1]
      const h = tf.add(tf.mul(state.h, 0.5), tf.tile(drive, [1, H])) as tf.Tensor2D; // [B, H]
      const c = tf.add(state.c, 1) as tf.Tensor2D; // [B, H]
      const mean = tf.tile(tf.expandDims(tf.add(z, 0.1), 2), [1, 1, 2]) as tf.Tensor3D; // [B, Z, 2]
      const logmix = tf.tile(tf.tensor3d([Math.log(0.999), Math.log(0.001)], [1, 1, 2]), [B, Z, 1]) as tf.Tensor3D; // [B, Z, 2]
      const logstd = tf.fill([B, Z, 2], -1) as tf.Tensor3D; // [B, Z, 2]
      const out: MemoryOutput = { state: { h, c }, logmix, mean, logstd };
      if (this.toy.doneLogit !== undefined) out.doneLogit = tf.fill([B, 1], this.toy.doneLogit); // [B, 1]
      else if (this.toy.doneAfter !== undefined) out.doneLogit = tf.add(tf.slice(c, [0, 0], [B, 1]), 0.5 - this.toy.doneAfter); // [B, 1]
      if (this.toy.rewardScale !== undefined) out.reward = tf.mul(tf.sum(a, 1), this.toy.rewardScale); // [B]
      return out as unknown as tf.TensorContainer;
    }) as unknown as MemoryOutput;
  }
  sample(out: MemoryOutput, temperature: number, rng: Rng): tf.Tensor2D {
    return tf.tidy(() => {
      const [B, Z] = out.mean.shape;
      const mean = tf.reshape(tf.slice(out.mean, [0, 0, 0], [B, Z, 1]), [B, Z]); // [B, Z]
      const std = tf.reshape(tf.exp(tf.slice(out.logstd, [0, 0, 0], [B, Z, 1])), [B, Z]); // [B, Z]
      return tf.add(mean, tf.mul(std, tf.mul(tf.randomNormal([B, Z], 0, 1, 'float32', rng.nextSeed()), Math.sqrt(temperature)))) as tf.Tensor2D;
    });
  }
}
