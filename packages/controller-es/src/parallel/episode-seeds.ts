import { Rng } from '@worldmodels/core/rng';

/**
 * The environment seed of one training episode, derived from the run seed by the labels
 * (generation, member, episode) with {@link Rng.derive}: the same for any worker count or order of
 * evaluation.
 */
export function episodeSeed(seed: number, generation: number, member: number, episode: number): number {
  return new Rng(seed).derive('generation', generation, 'member', member, 'episode', episode).nextSeed();
}

/**
 * The seed of evaluation episode `episode`: a fixed set, independent of the generation, so scores of
 * the mean at different generations are comparable (the paper scores the mean on fixed seeds).
 */
export function evaluationSeed(seed: number, episode: number): number {
  return new Rng(seed).derive('evaluation', episode).nextSeed();
}
