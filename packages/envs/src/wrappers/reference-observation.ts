import type { Env, ResetResult, StepResult } from '../env.js';
import { Box } from '../spaces.js';
import { referencePreprocess } from './reference-preprocess.js';
import { Wrapper } from './wrapper.js';

/**
 * Applies {@link referencePreprocess} to every CarRacing observation: 96×96×3 → the 64×64×3
 * frames the World Models reference pipeline (and its published VAE weights) used.
 */
export class ReferencePreprocessObservation extends Wrapper<Uint8Array> {
  private readonly space = new Box({ low: 0, high: 255, shape: [64, 64, 3], dtype: 'uint8' });

  constructor(env: Env<Uint8Array, any>) {
    super(env);
    const s = env.observationSpace.shape;
    if (s[0] !== 96 || s[1] !== 96 || s[2] !== 3) {
      throw new Error(`ReferencePreprocessObservation needs 96×96×3 observations, got [${s.join(', ')}]`);
    }
  }

  override get observationSpace(): Box {
    return this.space;
  }

  override reset(options?: { seed?: number }): ResetResult<Uint8Array> {
    const r = this.env.reset(options) as ResetResult<Uint8Array>;
    return { ...r, observation: referencePreprocess(r.observation) };
  }

  override step(action: Float32Array | number[] | number): StepResult<Uint8Array> {
    const r = this.env.step(action) as StepResult<Uint8Array>;
    return { ...r, observation: referencePreprocess(r.observation) };
  }
}
