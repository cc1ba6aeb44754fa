import type { RunConfig } from '../config/schema.js';
import type { Stage } from '../run/stage.js';
import { collectStage } from './collect-stage.js';
import { controllerStage } from './controller-stage.js';
import { importedStage, type ImportedRound } from './imported-round.js';
import { stageDir, stageName } from './stage-paths.js';
import { mdnrnnStage } from './mdnrnn-stage.js';
import { seriesStage } from './series-stage.js';
import { vaeStage } from './vae-stage.js';

/**
 * The stages of a run: collect → vae → series → mdnrnn → controller, repeated `iterations`
 * times for the iterative procedure (each later round collects with the previous agent and
 * trains V, M and C again), then a dream-trained controller per τ of `controller.dream.temperatures`.
 * With `iterative.startFrom`, round 1 is `imported` (copies of that agent's V, M and C); with
 * `iterative.recollect` also, round 1 collects with the collect policy and encodes that data with
 * the imported V, and round 2 aggregates it.
 */
export function buildStages(config: RunConfig, imported?: ImportedRound): Stage[] {
  const stages: Stage[] = [];
  const startFrom = config.iterative.startFrom;
  const recollect = config.iterative.recollect === true;
  if (startFrom !== undefined && imported === undefined) throw new Error(`iterative.startFrom: read ${startFrom} with readImportedRound first`);
  for (let i = 1; i <= config.iterations; i++) {
    if (i === 1 && imported !== undefined && startFrom !== undefined) {
      // Round 1 is the agent the run continues from (no training; no collection unless recollect).
      const copy = (kind: 'vae' | 'series' | 'mdnrnn' | 'controller') => importedStage(imported, kind, stageName(kind, 1), stageDir(kind, 1));
      if (recollect) stages.push(collectStage(config, 1), copy('vae'), seriesStage(config, 1), copy('mdnrnn'), copy('controller'));
      else stages.push(copy('vae'), copy('series'), copy('mdnrnn'), copy('controller'));
      continue;
    }
    const aggregate = !(i === 2 && startFrom !== undefined && !recollect);
    stages.push(collectStage(config, i), vaeStage(config, i), seriesStage(config, i, { aggregate }), mdnrnnStage(config, i), controllerStage(config, i));
  }
  // The temperature table: one more controller per τ, trained in the last round's dream.
  for (const t of config.controller.dream.temperatures) stages.push(controllerStage(config, config.iterations, t));
  return stages;
}
