import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointManager } from '@worldmodels/core';
import { DatasetReader } from '@worldmodels/core/dataset';
import { ProgressReporter } from '@worldmodels/core/progress';
import { Rng, type RngState } from '@worldmodels/core/rng';
import { ConvVAE, VAETrainer } from '@worldmodels/vae';
import type { RunConfig } from '../config/schema.js';
import { MODEL_DIR, loadVision } from '../models/load-models.js';
import type { Stage } from '../run/stage.js';
import { DATA_DIR, stageDir, stageName } from './stage-paths.js';
import { stageSeed } from './stage-seed.js';

/**
 * Paper step 2: trains V on the collected frames (shuffled minibatches streamed from the store),
 * checkpointing weights, Adam's moments and the noise stream every `checkpointEvery` steps; a
 * killed run resumes at its last checkpoint, skipping the batches it had already trained on.
 * In later iterations V starts from the previous iteration's weights.
 */
export function vaeStage(config: RunConfig, iteration: number): Stage {
  const previous = iteration > 1 ? stageName('vae', iteration - 1) : null;
  const collect = stageName('collect', iteration);
  return {
    name: stageName('vae', iteration),
    dir: stageDir('vae', iteration),
    inputs: previous ? [collect, previous] : [collect],
    settings: { seed: config.seed, ...config.vae, checkpointEvery: undefined },
    async run(ctx) {
      const v = config.vae;
      const seed = stageSeed(config.seed, 'vae', iteration);
      const reader = await DatasetReader.open(join(ctx.inputs[collect]!, DATA_DIR));
      const frames = reader.episodes.reduce((n, e) => n + e.length, 0);
      if (frames === 0) throw new Error(`the data set ${reader.dir} has no frames; collect some episodes first`);
      const perEpoch = Math.min(frames, v.framesPerEpoch ?? frames);
      const stepsPerEpoch = Math.ceil(perEpoch / v.batchSize);
      const totalSteps = v.epochs * stepsPerEpoch;

      const vae = previous ? await loadVision(ctx.inputs[previous]!) : new ConvVAE({ zSize: v.zSize, klTolerance: v.klTolerance, beta: v.beta, width: v.width, seed });
      if (vae.config.zSize !== v.zSize) throw new Error(`the previous iteration's V has z size ${vae.config.zSize}, the config asks for ${v.zSize}`);
      const trainer = new VAETrainer(vae, { learningRate: v.learningRate, rng: new Rng(seed).derive('noise') });
      const checkpoints = new CheckpointManager(join(ctx.dir, 'checkpoints'), { keep: 2 });
      let step = 0;
      const latest = await checkpoints.latest();
      if (latest) {
        vae.setWeights(latest.tensors);
        await trainer.restore(latest.tensors);
        tf.dispose(Object.values(latest.tensors));
        step = latest.step;
        trainer.rng = Rng.fromState((latest.metadata as { rng: RngState }).rng);
        ctx.log(`vae: resuming at step ${step}/${totalSteps}`);
      }
      const save = async () => checkpoints.save(step, { ...vae.getWeights(), ...(await trainer.state()) }, { rng: trainer.rng.getState() });

      const progress = new ProgressReporter({ total: totalSteps, label: 'vae' });
      progress.update(step);
      let last: Record<string, number> = {};
      try {
        for (let epoch = Math.floor(step / stepsPerEpoch); epoch < v.epochs; epoch++) {
          let i = 0;
          for await (const batch of reader.frames({ batchSize: v.batchSize, rng: new Rng(seed).derive('epoch', epoch), epochs: 1 })) {
            if (i >= stepsPerEpoch) break;
            if (epoch * stepsPerEpoch + i++ < step) continue; // trained before the kill
            const x = tf.tidy(() => tf.div(tf.tensor4d(batch.observations as Uint8Array, [batch.count, 64, 64, 3], 'float32'), 255)); // [B, 64, 64, 3]
            const m = trainer.step(x as tf.Tensor4D);
            x.dispose();
            step++;
            last = { loss: m.loss, reconstruction: m.reconstruction, kl: m.rawKl };
            await ctx.metrics.log({ step, epoch, ...last });
            progress.update(step, { loss: Number(m.loss.toFixed(2)) });
            if (step % v.checkpointEvery === 0) await save();
          }
        }
      } finally {
        progress.stop();
      }
      await vae.save(join(ctx.dir, MODEL_DIR));
      trainer.dispose();
      vae.dispose();
      return { steps: step, frames, ...last };
    },
  };
}
