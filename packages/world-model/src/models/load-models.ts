import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MDNRNN } from '@worldmodels/mdn-rnn';
import { ConvVAE } from '@worldmodels/vae';
import { stageDir } from '../pipeline/stage-paths.js';

/** Where a stage keeps its final model (core's checkpoint format: model.json, weights.bin, manifest). */
export const MODEL_DIR = 'model';

/** Loads V saved by the vae stage (`<stageDir>/model`). */
export async function loadVision(stageDir: string): Promise<ConvVAE> {
  return ConvVAE.load(join(stageDir, MODEL_DIR));
}

/** Loads M saved by the mdnrnn stage (`<stageDir>/model`). */
export async function loadMemory(stageDir: string): Promise<MDNRNN> {
  return MDNRNN.load(join(stageDir, MODEL_DIR));
}

/**
 * The V model directory a path names: the directory itself (holding model.json), a vae stage
 * (`model/`), or a run / exported agent: its last round's V (`iter-<k>/vae/model/` of a run of k
 * rounds, `vae/model/` of one round).
 */
export function resolveVisionModelDir(path: string): string {
  const lastRound = join(stageDir('vae', lastIteration(path)), MODEL_DIR);
  for (const candidate of [path, join(path, MODEL_DIR), join(path, lastRound)]) {
    if (existsSync(join(candidate, 'model.json'))) return candidate;
  }
  throw new Error(`vae.init: ${path} holds no saved V (looked for model.json, model/model.json and ${join(lastRound, 'model.json')})`);
}

/** Rounds of the run at `path` by its config.json (1 where there is none or it does not say). */
function lastIteration(path: string): number {
  const configPath = join(path, 'config.json');
  if (!existsSync(configPath)) return 1;
  try {
    const iterations = (JSON.parse(readFileSync(configPath, 'utf8')) as { iterations?: unknown }).iterations;
    return typeof iterations === 'number' && Number.isInteger(iterations) && iterations >= 1 ? iterations : 1;
  } catch (error) {
    throw new Error(`vae.init: ${configPath} is not valid JSON (${(error as Error).message})`);
  }
}
