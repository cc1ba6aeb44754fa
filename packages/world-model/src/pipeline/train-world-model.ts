import { join, resolve } from 'node:path';
import { initBackend } from '@worldmodels/core';
import { atomicWriteJson, readJsonFile } from '@worldmodels/core/dataset';
import { parseRunConfig, type RunConfig } from '../config/schema.js';
import { runStages, type StageOutcome } from '../run/run-stages.js';
import { buildStages } from './build-stages.js';
import { checkSameWorldModel, readImportedRound, type ImportedRound } from './imported-round.js';

export const RUN_CONFIG_FILE = 'config.json';

/**
 * What a run continued from an agent (iterative.startFrom) keeps of the agent's config: its env
 * and the shapes of V and M, which later rounds keep or warm-start. How they are trained
 * (epochs, learning rates, the done head's positive weight…) applies to later rounds only.
 */
export const CONTINUED_MODEL_PATHS = ['env', 'vae.zSize', 'vae.width', 'mdnrnn.hiddenSize', 'mdnrnn.mixtures', 'mdnrnn.doneHead', 'mdnrnn.rewardHead', 'mdnrnn.concatEpisodes'];

export interface TrainWorldModelOptions {
  /** Redo this stage and every stage after it. */
  redo?: string;
  /** Stop after this stage. */
  until?: string;
  log?: (line: string) => void;
}

/**
 * Runs the World Models pipeline for `config` in `runDir`: stages that are done are skipped,
 * a stage that was killed resumes from its checkpoints. The resolved config is kept in
 * `<runDir>/config.json` for `worldmodels eval`.
 */
export async function trainWorldModel(runDir: string, config: RunConfig, options: TrainWorldModelOptions = {}): Promise<StageOutcome[]> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const root = resolve(runDir);
  const choice = await initBackend({ backend: config.backend, log });
  const startFrom = config.iterative.startFrom;
  let imported: ImportedRound | undefined;
  if (startFrom !== undefined) {
    imported = await readImportedRound(startFrom, ['vae', 'series', 'mdnrnn', 'controller']);
    checkSameWorldModel(imported, config, CONTINUED_MODEL_PATHS, 'a run continued from an agent keeps its env and the shapes of its V and M; training settings may differ');
    const [ours, theirs] = [config.controller, imported.config.controller];
    if (ours.form !== theirs.form || ours.hiddenUnits !== theirs.hiddenUnits) {
      throw new Error(`the controller of ${imported.root} is a ${theirs.form} controller (hiddenUnits ${theirs.hiddenUnits}); round 2 collects with it, so controller.form and hiddenUnits must match`);
    }
  }
  const stages = buildStages(config, imported);
  const configPath = join(root, RUN_CONFIG_FILE);
  log(`worldmodels: ${config.env} run in ${root} (tfjs backend ${choice.backend}); stages ${stages.map((s) => s.name).join(' → ')}`);
  // Written once the done and started stages are known to agree with it, before any stage runs: a
  // config the stages refuse never replaces the one they were trained with, and a run extended by
  // more iterations can be evaluated round by round while its later rounds still train.
  return runStages(root, stages, {
    log,
    ...(options.redo !== undefined && { redo: options.redo }),
    ...(options.until !== undefined && { until: options.until }),
    beforeRun: () => atomicWriteJson(configPath, config),
  });
}

/** Reads and validates a run's config.json. */
export async function readRunConfig(runDir: string): Promise<RunConfig> {
  const path = join(resolve(runDir), RUN_CONFIG_FILE);
  return parseRunConfig(await readJsonFile(path, 'run config'), path);
}
