import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readJsonFile } from '@worldmodels/core';
import {
  CONTROLLER_FILE, ControllerLayout, INITIAL_Z_FILE, MODEL_DIR, RUN_CONFIG_FILE, layoutOptionsFor, loadMemory, loadVision, readRunConfig, stageDir,
  type ControllerResult, type EnvKind, type RunConfig,
} from '@worldmodels/world-model';

type ConvVAE = Awaited<ReturnType<typeof loadVision>>;
type MDNRNN = Awaited<ReturnType<typeof loadMemory>>;

/** A checkpoint (or run directory) loaded for playing: V, M, C's parameters and the run config. */
export interface AgentCheckpoint {
  dir: string;
  config: RunConfig;
  vae: ConvVAE;
  mdnrnn: MDNRNN;
  layout: ControllerLayout;
  /** C's flat parameters (`controller/best.json`). */
  params: number[];
  controller: ControllerResult;
  /** The dream's initial latents, when the checkpoint ships them. */
  initialZPath: string | null;
}

/** The files a checkpoint needs, relative to its directory, with what each one is. */
export function requiredCheckpointFiles(iteration = 1): { path: string; what: string }[] {
  const model = (stage: 'vae' | 'mdnrnn') => join(stageDir(stage, iteration), MODEL_DIR);
  return [
    { path: join(model('vae'), 'model.json'), what: "V's weights manifest" },
    { path: join(model('vae'), 'weights.bin'), what: "V's weights" },
    { path: join(model('mdnrnn'), 'model.json'), what: "M's weights manifest" },
    { path: join(model('mdnrnn'), 'weights.bin'), what: "M's weights" },
    { path: join(stageDir('controller', iteration), CONTROLLER_FILE), what: "C's parameters" },
  ];
}

/**
 * Loads a shipped checkpoint or any run directory made by `worldmodels train` (its last
 * iteration): `config.json`, `vae/model/`, `mdnrnn/model/`, `controller/best.json`. A missing
 * file is an error naming it; a checkpoint of another env than `kind` is refused.
 */
export async function loadAgentCheckpoint(dir: string, kind: EnvKind): Promise<AgentCheckpoint> {
  const root = resolve(dir);
  if (!existsSync(root)) throw new Error(`checkpoint directory not found: ${root}`);
  if (!statSync(root).isDirectory()) throw new Error(`checkpoint ${root} is not a directory`);
  const configPath = join(root, RUN_CONFIG_FILE);
  if (!existsSync(configPath)) throw new Error(`checkpoint ${root} is missing ${RUN_CONFIG_FILE} (the run config); pass a run directory made by \`worldmodels train\``);
  const config = await readRunConfig(root);
  if (config.env !== kind) throw new Error(`checkpoint ${root} is for ${config.env}, not ${kind}`);
  const iteration = config.iterations;
  for (const { path, what } of requiredCheckpointFiles(iteration)) {
    if (!existsSync(join(root, path))) throw new Error(`checkpoint ${root} is missing ${path} (${what})`);
  }
  const controllerPath = join(root, stageDir('controller', iteration), CONTROLLER_FILE);
  const controller = (await readJsonFile(controllerPath, 'controller file')) as ControllerResult;
  if (!Array.isArray(controller.params)) throw new Error(`${controllerPath} has no params array`);
  const layout = new ControllerLayout(layoutOptionsFor(config));
  if (controller.params.length !== layout.paramCount) {
    throw new Error(`${controllerPath} has ${controller.params.length} parameters; the run's ${layout.form} controller needs ${layout.paramCount}`);
  }
  const vae = await loadVision(join(root, stageDir('vae', iteration)));
  let mdnrnn: MDNRNN;
  try {
    mdnrnn = await loadMemory(join(root, stageDir('mdnrnn', iteration)));
  } catch (error) {
    vae.dispose();
    throw error;
  }
  const initialZPath = join(root, stageDir('series', iteration), INITIAL_Z_FILE);
  return { dir: root, config, vae, mdnrnn, layout, params: controller.params, controller, initialZPath: existsSync(initialZPath) ? initialZPath : null };
}

/** Frees V's and M's variables. */
export function disposeAgentCheckpoint(checkpoint: AgentCheckpoint): void {
  checkpoint.vae.dispose();
  checkpoint.mdnrnn.dispose();
}
