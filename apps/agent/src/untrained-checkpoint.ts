import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWriteJson, saveVariables } from '@worldmodels/core';
import { ndarray, writeNpz } from '@worldmodels/core/dataset';
import { Rng } from '@worldmodels/core/rng';
import { MDNRNN } from '@worldmodels/mdn-rnn';
import { ConvVAE } from '@worldmodels/vae';
import {
  CONTROLLER_FILE, ControllerLayout, INITIAL_Z_FILE, MODEL_DIR, RUN_CONFIG_FILE, actionAdapter, layoutOptionsFor, resolveRunConfig,
  type ControllerResult, type EnvKind, type RunConfig,
} from '@worldmodels/world-model';

export interface UntrainedCheckpointOptions {
  /** Run-config preset the sizes come from (default 'ci': z 8, V width 0.125, M 16 units). */
  preset?: 'ci' | 'tiny' | 'paper';
  seed?: number;
  /** Store the weights as float16, as the shipped checkpoints are (default false). */
  float16?: boolean;
  /** Initial latents to write to `series/initial-z.npz` (default 4). */
  initialLatents?: number;
}

/**
 * Writes a checkpoint in the shipped layout (`config.json`, `vae/model`, `mdnrnn/model`,
 * `controller/best.json`, `series/initial-z.npz`) with seeded, untrained V, M and C: for testing
 * the loaders, the agent command and the web page without training anything.
 */
export async function writeUntrainedCheckpoint(dir: string, env: EnvKind, options: UntrainedCheckpointOptions = {}): Promise<RunConfig> {
  const seed = options.seed ?? 1;
  const config = await resolveRunConfig({ env, preset: options.preset ?? 'ci', overrides: { seed } });
  const m = config.mdnrnn;
  const vae = new ConvVAE({ seed, zSize: config.vae.zSize, width: config.vae.width });
  const mdnrnn = new MDNRNN({
    seed, zSize: config.vae.zSize, actionSize: actionAdapter(env).memoryActionSize, hiddenSize: m.hiddenSize, mixtures: m.mixtures,
    doneHead: m.doneHead, donePositiveWeight: m.donePositiveWeight, rewardHead: m.rewardHead, restartInput: m.doneHead,
  });
  const float16 = options.float16 ?? false;
  try {
    await mkdir(dir, { recursive: true });
    await atomicWriteJson(join(dir, RUN_CONFIG_FILE), config);
    await saveVariables(join(dir, 'vae', MODEL_DIR), vae.getWeights(), { metadata: { kind: 'ConvVAE', config: { ...vae.config } }, float16 });
    await saveVariables(join(dir, 'mdnrnn', MODEL_DIR), mdnrnn.getWeights(), { metadata: { kind: 'MDNRNN', config: { ...mdnrnn.config } }, float16 });
  } finally {
    vae.dispose();
    mdnrnn.dispose();
  }
  const layout = new ControllerLayout(layoutOptionsFor(config));
  const rng = new Rng(seed).derive('untrained-controller');
  const controller: ControllerResult = { params: Array.from({ length: layout.paramCount }, () => 0.5 * rng.normal()), source: 'best-candidate', score: 0, generation: 0 };
  await mkdir(join(dir, 'controller'), { recursive: true });
  await atomicWriteJson(join(dir, 'controller', CONTROLLER_FILE), controller);
  const n = options.initialLatents ?? 4;
  const Z = config.vae.zSize;
  const mu = Float32Array.from({ length: n * Z }, () => rng.normal());
  const logvar = Float32Array.from({ length: n * Z }, () => -1 + 0.1 * rng.normal());
  await mkdir(join(dir, 'series'), { recursive: true });
  await writeNpz(join(dir, 'series', INITIAL_Z_FILE), { mu: ndarray('float32', [n, Z], mu), logvar: ndarray('float32', [n, Z], logvar) });
  await writeFile(join(dir, 'README.md'), `Untrained ${env} checkpoint (seed ${seed}) for tests.\n`);
  return config;
}
