import { join } from 'node:path';
import { trainVAE } from '@worldmodels/vae';
import type { RunConfig } from '../config/schema.js';
import type { Stage } from '../run/stage.js';
import { DATA_DIR, stageDir, stageName } from './stage-paths.js';
import { stageSeed } from './stage-seed.js';

/**
 * Paper step 2: trains V on the collected frames with @worldmodels/vae's `trainVAE` (shuffled
 * minibatches streamed from the store; checkpoints of weights, Adam's moments, data position
 * and noise stream; a killed run resumes exactly). Writes `<stage>/model`.
 */
export function vaeStage(config: RunConfig, iteration: number): Stage {
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
