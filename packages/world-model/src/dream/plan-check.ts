import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { makeAgentEnv, runAgentEpisode, type EpisodeAgent } from '../agent/agent-env.js';
import type { MemoryModel, MemoryState, VisionModel } from '../models/model-types.js';
import { disposeOutputHeads, disposeState, zeroState } from '../models/memory-state.js';

/**
 * A foresight probe of M on TakeCover: model-predictive control in M's own dream, no controller.
 * Every `replanEvery` real steps, each plan of a fixed set of held moves (move a for k steps, then
 * move b) is rolled `horizon` steps through M from the agent's present latent and memory,
 * `samples` times at temperature τ, and scored by its expected survival under M's done hazard
 * σ(logit − log w) (w: the positive weight M's done head was trained with). The first move of the
 * best plan is played. An M whose dream foresees hits plans its way far past a random agent (≈ 205
 * steps); one whose hits arrive at an average rate whatever the agent does plans no better than
 * random. The same planner on the simulator's true state (`takeCoverLookAhead`) survives ≈ 2,067.
 */
export interface PlanCheckOptions {
  /** Dream steps each plan is rolled (default 24). */
  horizon?: number;
  /** Rollouts per plan (default 2). */
  samples?: number;
  /** Real steps between plans; the chosen move is held in between (default 4). */
  replanEvery?: number;
  /** τ of M's sampling in the rollouts (default 0.1: near its most likely future). */
  temperature?: number;
  /** Steps after which a plan may switch moves (default [4, 12]). */
  switchSteps?: readonly number[];
  /** log of M's done-head positive weight (default log 10, the Doom reference's). */
  doneLogitShift?: number;
}

/** TakeCover's moves, as M was stepped with them (the Discrete index). */
const MOVES = [0, 1, 2] as const;

/**
 * The plans: every move held for the whole horizon, and every move held for k steps (k in
 * `switchSteps`) followed by every other move. Each plan is an array of `horizon` move indices.
 */
export function takeCoverPlans(horizon: number, switchSteps: readonly number[] = [4, 12]): number[][] {
  if (!Number.isInteger(horizon) || horizon < 1) throw new Error(`plan horizon must be a positive integer, got ${horizon}`);
  const plans: number[][] = MOVES.map((a) => new Array<number>(horizon).fill(a));
  for (const k of switchSteps) {
    if (!Number.isInteger(k) || k < 1 || k >= horizon) throw new Error(`plan switch step must be an integer in 1..${horizon - 1}, got ${k}`);
    for (const a of MOVES) for (const b of MOVES) if (a !== b) plans.push(Array.from({ length: horizon }, (_, t) => (t < k ? a : b)));
  }
  return plans;
}

/**
 * Rolls every plan `samples` times through M from (z, state) and returns each plan's expected
 * survival (summed over the horizon and the samples) and the first move of the best one (the
 * earliest plan on a tie). z [1, Z]; state of batch 1. Nothing given is disposed.
 */
export function planMove(
  memory: MemoryModel,
  z: tf.Tensor2D,
  state: MemoryState,
  plans: readonly number[][],
  options: { samples: number; temperature: number; doneLogitShift: number },
  rng: Rng,
): { move: number; values: Float64Array } {
  const P = plans.length;
  const K = options.samples;
  const B = P * K; // rollout b follows plan ⌊b / K⌋
  const horizon = plans[0]!.length;
  let zz = tf.tile(z, [B, 1]) as tf.Tensor2D; // [B, Z]
  let s: MemoryState = { h: tf.tile(state.h, [B, 1]) as tf.Tensor2D, c: tf.tile(state.c, [B, 1]) as tf.Tensor2D };
  const alive = new Float64Array(B).fill(1);
  const survival = new Float64Array(B);
  try {
    for (let t = 0; t < horizon; t++) {
      const a = tf.tensor2d(Float32Array.from({ length: B }, (_, b) => plans[Math.floor(b / K)]![t]!), [B, 1]); // [B, 1]
      const out = memory.step(zz, a, s);
      a.dispose();
      disposeState(s);
      s = out.state;
      if (!out.doneLogit) {
        disposeOutputHeads(out);
        throw new Error('plan check needs M with a done head: its hazard is what the plans are scored by');
      }
      const hazard = tf.tidy(() => tf.sigmoid(tf.sub(tf.reshape(out.doneLogit!, [B]), options.doneLogitShift)).dataSync() as Float32Array); // [B]
      const next = memory.sample(out, options.temperature, rng); // [B, Z]
      disposeOutputHeads(out);
      zz.dispose();
      zz = next;
      for (let b = 0; b < B; b++) {
        alive[b]! *= 1 - hazard[b]!;
        survival[b]! += alive[b]!;
      }
    }
  } finally {
    zz.dispose();
    disposeState(s);
  }
  const values = new Float64Array(P);
  let best = 0;
  for (let p = 0; p < P; p++) {
    for (let k = 0; k < K; k++) values[p]! += survival[p * K + k]!;
    if (values[p]! > values[best]! + 1e-9) best = p;
  }
  return { move: plans[best]![0]!, values };
}

