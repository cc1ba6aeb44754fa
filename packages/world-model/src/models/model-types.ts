import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@worldmodels/core/rng';

/**
 * What the agent and the dream need of V (`ConvVAE` of @worldmodels/vae has this shape).
 */
export interface VisionModel {
  readonly config: { zSize: number };
  /** x [B, 64, 64, 3] in [0, 1] → mu, logvar [B, z]. */
  encode(x: tf.Tensor): { mu: tf.Tensor2D; logvar: tf.Tensor2D };
  /** z = mu + exp(logvar / 2)·ε. */
  sample(mu: tf.Tensor, logvar: tf.Tensor, rng?: Rng): tf.Tensor2D;
  /** z [B, z] → frames [B, 64, 64, 3] in (0, 1). */
  decode(z: tf.Tensor): tf.Tensor4D;
}

/** The LSTM state of M. */
export interface MemoryState {
  h: tf.Tensor2D; // [B, hidden]
  c: tf.Tensor2D; // [B, hidden]
}

/** One step of M: the new state and the mixture over the next z, plus the optional heads. */
export interface MemoryOutput {
  state: MemoryState;
  logmix: tf.Tensor3D; // [B, z, K] (log-normalised over K)
  mean: tf.Tensor3D; // [B, z, K]
  logstd: tf.Tensor3D; // [B, z, K]
  /** Done logit [B] or [B, 1]: the episode ends after this step when > 0. */
  doneLogit?: tf.Tensor;
  /** Predicted reward [B] or [B, 1]. */
  reward?: tf.Tensor;
}

/**
 * What the agent and the dream need of M (`MDNRNN` of @worldmodels/mdn-rnn has this shape):
 * `step(z_t, a_t, state_t)` → the state after the step and p(z_{t+1} | z_t, a_t, h_t).
 */
export interface MemoryModel {
  readonly config: { zSize: number; actionSize: number; hiddenSize: number; mixtures: number; restartInput?: boolean };
  /** `restart` [B] (models with a restart input): 1 on the first step of an episode. */
  step(z: tf.Tensor, a: tf.Tensor, state: MemoryState, restart?: tf.Tensor): MemoryOutput;
  /** Samples z_{t+1} at temperature τ (logmix/τ; σ·√τ). */
  sample(out: MemoryOutput, temperature: number, rng: Rng): tf.Tensor2D;
}
