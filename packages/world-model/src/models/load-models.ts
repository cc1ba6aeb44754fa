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