/** The settings {@link runPlanCheck} uses where a run gives none (also what `worldmodels eval --plan-check` plays). */
export const PLAN_CHECK_DEFAULTS = { horizon: 24, samples: 2, replanEvery: 4, temperature: 0.1 } as const;

/** What {@link runPlanCheck} plays. */
export interface PlanCheckRun extends PlanCheckOptions {
  vision: VisionModel;
  memory: MemoryModel;
  /** Real episodes, on seeds `seedOf(0..episodes−1)`. */
  episodes: number;
  seedOf: (episode: number) => number;
  /** Seed of M's sampling in the rollouts. */
  seed: number;
  /** Real-env step cap (default: the env's own). */
  maxSteps?: number;
  onEpisode?: (episode: number, steps: number) => void;
}

/**
 * The planner as an agent over real frames: V's μ of each frame is fed to M (stepped with the move
 * played, as `WorldModelAgent` steps it) and to the plans; a new plan every `replanEvery` steps.
 */
class TakeCoverPlanner implements EpisodeAgent {
  private state: MemoryState;
  private steps = 0;
  private move = 1;

  constructor(
    private readonly vision: VisionModel,
    private readonly memory: MemoryModel,
    private readonly plans: readonly number[][],
    private readonly options: { samples: number; temperature: number; doneLogitShift: number },
    private readonly replanEvery: number,
    private readonly rng: Rng,
  ) {
    this.state = zeroState(1, memory.config.hiddenSize);
  }

  reset(): void {
    disposeState(this.state);
    this.state = zeroState(1, this.memory.config.hiddenSize);
    this.steps = 0;
    this.move = 1;
  }

  act(frame: Uint8Array): { action: number; surprise: number } {
    const z = tf.tidy(() => this.vision.encode(tf.div(tf.tensor4d(frame, [1, 64, 64, 3], 'float32'), 255)).mu); // [1, Z]
    try {
      if (this.steps % this.replanEvery === 0) this.move = planMove(this.memory, z, this.state, this.plans, this.options, this.rng).move;
      const restart = this.steps === 0 && this.memory.config.restartInput ? tf.ones([1]) : undefined; // [1]
      const a = tf.tensor2d([this.move], [1, 1]); // [1, 1]
      const out = this.memory.step(z, a, this.state, restart);
      restart?.dispose();
      a.dispose();
      disposeState(this.state);
      this.state = out.state;
      disposeOutputHeads(out);
    } finally {
      z.dispose();
    }
    this.steps++;
    return { action: this.move, surprise: 0 };
  }

  dispose(): void {
    disposeState(this.state);
  }
}

/** Plays real TakeCover episodes with the planner and returns each episode's survival (steps). */
export async function runPlanCheck(run: PlanCheckRun): Promise<{ returns: number[] }> {
  const horizon = run.horizon ?? PLAN_CHECK_DEFAULTS.horizon;
  const options = { samples: run.samples ?? PLAN_CHECK_DEFAULTS.samples, temperature: run.temperature ?? PLAN_CHECK_DEFAULTS.temperature, doneLogitShift: run.doneLogitShift ?? Math.log(10) };
  const replanEvery = run.replanEvery ?? PLAN_CHECK_DEFAULTS.replanEvery;
  if (!Number.isInteger(options.samples) || options.samples < 1) throw new Error(`plan check samples must be a positive integer, got ${options.samples}`);
  if (!Number.isInteger(replanEvery) || replanEvery < 1) throw new Error(`plan check replanEvery must be a positive integer, got ${replanEvery}`);
  if (!(options.temperature > 0)) throw new Error(`plan check temperature must be positive, got ${options.temperature}`);
  if (run.memory.config.actionSize !== 1) throw new Error(`plan check plans TakeCover moves: M's action size must be 1, got ${run.memory.config.actionSize}`);
  const planner = new TakeCoverPlanner(run.vision, run.memory, takeCoverPlans(horizon, run.switchSteps), options, replanEvery, new Rng(run.seed).derive('plan-check'));
  const returns: number[] = [];
  try {
    for (let e = 0; e < run.episodes; e++) {
      const env = makeAgentEnv('takecover');
      try {
        const episode = runAgentEpisode(env, planner, { seed: run.seedOf(e), ...(run.maxSteps !== undefined && { maxSteps: run.maxSteps }) });
        returns.push(episode.length);
        run.onEpisode?.(e, episode.length);
      } finally {
        env.close?.();
      }
    }
  } finally {
    planner.dispose();
  }
  return { returns };
}
