import { CMAES, OpenES, PEPG, SepCMAES, SimpleGA, type EvolutionStrategy } from '@worldmodels/controller-es';
import type { ControllerConfig } from '../config/schema.js';

/** The evolution strategy the config names, searching `dim` controller parameters from zeros. */
export function makeStrategy(config: Pick<ControllerConfig, 'algorithm' | 'popSize' | 'sigma' | 'weightDecay'>, dim: number, seed: number): EvolutionStrategy {
  const { popSize, sigma, weightDecay } = config;
  switch (config.algorithm) {
    case 'cmaes':
      return new CMAES({ dim, sigma, popSize, seed, weightDecay });
    case 'sepcmaes':
      return new SepCMAES({ dim, sigma, popSize, seed, weightDecay });
    case 'openes':
      return new OpenES({ dim, sigma, popSize, seed, weightDecay });
    case 'pepg':
      return new PEPG({ dim, sigma, popSize, seed, weightDecay });
    case 'ga':
      return new SimpleGA({ dim, sigma, popSize, seed, weightDecay });
    default:
      throw new Error(`unknown evolution strategy '${String(config.algorithm)}'; use cmaes, sepcmaes, openes, pepg or ga`);
  }
}
