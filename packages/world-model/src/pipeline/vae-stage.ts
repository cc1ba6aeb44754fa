import { cp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { trainVAE } from '@worldmodels/vae';
import type { RunConfig } from '../config/schema.js';
import type { Stage } from '../run/stage.js';
import { MODEL_DIR, resolveVisionModelDir } from '../models/load-models.js';
import { framesRounds, openRoundsFrames } from './collected-rounds.js';
import { stageDir, stageName } from './stage-paths.js';
import { stageSeed } from './stage-seed.js';

/**
 * Paper step 2: trains V on the collected frames with @worldmodels/vae's `trainVAE` (shuffled
 * minibatches streamed from the store; checkpoints of weights, Adam's moments, data position
 * and noise stream; a killed run resumes exactly). Writes `<stage>/model`.
 *
 * In later rounds of the iterative procedure (`iterative.vision`): 'keep' copies round 1's V;
 * 'retrain' trains a new V; 'finetune' starts from the round before's V (fresh Adam moments). With
 * `iterative.aggregate` a new V trains on every round's frames so far, else on its round's.
 */
export function vaeStage(config: RunConfig, iteration: number): Stage {
  if (iteration > 1 && config.iterative.vision === 'keep') return keptVaeStage(iteration);
  const rounds = framesRounds(config, iteration);
  const collects = rounds.map((round) => stageName('collect', round));
  const later = iteration > 1;
  const previous = later && config.iterative.vision === 'finetune' ? stageName('vae', iteration - 1) : null;
  const laterSteps = later ? config.iterative.vaeSteps : undefined;
  return {
    name: stageName('vae', iteration),
    dir: stageDir('vae', iteration),
    inputs: previous ? [...collects, previous] : collects,
    settings: {
      seed: config.seed,
      ...config.vae,
      checkpointEvery: undefined,
      ...(laterSteps !== undefined && { steps: laterSteps }),
      ...(rounds.length > 1 && { frames: collects }),
      ...(previous && { fineTunes: previous }),
    },
    async run(ctx) {
      const v = config.vae;
      const init = previous ? join(ctx.inputs[previous]!, MODEL_DIR) : v.init !== undefined ? resolveVisionModelDir(v.init) : undefined;
      const steps = laterSteps ?? v.steps;
      const result = await trainVAE({
        dataset: await openRoundsFrames(ctx.inputs, rounds),
        runDir: ctx.dir,
        model: { zSize: v.zSize, klTolerance: v.klTolerance, beta: v.beta, width: v.width },
        ...(init !== undefined && { init }),
        epochs: v.epochs,
        ...(steps !== undefined && { steps }),
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
