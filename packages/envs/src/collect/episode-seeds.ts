import { Rng } from '@worldmodels/core/rng';

/**
 * The env reset seed of episode `index` of a collection seeded with `seed`: a function of
 * (seed, index) only, so the data do not depend on how episodes are spread over workers or on
 * which episodes a resumed run still had to collect.
 */
export function episodeEnvSeed(seed: number, index: number): number {
  return new Rng(seed).derive('episode', index, 'env').nextSeed();
}

/** The random stream of the policy in episode `index`. */
export function episodePolicyRng(seed: number, index: number): Rng {
  return new Rng(seed).derive('episode', index, 'policy');
}
