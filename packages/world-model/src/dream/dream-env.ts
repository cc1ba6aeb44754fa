import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@worldmodels/core/rng';
import { sampleMixtureWithNoise } from '@worldmodels/mdn-rnn';
import type { ActionAdapter } from '../controller/action-adapter.js';
import type { ControllerLayout } from '../controller/controller-layout.js';
import { disposeOutputHeads, disposeState, zeroState } from '../models/memory-state.js';
import { mixtureNegLogLikelihood } from '../models/mixture-nll.js';
import type { MemoryModel, MemoryState } from '../models/model-types.js';
import type { InitialLatents } from './initial-latents.js';

export interface DreamEnvOptions {
  mdnrnn: MemoryModel;
  initial: InitialLatents;
  actions: ActionAdapter;
  /** τ of M's sampling: mixture weights logπ/τ, noise σ·√τ. */
  temperature: number;
  /** Frame cap of an episode (Doom: 2100). */
  maxSteps: number;
  /** 'head': M's reward head (CarRacing); 'survival': 1 per step alive (TakeCover). */
  reward: 'head' | 'survival';
  /** End an episode by M's done head (default: whenever M has a done head). */
  useDoneHead?: boolean;
  /**
   * How the done head ends an episode. 'threshold' (the Doom reference): when its logit > 0.
   * 'sample': with probability p(done) drawn each step, like z — the head's logit less
   * log(`donePositiveWeight`), undoing the positive-example weight it was trained with, so the
   * dream's deaths come at M's own hazard rate instead of only where M is sure.
   */
  done?: DreamDoneRule;
  /** The weight w of positive done targets M was trained with (default 1); 'sample' uses σ(logit − log w). */
  donePositiveWeight?: number;
  /** Adds weight · (−log p(z_{t+1} | z_t, a_t, h_t)) to each step's reward: curiosity. */
  curiosityWeight?: number;
  /**
   * Common random numbers (PEGASUS, Ng & Jordan 2000): episode e of every candidate gets the same
   * random numbers — its initial latent, each step's mixture draws (a uniform for the component,
   * a normal for the offset, per z dimension) and its death draws. Two candidates then differ in
   * fitness only through what they do, not through luck; once their moves differ, M's futures part
   * ways, so the saving shrinks as candidates grow apart (see the package README for numbers).
   * Draws use @worldmodels/mdn-rnn's mixture sampler on M's outputs (not `mdnrnn.sample`).
   * Default false: each episode its own numbers.
   */
  commonRandomNumbers?: boolean;
}

/** How M's done head ends a dream episode (see {@link DreamEnvOptions.done}). */
export type DreamDoneRule = 'threshold' | 'sample';

/** Outcome of a batch of dream episodes. */
export interface DreamRolloutResult {
  /** Return of each episode [B] (member-major: episode e of member p at p·E + e). */
  returns: Float64Array;
  /** Steps of each episode [B]. */
  lengths: Int32Array;
  /** Dream steps computed (batch × tensor steps). */
  steps: number;
  /** When asked: z of episode 0 at each step [T, Z] (for decoding to a GIF). */
  trajectory?: Float32Array[];
}

/**
 * M as an environment — the paper's "dream" (§4.4): a batch of episodes starts from initial
 * latents taken from the data, the controller acts on [z, h], M steps, and the next z is sampled
 * at temperature τ. An episode ends when M's done head says so (its logit > 0, or drawn with its
 * probability: {@link DreamEnvOptions.done}) or at the frame cap;
 * rewards come from M's reward head or count survival.
 *
 * Batched: all episodes of all population members advance together in one tensor step, each
 * member's controller applied to its own episodes by a batched matmul.
 */
export class DreamEnv {
  readonly options: DreamEnvOptions;
  readonly useDoneHead: boolean;

  constructor(options: DreamEnvOptions) {
    const { mdnrnn, initial, actions, temperature, maxSteps, reward } = options;
    if (!(temperature > 0)) throw new Error(`dream temperature must be > 0, got ${temperature}`);
    if (!Number.isInteger(maxSteps) || maxSteps < 1) throw new Error(`dream maxSteps must be a positive integer, got ${maxSteps}`);
    if (reward !== 'head' && reward !== 'survival') throw new Error(`dream reward must be 'head' or 'survival', got ${String(reward)}`);
    if (initial.zSize !== mdnrnn.config.zSize) throw new Error(`initial latents have z size ${initial.zSize}, M has ${mdnrnn.config.zSize}`);
    if (actions.memoryActionSize !== mdnrnn.config.actionSize) throw new Error(`M takes actions of width ${mdnrnn.config.actionSize}, the ${actions.kind} adapter gives ${actions.memoryActionSize}`);
    const rule = options.done ?? 'threshold';
    if (rule !== 'threshold' && rule !== 'sample') throw new Error(`dream done rule must be 'threshold' or 'sample', got ${String(rule)}`);
    const weight = options.donePositiveWeight ?? 1;
    if (!(weight > 0) || !Number.isFinite(weight)) throw new Error(`dream donePositiveWeight must be a positive number, got ${weight}`);
    this.options = options;
    this.useDoneHead = options.useDoneHead ?? true;
    this.doneRule = rule;
    this.doneLogitShift = Math.log(weight);
  }

