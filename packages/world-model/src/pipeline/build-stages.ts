import type { RunConfig } from '../config/schema.js';
import type { Stage } from '../run/stage.js';
import { collectStage } from './collect-stage.js';
import { controllerStage } from './controller-stage.js';
import { mdnrnnStage } from './mdnrnn-stage.js';
import { seriesStage } from './series-stage.js';
import { vaeStage } from './vae-stage.js';

/**
 * The stages of a run: collect → vae → series → mdnrnn → controller, repeated `iterations`
 * times for the iterative procedure (each later round collects with the previous agent and
 * warm-starts V from the previous V).
 */
export function buildStages(config: RunConfig): Stage[] {
  const stages: Stage[] = [];
  for (let i = 1; i <= config.iterations; i++) {
    stages.push(collectStage(config, i), vaeStage(config, i), seriesStage(config, i), mdnrnnStage(config, i), controllerStage(config, i));
  }
  return stages;
}
