import type { Box, Discrete } from './spaces.js';

/** Extra, env-specific facts returned by `reset` and `step` (ground truth, counters). */
export type Info = Record<string, unknown>;

export interface ResetResult<O> {
  observation: O;
  info: Info;
}

export interface StepResult<O> {
  observation: O;
  reward: number;
  /** The episode reached a terminal state of the task (crash, goal, death). */
  terminated: boolean;
  /** The episode was cut short from outside the task (time limit). */
  truncated: boolean;
  info: Info;
}

/** The documentation every env carries about itself (Gymnasium's docstring sections). */
export interface EnvDoc {
  description: string;
  actionSpace: string;
  observationSpace: string;
  rewards: string;
  episodeEnd: string;
}

/** An RGB frame, HWC, uint8. */
export interface RenderFrame {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3;
}

export type RenderMode = 'rgb_array' | 'human';

/**
 * A Gymnasium-style environment. Observations are uint8 frames in HWC order.
 *
 * `step` throws on a malformed action (wrong length, NaN), when called before `reset`, and when
 * called after the episode ended (terminated or truncated) until the next `reset`.
 */
export interface Env<O = Uint8Array, A = Float32Array | number[] | number> {
  readonly id: string;
  readonly observationSpace: Box;
  readonly actionSpace: Box | Discrete;
  readonly doc: EnvDoc;
  reset(options?: { seed?: number }): ResetResult<O>;
  step(action: A): StepResult<O>;
  /** `rgb_array`: the observation-sized frame; `human`: a larger frame for viewing and GIFs. */
  render(mode?: RenderMode): RenderFrame;
  close(): void;
}