  readonly doneRule: DreamDoneRule;
  /** log w: subtracted from the done logit before sampling (undoes the positive-example weight). */
  private readonly doneLogitShift: number;

  /**
   * Plays `episodesPerMember` dream episodes for each candidate at once and returns every
   * episode's return. Deterministic given `rng`'s state (initial latents and all sampling noise
   * come from it).
   */
  rollout(layout: ControllerLayout, candidates: readonly ArrayLike<number>[], episodesPerMember: number, rng: Rng, options: { record?: boolean } = {}): DreamRolloutResult {
    const { mdnrnn, actions, temperature, maxSteps, initial } = this.options;
    const P = candidates.length;
    const E = episodesPerMember;
    if (P < 1) throw new Error('dream rollout needs at least one candidate');
    if (!Number.isInteger(E) || E < 1) throw new Error(`episodesPerMember must be a positive integer, got ${E}`);
    if (layout.zSize !== mdnrnn.config.zSize || layout.hiddenSize !== mdnrnn.config.hiddenSize) {
      throw new Error(`controller layout is for z ${layout.zSize}, hidden ${layout.hiddenSize}; M has z ${mdnrnn.config.zSize}, hidden ${mdnrnn.config.hiddenSize}`);
    }
    const B = P * E;
    const Z = mdnrnn.config.zSize;
    const flat = new Float32Array(P * layout.paramCount);
    candidates.forEach((c, p) => {
      if (c.length !== layout.paramCount) throw new Error(`candidate ${p} has ${c.length} parameters, the ${layout.form} controller needs ${layout.paramCount}`);
      flat.set(Array.from(c), p * layout.paramCount);
    });
    const params = tf.tensor2d(flat, [P, layout.paramCount]); // [P, D]
    const common = this.options.commonRandomNumbers === true;
    // With common random numbers, episode e's draws are made once and shared by every member p (row p·E + e).
    let z = common ? tileMembers(this.initialZ(E, rng), P) : this.initialZ(B, rng); // [B, Z]
    let state: MemoryState = zeroState(B, mdnrnn.config.hiddenSize);
    const returns = new Float64Array(B);
    const lengths = new Int32Array(B);
    const alive = new Uint8Array(B).fill(1);
    let living = B;
    let steps = 0;
    const trajectory: Float32Array[] | undefined = options.record ? [] : undefined;
    const curiosity = this.options.curiosityWeight ?? 0;
    try {
      for (let t = 0; t < maxSteps && living > 0; t++) {
        if (trajectory) {
          const first = tf.slice(z, [0, 0], [1, Z]); // [1, Z]
          trajectory.push(Float32Array.from(first.dataSync() as Float32Array));
          first.dispose();
        }
        const memoryAction = tf.tidy(() => {
          const input = tf.reshape(layout.input(z, state.h, state.c), [P, E, layout.inputSize]) as tf.Tensor3D; // [P, E, in]
          const out = tf.reshape(layout.forward(params, input), [B, layout.outputs]) as tf.Tensor2D; // [B, A]
          return actions.memoryAction(out); // [B, actionSize]
        });
        // Models with a restart input get the flag on an episode's first step (Doom reference).
        const restart = t === 0 && mdnrnn.config.restartInput ? tf.ones([B]) : undefined; // [B]
        const out = mdnrnn.step(z, memoryAction, state, restart);
        tf.dispose([memoryAction, ...(restart ? [restart] : [])]);
        disposeState(state);
        state = out.state;
        const next = common ? sampleMixtureWithNoise(out, temperature, commonMixtureNoise(rng, P, E, Z)) : mdnrnn.sample(out, temperature, rng); // [B, Z]
        const sampled = this.useDoneHead && out.doneLogit !== undefined && this.doneRule === 'sample';
        const { reward, done } = tf.tidy(() => {
          let r: tf.Tensor1D;
          if (this.options.reward === 'head') {
            if (!out.reward) throw new Error("dream reward 'head' needs M with a reward head (train M with rewardHead: true)");
            r = tf.reshape(out.reward, [B]) as tf.Tensor1D; // [B]
          } else {
            r = tf.ones([B]) as tf.Tensor1D; // [B]: one per step survived
          }
          if (curiosity > 0) r = tf.add(r, tf.mul(mixtureNegLogLikelihood(next, out.logmix, out.mean, out.logstd), curiosity)) as tf.Tensor1D;
          // [B]: p(done) to draw from ('sample'), or 1/0 where the logit is above/below 0 ('threshold').
          let d: tf.Tensor;
          if (!this.useDoneHead || !out.doneLogit) d = tf.zeros([B]);
          else if (sampled) d = tf.sigmoid(tf.sub(tf.reshape(out.doneLogit, [B]), this.doneLogitShift));
          else d = tf.cast(tf.greater(tf.reshape(out.doneLogit, [B]), 0), 'float32');
          return { reward: r.dataSync() as Float32Array, done: d.dataSync() as Float32Array };
        });
        disposeOutputHeads(out);
        z.dispose();
        z = next;
        steps += B;
        const last = t === maxSteps - 1;
        // Sampled deaths draw one uniform per episode each step (finished ones too): the stream stays aligned.
        const deathDraws = sampled && common ? Float64Array.from({ length: E }, () => rng.uniform()) : undefined;
        for (let b = 0; b < B; b++) {
          const ends = sampled ? (deathDraws ? deathDraws[b % E]! : rng.uniform()) < done[b]! : done[b]! > 0.5;
          if (!alive[b]) continue;
          returns[b] = returns[b]! + reward[b]!;
          lengths[b] = lengths[b]! + 1;
          if (ends || last) {
            alive[b] = 0;
            living--;
          }
        }
      }
    } finally {
      tf.dispose([params, z]);
      disposeState(state);
    }
    return { returns, lengths, steps, ...(trajectory && { trajectory }) };
  }

