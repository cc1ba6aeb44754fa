import * as tf from '@tensorflow/tfjs-core';
import { float16ToFloat32, type SequenceBatch, type TypedArray } from '@worldmodels/core/dataset';
import type { Rng } from '@worldmodels/core/rng';
import type { MDNRNNConfig } from './config.js';
import type { MDNSequenceBatch } from './mdn-rnn.js';

/** Series arrays M trains on (written by @worldmodels/vae's encodeDataset). */
export const SERIES_KEYS = ['mu', 'logvar', 'actions', 'rewards', 'dones'] as const;
/**
 * Optional series array (uint8 [T]): 1 at each episode's first step when a series file holds
 * several consecutive episodes; the LSTM state is zeroed there (Doom reference).
 */
export const RESTARTS_KEY = 'restarts';

function asFloat32(data: TypedArray, dtype: string): Float32Array {
  if (dtype === 'float16') return float16ToFloat32(data as Uint16Array);
  return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
}

/**
 * Turns a window batch of series [B, T + 1, ...] into a teacher-forcing batch of T steps:
 * z = mu + exp(logvar / 2) · ε sampled once per window (the reference trains M on sampled z),
 * inputs z_0..z_{T−1} and a_0..a_{T−1}, targets z_1..z_T; the done and reward of step t are
 * dones[t] and rewards[t] (the outcome of a_t). The restart flag is 1 at an episode's first step
 * (a window's first step at an episode start, and every step flagged in `restarts`).
 */
export function seriesToBatch(
  batch: SequenceBatch,
  dtypes: Record<string, string>,
  config: MDNRNNConfig,
  noise: Rng,
  options: { sampleZ?: boolean } = {},
): MDNSequenceBatch {
  const B = batch.count;
  const S = batch.seqLen;
  const T = S - 1;
  const Z = config.zSize;
  const A = config.actionSize;
  const mu = asFloat32(batch.arrays.mu!, dtypes.mu!);
  const logvar = asFloat32(batch.arrays.logvar!, dtypes.logvar!);
  const actions = asFloat32(batch.arrays.actions!, dtypes.actions!);
  if (mu.length !== B * S * Z) throw new Error(`series mu holds ${mu.length / (B * S)} values per step, but the MDN-RNN has zSize ${Z}`);
  if (actions.length !== B * S * A) throw new Error(`series actions hold ${actions.length / (B * S)} values per step, but the MDN-RNN has actionSize ${A}`);
  return tf.tidy(() => {
    const muT = tf.tensor3d(mu, [B, S, Z]);
    let z: tf.Tensor3D = muT; // [B, S, Z]
    if (options.sampleZ ?? true) {
      const eps = tf.randomNormal([B, S, Z], 0, 1, 'float32', noise.nextSeed());
      z = tf.add(muT, tf.mul(tf.exp(tf.mul(tf.tensor3d(logvar, [B, S, Z]), 0.5)), eps)) as tf.Tensor3D;
    }
    const out: MDNSequenceBatch = {
      z: tf.slice(z, [0, 0, 0], [B, T, Z]), // [B, T, Z]
      targetZ: tf.slice(z, [0, 1, 0], [B, T, Z]), // [B, T, Z]
      actions: tf.slice(tf.tensor3d(actions, [B, S, A]), [0, 0, 0], [B, T, A]), // [B, T, A]
    };
    if (config.doneHead) {
      const dones = Float32Array.from(batch.arrays.dones! as ArrayLike<number>);
      out.targetDone = tf.slice(tf.tensor2d(dones, [B, S]), [0, 0], [B, T]); // [B, T]
    }
    if (config.rewardHead) {
      const rewards = asFloat32(batch.arrays.rewards!, dtypes.rewards!);
      out.targetReward = tf.slice(tf.tensor2d(rewards, [B, S]), [0, 0], [B, T]); // [B, T]
    }
    if (config.restartInput) {
      const restart = new Float32Array(B * T);
      const flags = batch.arrays[RESTARTS_KEY]; // streams of concatenated episodes: [B, S]
      batch.sources.forEach((s, b) => {
        if (s.start === 0) restart[b * T] = 1;
        if (flags) for (let t = 0; t < T; t++) if (flags[b * S + t]) restart[b * T + t] = 1;
      });
      out.restart = tf.tensor2d(restart, [B, T]);
    }
    return out;
  });
}
