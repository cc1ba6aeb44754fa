import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MDNRNN } from '@worldmodels/mdn-rnn';
import { ConvVAE } from '@worldmodels/vae';

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
 * (`model/`), or a run / exported agent (`vae/model/`).
 */
export function resolveVisionModelDir(path: string): string {
  for (const candidate of [path, join(path, MODEL_DIR), join(path, 'vae', MODEL_DIR)]) {
    if (existsSync(join(candidate, 'model.json'))) return candidate;
  }
  throw new Error(`vae.init: ${path} holds no saved V (looked for model.json, model/model.json and vae/model/model.json)`);
}
