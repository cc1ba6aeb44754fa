import { Rng } from '@worldmodels/core/rng';

/** The seed of one stage's random streams, derived from the run seed by (stage, iteration). */
export function stageSeed(runSeed: number, stage: string, iteration: number): number {
  return new Rng(runSeed).derive(stage, iteration).nextSeed();
}
