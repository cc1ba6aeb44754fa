import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointManager } from '@worldmodels/core';
import { DatasetReader } from '@worldmodels/core/dataset';
import { ProgressReporter } from '@worldmodels/core/progress';
import { Rng } from '@worldmodels/core/rng';
import { MDNRNN, MDNRNNTrainer } from '@worldmodels/mdn-rnn';
import type { RunConfig } from '../config/schema.js';
import { actionAdapter } from '../controller/action-adapter.js';
import { MODEL_DIR } from '../models/load-models.js';
import type { Stage } from '../run/stage.js';
import { SERIES_DIR, stageDir, stageName } from './stage-paths.js';
import { stageSeed } from './stage-seed.js';

/**
 * Paper step 3: trains M on the series with teacher forcing — windows of seqLen + 1 steps, z
 * sampled from each step's (mu, logvar) as the reference, inputs (z_t, a_t) predicting z_{t+1},
 * and the done and reward heads on the step's done flag and reward. Restart flags mark the
 * first step of an episode for models with a restart input. Checkpoints every
 * `checkpointEvery` steps; a killed run resumes at its last checkpoint.
 */
export function mdnrnnStage(config: RunConfig, iteration: number): Stage {
  const series = stageName('series', iteration);
  return {
    name: stageName('mdnrnn', iteration),
    dir: stageDir('mdnrnn', iteration),
    inputs: [series],
    settings: { seed: config.seed, ...config.mdnrnn, checkpointEvery: undefined, zSize: config.vae.zSize },
    async run(ctx) {
      const c = config.mdnrnn;
      const seed = stageSeed(config.seed, 'mdnrnn', iteration);
      const reader = await DatasetReader.open(join(ctx.inputs[series]!, SERIES_DIR));
      const Z = reader.manifest.arrays.mu!.shape[0]!;
      const A = actionAdapter(config.env).memoryActionSize;
      const T = c.seqLen;
      const usable = reader.episodes.filter((e) => e.length >= T + 1).length;
      if (usable === 0) {
        const longest = Math.max(0, ...reader.episodes.map((e) => e.length));
        throw new Error(`M trains on windows of mdnrnn.seqLen + 1 = ${T + 1} steps, but the longest encoded episode has ${longest}; lower mdnrnn.seqLen or collect longer episodes`);
      }
      const model = new MDNRNN({ zSize: Z, actionSize: A, hiddenSize: c.hiddenSize, mixtures: c.mixtures, doneHead: c.doneHead, rewardHead: c.rewardHead, restartInput: c.doneHead, seed });
      const trainer = new MDNRNNTrainer(model, { learningRate: c.learningRate, gradientClip: c.gradClip });
      const checkpoints = new CheckpointManager(join(ctx.dir, 'checkpoints'), { keep: 2 });
      let step = 0;
      const latest = await checkpoints.latest();
      if (latest) {
        model.setWeights(latest.tensors);
        await trainer.restore(latest.tensors);
        tf.dispose(Object.values(latest.tensors));
        step = latest.step;
        ctx.log(`mdnrnn: resuming at step ${step}/${c.steps}`);
      }
      const progress = new ProgressReporter({ total: c.steps, label: 'mdnrnn' });
      progress.update(step);
      let last: Record<string, number> = {};
      try {
        // A resumed run draws a fresh shuffle from the step it resumes at.
        const stream = reader.sequences({ batchSize: c.batchSize, seqLen: T + 1, rng: new Rng(seed).derive('data', step), epochs: Number.MAX_SAFE_INTEGER, dropLast: true });
        const noise = new Rng(seed).derive('noise', step);
        while (step < c.steps) {
          const next = await stream.next();
          if (next.done) break;
          const b = next.value;
          const batch = tf.tidy(() => {
            const B = b.count;
            const mu = tf.tensor3d(b.arrays.mu as Float32Array, [B, T + 1, Z]); // [B, T+1, Z]
            const logvar = tf.tensor3d(b.arrays.logvar as Float32Array, [B, T + 1, Z]); // [B, T+1, Z]
            const z = tf.add(mu, tf.mul(tf.exp(tf.mul(logvar, 0.5)), tf.randomNormal([B, T + 1, Z], 0, 1, 'float32', noise.nextSeed()))); // [B, T+1, Z]
            const actions = tf.tensor3d(b.arrays.actions as Float32Array, [B, T + 1, A]); // [B, T+1, A]
            const dones = tf.tensor2d(Float32Array.from(b.arrays.dones as Uint8Array), [B, T + 1]); // [B, T+1]
            const rewards = tf.tensor2d(b.arrays.rewards as Float32Array, [B, T + 1]); // [B, T+1]
            const restart = new Float32Array(B * T);
            b.sources.forEach((s, i) => {
              if (s.start === 0) restart[i * T] = 1;
            });
            return {
              z: tf.slice(z, [0, 0, 0], [B, T, Z]) as tf.Tensor3D, // [B, T, Z]
              actions: tf.slice(actions, [0, 0, 0], [B, T, A]) as tf.Tensor3D, // [B, T, A]
              targetZ: tf.slice(z, [0, 1, 0], [B, T, Z]) as tf.Tensor3D, // [B, T, Z]
              ...(c.doneHead && { targetDone: tf.slice(dones, [0, 0], [B, T]) as tf.Tensor2D, restart: tf.tensor2d(restart, [B, T]) }),
              ...(c.rewardHead && { targetReward: tf.slice(rewards, [0, 0], [B, T]) as tf.Tensor2D }),
            };
          });
          const m = trainer.step(batch);
          tf.dispose(Object.values(batch));
          step++;
          last = { ...m } as unknown as Record<string, number>;
          await ctx.metrics.log({ step, ...last });
          progress.update(step, { loss: Number(m.loss.toFixed(3)) });
          if (step % c.checkpointEvery === 0) await checkpoints.save(step, { ...model.getWeights(), ...(await trainer.state()) });
        }
        await stream.return(undefined);
      } finally {
        progress.stop();
      }
      await model.save(join(ctx.dir, MODEL_DIR));
      trainer.dispose();
      model.dispose();
      return { steps: step, sequences: usable, ...last };
    },
  };
}
