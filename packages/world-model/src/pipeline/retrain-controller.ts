import { existsSync } from 'node:fs';
import { copyFile, cp } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { initBackend } from '@worldmodels/core';
import { atomicWriteJson, readJsonFile } from '@worldmodels/core/dataset';
import type { RunConfig } from '../config/schema.js';
import { MODEL_DIR } from '../models/load-models.js';
import { canonicalJson, differingPaths } from '../run/fingerprint.js';
import { runStages, type StageOutcome } from '../run/run-stages.js';
import type { Stage } from '../run/stage.js';
import { controllerStage } from './controller-stage.js';
import { INITIAL_Z_FILE, stageDir } from './stage-paths.js';
import { RUN_CONFIG_FILE, readRunConfig } from './train-world-model.js';

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
  const sourceConfig = await readRunConfig(source);
  const iteration = options.iteration ?? sourceConfig.iterations;
  if (!Number.isInteger(iteration) || iteration < 1 || iteration > sourceConfig.iterations) throw new Error(`iteration must be 1..${sourceConfig.iterations}, got ${iteration}`);
  for (const key of WORLD_MODEL_KEYS) {
    if (canonicalJson(config[key]) !== canonicalJson(sourceConfig[key])) {
      const paths = typeof config[key] === 'object' ? differingPaths(sourceConfig[key], config[key], key) : [key];
      throw new Error(`a retrained controller keeps the V and M of ${source}: ${paths.join(', ')} differ from its config (only controller, eval, seed and backend may change)`);
    }
  }
  const newConfig: RunConfig = { ...config, iterations: 1 };
  const choice = await initBackend({ backend: newConfig.backend, log });
  const stages: Stage[] = [
    await copiedStage(source, iteration, 'vae', [MODEL_DIR]),
    await copiedStage(source, iteration, 'series', [INITIAL_Z_FILE]),
    await copiedStage(source, iteration, 'mdnrnn', [MODEL_DIR]),
    controllerStage(newConfig, 1),
    ...newConfig.controller.dream.temperatures.map((t) => controllerStage(newConfig, 1, t)),
  ];
  log(`worldmodels: new controller on the world model of ${source} (iteration ${iteration}) in ${root} (tfjs backend ${choice.backend})`);
  return runStages(root, stages, {
    log,
    ...(options.redo !== undefined && { redo: options.redo }),
    beforeRun: () => atomicWriteJson(join(root, RUN_CONFIG_FILE), newConfig),
  });
}

/**
 * A stage that copies `files` (files or directories) of the source's `kind` stage. Its settings
 * hold the source stage's fingerprint, so a copy of another world model is stale.
 */
async function copiedStage(source: string, iteration: number, kind: 'vae' | 'series' | 'mdnrnn', files: readonly string[]): Promise<Stage> {
  const from = join(source, stageDir(kind, iteration));
  const doneFile = join(from, 'DONE.json');
  if (!existsSync(doneFile)) throw new Error(`${source}: stage ${stageDir(kind, iteration)} is not done; a controller needs a finished V and M`);
  for (const file of files) if (!existsSync(join(from, file))) throw new Error(`${source}: ${join(stageDir(kind, iteration), file)} is missing`);
  const done = (await readJsonFile(doneFile, `${kind} done-marker`)) as { fingerprint?: unknown; summary?: Record<string, unknown> };
  if (typeof done.fingerprint !== 'string') throw new Error(`${doneFile} has no fingerprint; is it a done-marker of a worldmodels run?`);
  const fingerprint = done.fingerprint;
  return {
    name: kind,
    dir: kind,
    inputs: [],
    settings: { copyOf: kind, fingerprint },
    async run(ctx) {
      for (const file of files) {
        const target = join(ctx.dir, file);
        if (file === MODEL_DIR) await cp(join(from, file), target, { recursive: true, force: true });
        else await copyFile(join(from, file), target);
      }
      return { ...(done.summary ?? {}), copiedFrom: from };
    },
  };
}
