import { join, resolve } from 'node:path';
import { initBackend } from '@worldmodels/core';
import { atomicWriteJson } from '@worldmodels/core/dataset';
import { oneRoundConfig } from '../config/one-round-config.js';
import type { RunConfig } from '../config/schema.js';
import { runStages, type StageOutcome } from '../run/run-stages.js';
import type { Stage } from '../run/stage.js';
import { controllerStage } from './controller-stage.js';
import { checkSameWorldModel, importedStage, readImportedRound } from './imported-round.js';
import { RUN_CONFIG_FILE } from './train-world-model.js';

export interface RetrainControllerOptions {
  /** Which iteration's V and M of the source (default: its last). */
  iteration?: number;
  /** Redo this stage (e.g. 'controller') and the ones after it. */
  redo?: string;
  log?: (line: string) => void;
}

/** The config sections that make V and M: a retrained controller must keep the source's. */
const WORLD_MODEL_KEYS = ['env', 'collect', 'vae', 'series', 'mdnrnn'] as const;

/**
 * Trains a new controller on the V and M of a finished run or an exported agent (`worldmodels
 * controller <source> --run <dir>`): `runDir` becomes a one-iteration run whose `vae/`, `mdnrnn/`
 * and `series/` (the dream's initial latents only) are copies of the source's, and whose
 * `controller/` is searched with `config`'s controller settings, in the dream or the real env
 * (and one more per τ of `controller.dream.temperatures`). Like any run it resumes after a kill,
 * skips what is done, refuses changed settings without `redo`, and `worldmodels eval` and
 * `export` read it. `config` must describe the same world model as the source's config.
 */
export async function retrainController(sourceDir: string, runDir: string, config: RunConfig, options: RetrainControllerOptions = {}): Promise<StageOutcome[]> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const source = resolve(sourceDir);
  const root = resolve(runDir);
  if (source === root) throw new Error(`the new controller's run directory must differ from its source (${source})`);
  const round = await readImportedRound(source, ['vae', 'series', 'mdnrnn'], options.iteration);
  checkSameWorldModel(round, config, WORLD_MODEL_KEYS, 'only controller, eval, seed and backend may change');
  const newConfig = oneRoundConfig(config);
  const choice = await initBackend({ backend: newConfig.backend, log });
  const stages: Stage[] = [
    importedStage(round, 'vae', 'vae', 'vae'),
    importedStage(round, 'series', 'series', 'series'),
    importedStage(round, 'mdnrnn', 'mdnrnn', 'mdnrnn'),
    controllerStage(newConfig, 1),
    ...newConfig.controller.dream.temperatures.map((t) => controllerStage(newConfig, 1, t)),
  ];
  log(`worldmodels: new controller on the world model of ${source} (iteration ${round.iteration}) in ${root} (tfjs backend ${choice.backend})`);
  return runStages(root, stages, {
    log,
    ...(options.redo !== undefined && { redo: options.redo }),
    beforeRun: () => atomicWriteJson(join(root, RUN_CONFIG_FILE), newConfig),
  });
}

