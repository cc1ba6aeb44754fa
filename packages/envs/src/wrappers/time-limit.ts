import type { Env, ResetResult, StepResult } from '../env.js';
import { Wrapper } from './wrapper.js';

/**
 * Truncates episodes after `maxEpisodeSteps` steps (Gymnasium's `TimeLimit`): that step returns
 * `truncated: true` (unless it also terminated), and stepping again needs a `reset`.
 */
export class TimeLimit<O = Uint8Array, A = Float32Array | number[] | number> extends Wrapper<O, A> {
  private elapsed = 0;
  private ended = false;
  private started = false;

  constructor(
    env: Env<O, A>,
    readonly maxEpisodeSteps: number,
  ) {
    super(env);
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps <= 0) {
      throw new Error(`TimeLimit needs a positive integer maxEpisodeSteps, got ${maxEpisodeSteps}`);
    }
  }

  /** Steps taken in the current episode. */
  get elapsedSteps(): number {
    return this.elapsed;
  }

  override reset(options?: { seed?: number }): ResetResult<O> {
    this.elapsed = 0;
    this.ended = false;
    this.started = true;
    return this.env.reset(options) as ResetResult<O>;
  }

  override step(action: A): StepResult<O> {
    if (!this.started) throw new Error(`${this.id}: step() called before reset()`);
    if (this.ended) throw new Error(`${this.id}: step() called after the episode ended (time limit of ${this.maxEpisodeSteps} steps); call reset() first`);
    const r = this.env.step(action) as StepResult<O>;
    this.elapsed++;
    const truncated = r.truncated || (!r.terminated && this.elapsed >= this.maxEpisodeSteps);
    if (r.terminated || truncated) this.ended = true;
    return { ...r, truncated };
  }
}
