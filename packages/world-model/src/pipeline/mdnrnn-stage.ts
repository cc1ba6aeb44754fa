import { join } from 'node:path';
import { trainMDNRNN } from '@worldmodels/mdn-rnn';
import type { RunConfig } from '../config/schema.js';
import type { Stage } from '../run/stage.js';
import { MODEL_DIR } from '../models/load-models.js';
import { SERIES_DIR, stageDir, stageName } from './stage-paths.js';
import { stageSeed } from './stage-seed.js';

/**
 * Paper step 3: trains M on the series with @worldmodels/mdn-rnn's `trainMDNRNN` (teacher
 * forcing on windows of seqLen + 1 steps, z sampled from (mu, logvar), the done and reward
 * heads on each step's outcome, restart flags at episode starts; checkpoints and exact resume).
 * Writes `<stage>/model`.
 */
export function mdnrnnStage(config: RunConfig, iteration: number): Stage {
  const series = stageName('series', iteration);
  const later = iteration > 1;
  // Warm start (iterative procedure): begin from the previous round's M.
  const previous = later && config.iterative.warmStart ? stageName('mdnrnn', iteration - 1) : null;
  const epochs = later ? (config.iterative.mdnrnnEpochs ?? config.mdnrnn.epochs) : config.mdnrnn.epochs;
  const seqLen = later ? (config.iterative.mdnrnnSeqLen ?? config.mdnrnn.seqLen) : config.mdnrnn.seqLen;
  return {
    name: stageName('mdnrnn', iteration),
    dir: stageDir('mdnrnn', iteration),
    inputs: previous ? [series, previous] : [series],
    settings: { seed: config.seed, ...config.mdnrnn, epochs, seqLen, checkpointEvery: undefined, ...(previous && { warmStart: previous }) },
    async run(ctx) {
      const c = config.mdnrnn;
      const result = await trainMDNRNN({
        series: join(ctx.inputs[series]!, SERIES_DIR),
        runDir: ctx.dir,
        model: { hiddenSize: c.hiddenSize, mixtures: c.mixtures, doneHead: c.doneHead, donePositiveWeight: c.donePositiveWeight, rewardHead: c.rewardHead, restartInput: c.doneHead },
        epochs,
        ...(previous && { initialModel: join(ctx.inputs[previous]!, MODEL_DIR) }),
        batchSize: c.batchSize,
        seqLen,
        learningRate: c.learningRate,
        gradientClip: c.gradClip,
        seed: stageSeed(config.seed, 'mdnrnn', iteration),
        checkpointEvery: c.checkpointEvery,
      });
      const summary = { steps: result.steps, ...(result.last ?? {}) };
      result.model.dispose();
      return summary;
    },
  };
}
