import type { Env, StepResult } from '../env.js';
import { Wrapper } from './wrapper.js';

/**
 * Repeats each action `repeat` times (frame skip), summing the rewards and returning the last
 * observation; stops early when the episode ends. `info.repeatedSteps` tells how many inner
 * steps were taken.
 */
export class ActionRepeat<O = Uint8Array, A = Float32Array | number[] | number> extends Wrapper<O, A> {
  constructor(
    env: Env<O, A>,
    readonly repeat: number,
  ) {
    super(env);
    if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`ActionRepeat needs an integer repeat ≥ 1, got ${repeat}`);
  }

  override step(action: A): StepResult<O> {
    let total = 0;
    let r: StepResult<O> | undefined;
    let k = 0;
    while (k < this.repeat) {
      r = this.env.step(action) as StepResult<O>;
      k++;
      total += r.reward;
      if (r.terminated || r.truncated) break;
    }
    return { ...r!, reward: total, info: { ...r!.info, repeatedSteps: k } };
  }
}
