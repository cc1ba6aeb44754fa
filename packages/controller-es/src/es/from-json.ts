import { CMAES } from './cmaes.js';
import type { EvolutionStrategy } from './evolution-strategy.js';
import { OpenES } from './open-es.js';
import { PEPG } from './pepg.js';
import { SepCMAES } from './sep-cmaes.js';
import { SimpleGA } from './simple-ga.js';

const restorers: Record<string, (json: unknown) => EvolutionStrategy> = {
  CMAES: (j) => CMAES.fromJSON(j),
  SepCMAES: (j) => SepCMAES.fromJSON(j),
  OpenES: (j) => OpenES.fromJSON(j),
  PEPG: (j) => PEPG.fromJSON(j),
  SimpleGA: (j) => SimpleGA.fromJSON(j),
};

/** Restores any strategy from its `toJSON()` state, dispatching on `type`. */
export function strategyFromJSON(json: unknown): EvolutionStrategy {
  const type = json && typeof json === 'object' ? (json as { type?: unknown }).type : undefined;
  const restore = typeof type === 'string' ? restorers[type] : undefined;
  if (!restore) throw new Error(`unknown evolution strategy type '${String(type)}' (known: ${Object.keys(restorers).join(', ')})`);
  return restore(json);
}
