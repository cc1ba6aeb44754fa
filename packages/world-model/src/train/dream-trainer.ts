import { join } from 'node:path';
import { readNpz } from '@worldmodels/core/dataset';
import { Rng } from '@worldmodels/core/rng';
import { ENV_KINDS } from '../config/env-kinds.js';
import type { RunConfig } from '../config/schema.js';
import { actionAdapter } from '../controller/action-adapter.js';
import { DreamEnv } from '../dream/dream-env.js';
import { initialLatents, type InitialLatents } from '../dream/initial-latents.js';
import type { MemoryModel } from '../models/model-types.js';

/** Reads the dream's initial latents written by the series stage. */
export async function readInitialLatents(path: string): Promise<InitialLatents> {
  const arrays = await readNpz(path);
  const mu = arrays.mu;
  const logvar = arrays.logvar;
  if (!mu || !logvar || mu.shape.length !== 2) throw new Error(`${path} must hold mu and logvar arrays of shape [N, Z]`);
  return initialLatents(mu.data as Float32Array, logvar.data as Float32Array, mu.shape[1]!);
}

/** The dream of a run config, from its M and the initial latents in `initialZPath`. */
export async function makeDreamEnv(config: RunConfig, mdnrnn: MemoryModel, initialZPath: string, temperature = config.controller.dream.temperature): Promise<DreamEnv> {
  return new DreamEnv({
    mdnrnn,
    initial: await readInitialLatents(initialZPath),
    actions: actionAdapter(config.env),
    temperature,
    maxSteps: config.controller.dream.maxSteps,
    reward: ENV_KINDS[config.env].dreamReward,
    curiosityWeight: config.controller.curiosity.weight,
    done: config.controller.dream.done ?? 'threshold',
    donePositiveWeight: config.mdnrnn.donePositiveWeight,
    commonRandomNumbers: config.controller.dream.commonRandomNumbers === true,
  });
}

/** The random stream of generation g's dream episodes (independent of everything else). */
export function dreamGenerationRng(seed: number, generation: number): Rng {
  return new Rng(seed).derive('dream', 'generation', generation);
}

export const dreamInitialZPath = (seriesDir: string, file: string) => join(seriesDir, file);
