import * as tf from '@tensorflow/tfjs-core';
import type { EnvKind } from '../config/env-kinds.js';

/**
 * From the controller's tanh outputs to the env's action and to the action M is stepped with.
 * - CarRacing: steer = a0, gas = (a1 + 1)/2, brake = clip(a2, 0, 1); M gets [steer, gas, brake].
 * - TakeCover: one output y; y < −1/3 → LEFT (0), y > 1/3 → RIGHT (2), else STAY (1) (the Doom
 *   reference's thresholds); M gets the move's index as a number (what the data set stores).
 */
export interface ActionAdapter {
  readonly kind: EnvKind;
  /** Controller outputs. */
  readonly outputs: number;
  /** Width of M's action input. */
  readonly memoryActionSize: number;
  /** Controller outputs [B, outputs] → M's action [B, memoryActionSize]. */
  memoryAction(a: tf.Tensor2D): tf.Tensor2D;
  /** One controller output row → the env action. */
  envAction(a: ArrayLike<number>): Float32Array | number;
  /** A stored data-set action row (what the env was given) → M's action row. */
  memoryActionFromStored(stored: ArrayLike<number>, out: Float32Array, offset: number): void;
}

export const carRacingActions: ActionAdapter = {
  kind: 'carracing',
  outputs: 3,
  memoryActionSize: 3,
  memoryAction: (a) =>
    tf.tidy(() => {
      const [steer, gas, brake] = tf.split(a, 3, 1); // [B, 1] each
      return tf.concat([steer!, tf.div(tf.add(gas!, 1), 2), tf.clipByValue(brake!, 0, 1)], 1) as tf.Tensor2D; // [B, 3]
    }),
  envAction: (a) => Float32Array.of(a[0]!, (a[1]! + 1) / 2, Math.min(1, Math.max(0, a[2]!))),
  memoryActionFromStored: (stored, out, offset) => {
    out[offset] = stored[0]!;
    out[offset + 1] = stored[1]!;
    out[offset + 2] = stored[2]!;
  },
};

/** The Doom reference's three-way threshold of a single output: 0 LEFT, 1 STAY, 2 RIGHT. */
export function takeCoverMove(y: number): 0 | 1 | 2 {
  return y < -1 / 3 ? 0 : y > 1 / 3 ? 2 : 1;
}

export const takeCoverActions: ActionAdapter = {
  kind: 'takecover',
  outputs: 1,
  memoryActionSize: 1,
  memoryAction: (a) =>
    tf.tidy(() => {
      const left = tf.cast(tf.less(a, -1 / 3), 'float32'); // [B, 1]
      const right = tf.cast(tf.greater(a, 1 / 3), 'float32'); // [B, 1]
      return tf.add(tf.sub(right, left), 1) as tf.Tensor2D; // [B, 1]: 0 LEFT, 1 STAY, 2 RIGHT
    }),
  envAction: (a) => takeCoverMove(a[0]!),
  memoryActionFromStored: (stored, out, offset) => {
    out[offset] = stored[0]!; // the Discrete index as stored
  },
};

export function actionAdapter(kind: EnvKind): ActionAdapter {
  return kind === 'carracing' ? carRacingActions : takeCoverActions;
}
