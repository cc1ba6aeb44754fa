import type { RunConfig } from './schema.js';

/**
 * The config of a one-iteration run made from one round of another (an export, a new controller
 * on its V and M): `iterations: 1`, and no `iterative.startFrom` / `recollect` — those describe how
 * the source continued an agent, and a one-round run continues nothing.
 */
export function oneRoundConfig(config: RunConfig): RunConfig {
  const { startFrom: _startFrom, recollect: _recollect, ...iterative } = config.iterative;
  return { ...config, iterations: 1, iterative };
}
