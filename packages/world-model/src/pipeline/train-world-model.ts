import { join, resolve } from 'node:path';
import { initBackend } from '@worldmodels/core';
import { atomicWriteJson, readJsonFile } from '@worldmodels/core/dataset';
import { parseRunConfig, type RunConfig } from '../config/schema.js';
import { runStages, type StageOutcome } from '../run/run-stages.js';
import { buildStages } from './build-stages.js';

export const RUN_CONFIG_FILE = 'config.json';

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
  const stages = buildStages(config);
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
