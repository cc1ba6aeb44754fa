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
 * trains V, M and C again), then a dream-trained controller per τ of `controller.dream.temperatures`.
 */
export function buildStages(config: RunConfig): Stage[] {
  const stages: Stage[] = [];
  for (let i = 1; i <= config.iterations; i++) {
    stages.push(collectStage(config, i), vaeStage(config, i), seriesStage(config, i), mdnrnnStage(config, i), controllerStage(config, i));
  }
  // The temperature table: one more controller per τ, trained in the last round's dream.
  for (const t of config.controller.dream.temperatures) stages.push(controllerStage(config, config.iterations, t));
  return stages;
}