  /** Mean return of each candidate over its episodes: its fitness. */
  fitness(layout: ControllerLayout, candidates: readonly ArrayLike<number>[], episodesPerMember: number, rng: Rng): { fitness: number[]; steps: number; meanLength: number } {
    const r = this.rollout(layout, candidates, episodesPerMember, rng);
    const fitness = candidates.map((_, p) => {
      let s = 0;
      for (let e = 0; e < episodesPerMember; e++) s += r.returns[p * episodesPerMember + e]!;
      return s / episodesPerMember;
    });
    let total = 0;
    for (const l of r.lengths) total += l;
    return { fitness, steps: r.steps, meanLength: total / r.lengths.length };
  }

  /** z₀ ~ N(mu, exp(logvar)) of randomly chosen initial latents: [B, Z]. */
  private initialZ(B: number, rng: Rng): tf.Tensor2D {
    const { initial } = this.options;
    const Z = initial.zSize;
    const mu = new Float32Array(B * Z);
    const logvar = new Float32Array(B * Z);
    for (let b = 0; b < B; b++) {
      const i = rng.int(initial.count);
      mu.set(initial.mu.subarray(i * Z, (i + 1) * Z), b * Z);
      logvar.set(initial.logvar.subarray(i * Z, (i + 1) * Z), b * Z);
    }
    const seed = rng.nextSeed();
    return tf.tidy(() => {
      const eps = tf.randomNormal([B, Z], 0, 1, 'float32', seed); // [B, Z]
      return tf.add(tf.tensor2d(mu, [B, Z]), tf.mul(tf.exp(tf.mul(tf.tensor2d(logvar, [B, Z]), 0.5)), eps)) as tf.Tensor2D; // [B, Z]
    });
  }
}

/** [E, Z] → [P·E, Z]: row p·E + e is row e (member-major, as the batch is laid out). Disposes its input. */
function tileMembers(rows: tf.Tensor2D, P: number): tf.Tensor2D {
  const tiled = tf.tile(rows, [P, 1]) as tf.Tensor2D; // [P·E, Z]
  rows.dispose();
  return tiled;
}

/** One step's mixture noise drawn for E episodes (uniform, normal per z dimension, in stream order) and shared by P members. */
function commonMixtureNoise(rng: Rng, P: number, E: number, Z: number): { uniform: Float64Array; normal: Float64Array } {
  const n = E * Z;
  const uniform = new Float64Array(P * n);
  const normal = new Float64Array(P * n);
  for (let i = 0; i < n; i++) {
    uniform[i] = rng.random();
    normal[i] = rng.normal();
  }
  for (let p = 1; p < P; p++) {
    uniform.copyWithin(p * n, 0, n);
    normal.copyWithin(p * n, 0, n);
  }
  return { uniform, normal };
}
