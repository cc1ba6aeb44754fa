import { CMAES, OpenES, PEPG, SepCMAES, SimpleGA, type EvolutionStrategy } from '@worldmodels/controller-es';
import type { ControllerConfig } from '../config/schema.js';

/** The evolution strategy the config names, searching `dim` controller parameters from `mean` (zeros when absent). */
export function makeStrategy(
  config: Pick<ControllerConfig, 'algorithm' | 'popSize' | 'sigma' | 'weightDecay'>,
  dim: number,
  seed: number,
  mean?: ArrayLike<number>,
): EvolutionStrategy {
  if (mean !== undefined && mean.length !== dim) throw new Error(`the search's starting mean has ${mean.length} entries, the controller has ${dim} parameters`);
  const { popSize, sigma, weightDecay } = config;
  const base = { dim, sigma, popSize, seed, weightDecay, ...(mean !== undefined && { mean }) };
  switch (config.algorithm) {
    case 'cmaes':
      return new CMAES(base);
    case 'sepcmaes':
      return new SepCMAES(base);
    case 'openes':
      return new OpenES(base);
    case 'pepg':
      return new PEPG(base);
    case 'ga':
      return new SimpleGA(base);
    default:
      throw new Error(`unknown evolution strategy '${String(config.algorithm)}'; use cmaes, sepcmaes, openes, pepg or ga`);
  }
}
