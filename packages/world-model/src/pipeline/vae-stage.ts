import { cp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { trainVAE } from '@worldmodels/vae';
import type { RunConfig } from '../config/schema.js';
import type { Stage } from '../run/stage.js';
import { MODEL_DIR, resolveVisionModelDir } from '../models/load-models.js';
import { DATA_DIR, stageDir, stageName } from './stage-paths.js';
import { stageSeed } from './stage-seed.js';

/**
 * Paper step 2: trains V on the collected frames with @worldmodels/vae's `trainVAE` (shuffled
 * minibatches streamed from the store; checkpoints of weights, Adam's moments, data position
 * and noise stream; a killed run resumes exactly). Writes `<stage>/model`.
 */
export function vaeStage(config: RunConfig, iteration: number): Stage {
  if (iteration > 1 && config.iterative.vision === 'keep') return keptVaeStage(iteration);
  const collect = stageName('collect', iteration);
  return {
    name: stageName('vae', iteration),
    dir: stageDir('vae', iteration),
    inputs: [collect],
    settings: { seed: config.seed, ...config.vae, checkpointEvery: undefined },
    async run(ctx) {
      const v = config.vae;
      const result = await trainVAE({
        dataset: join(ctx.inputs[collect]!, DATA_DIR),
        runDir: ctx.dir,
        model: { zSize: v.zSize, klTolerance: v.klTolerance, beta: v.beta, width: v.width },
        ...(v.init !== undefined && { init: resolveVisionModelDir(v.init) }),
        epochs: v.epochs,
        ...(v.steps !== undefined && { steps: v.steps }),
        batchSize: v.batchSize,
        learningRate: v.learningRate,
        seed: stageSeed(config.seed, 'vae', iteration),
        checkpointEvery: v.checkpointEvery,
      });
      const summary = { steps: result.steps, ...(result.last ?? {}) };
      result.vae.dispose();
      return summary;
    },
  };
}

/**
 * A later round with `iterative.vision: 'keep'`: round 1's V, copied into this round's stage
 * directory (so every consumer finds V where it always does), not retrained.
 */
function keptVaeStage(iteration: number): Stage {
  const first = stageName('vae', 1);
  return {
    name: stageName('vae', iteration),
    dir: stageDir('vae', iteration),
    inputs: [first],
    settings: { keptFrom: first },
    async run(ctx) {
      const to = join(ctx.dir, MODEL_DIR);
      const tmp = `${to}.tmp`;
      await rm(tmp, { recursive: true, force: true });
      await cp(join(ctx.inputs[first]!, MODEL_DIR), tmp, { recursive: true });
      await rm(to, { recursive: true, force: true });
      await rename(tmp, to);
      return { keptFrom: first };
    },
  };
}
