import type { Env, EnvDoc, RenderFrame, RenderMode, ResetResult, StepResult } from '../env.js';
import type { Box, Discrete } from '../spaces.js';

/**
 * Base class of wrappers: forwards everything to the inner env. Subclasses override what they
 * change (Gymnasium's `Wrapper`).
 */
export class Wrapper<O = Uint8Array, A = Float32Array | number[] | number> implements Env<O, A> {
  constructor(readonly env: Env<any, any>) {}

  get id(): string {
    return this.env.id;
  }
  get observationSpace(): Box {
    return this.env.observationSpace;
  }
  get actionSpace(): Box | Discrete {
    return this.env.actionSpace;
  }
  get doc(): EnvDoc {
    return this.env.doc;
  }
  /** The innermost env under any stack of wrappers. */
  get unwrapped(): Env<any, any> {
    return this.env instanceof Wrapper ? this.env.unwrapped : this.env;
  }
  reset(options?: { seed?: number }): ResetResult<O> {
    return this.env.reset(options) as ResetResult<O>;
  }
  step(action: A): StepResult<O> {
    return this.env.step(action) as StepResult<O>;
  }
  render(mode?: RenderMode): RenderFrame {
    return this.env.render(mode);
  }
  close(): void {
    this.env.close();
  }
}
