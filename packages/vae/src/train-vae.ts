import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointManager } from '@worldmodels/core';
import { DatasetReader, atomicWriteJson, readJsonFile } from '@worldmodels/core/dataset';
import { MetricsLogger, ProgressReporter, type ProgressOptions } from '@worldmodels/core/progress';
import { Rng, type RngState } from '@worldmodels/core/rng';
import type { ConvVAEConfig } from './config.js';
import { ConvVAE } from './conv-vae.js';
import { checkFrameShape, framesToTensor } from './frames.js';
import { VAETrainer, type VAEStepMetrics } from './vae-trainer.js';

export interface TrainVAEOptions {
  /** Rollout data set (directory or open reader) with `observations` uint8 [64, 64, 3]. */
  dataset: string | DatasetReader;
  /** Run directory: `checkpoints/`, `metrics.jsonl`, the final `model/` and `done.json`. */
  runDir: string;
  /** Model options for a fresh run (a resumed run keeps its checkpoint's). */
  model?: Partial<ConvVAEConfig>;
  /**
   * Fine-tune: a fresh run starts from this saved V (a `model/` directory) instead of random
   * weights, with fresh Adam moments. Its zSize and width must equal `model`'s where given.
   * A resumed run ignores it (the checkpoint holds the weights).
   */
  init?: string;
  /** Passes over the data (reference code: 10). */
  epochs?: number;
  /** Frames per step (reference: 100). */
  batchSize?: number;
  /** Adam learning rate (reference: 1e-4). */
  learningRate?: number;
  /** Seed of data order and sampling noise. */
  seed?: number;
  /** Steps between checkpoints (default 500). */
  checkpointEvery?: number;
  /** Checkpoints kept (default 2). */
  keepCheckpoints?: number;
  /** Steps between metrics lines (default 10). */
  logEvery?: number;
  /** Train for this many steps in all instead of whole epochs (at most `epochs` passes); the run completes there. */
  steps?: number;
  /** Stop (with a checkpoint) once this many steps are done in total; the run is not complete. */
  maxSteps?: number;
  /** Abort like a kill: stop at once without saving; the next run resumes from the last checkpoint. */
  signal?: AbortSignal;
  /** Progress display (default on; false for silence). */
  progress?: boolean | Omit<ProgressOptions, 'total'>;
  /** Frames held in memory for shuffling (default 20,000). */
  bufferFrames?: number;
  /** Called after every step. */
  onStep?: (step: number, metrics: VAEStepMetrics) => void;
}

export interface TrainVAEResult {
  vae: ConvVAE;
  /** Steps done in total (over all resumed runs). */
  steps: number;
  /** True when all epochs are done (the final model and `done.json` are written). */
  completed: boolean;
  /** Metrics of the last step of this run (null if no step ran). */
  last: VAEStepMetrics | null;
}

interface CheckpointMeta {
  kind: 'vae-training';
  config: ConvVAEConfig;
  step: number;
  epoch: number;
  batchInEpoch: number;
  noise: RngState;
}

const MODEL_PREFIX = 'model/';

/**
 * Trains V on a rollout data set as the reference does (Adam 1e-4, batch 100, shuffled frames),
 * streaming minibatches from disk. Progress goes to the terminal, metrics to
 * `runDir/metrics.jsonl`; a checkpoint (weights, Adam slots, step, data position and RNG state)
 * is written atomically every `checkpointEvery` steps, and running again with the same options
 * resumes from it, producing the same weights as an uninterrupted run. A completed run is a
 * no-op that loads the final model.
 */
export async function trainVAE(options: TrainVAEOptions): Promise<TrainVAEResult> {
  const epochs = options.epochs ?? 10;
  const batchSize = options.batchSize ?? 100;
  const seed = options.seed ?? 0;
  const checkpointEvery = options.checkpointEvery ?? 500;
  const logEvery = options.logEvery ?? 10;
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`trainVAE epochs must be a positive integer, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`trainVAE batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(checkpointEvery) || checkpointEvery < 1) throw new Error(`trainVAE checkpointEvery must be a positive integer, got ${checkpointEvery}`);

  const donePath = join(options.runDir, 'done.json');
  const modelDir = join(options.runDir, 'model');
  if (existsSync(donePath)) {
    const done = (await readJsonFile(donePath, 'trainVAE done marker')) as { steps: number };
    return { vae: await ConvVAE.load(modelDir), steps: done.steps, completed: true, last: null };
  }

  const reader = typeof options.dataset === 'string' ? await DatasetReader.open(options.dataset) : options.dataset;
  checkFrameShape(reader.manifest.arrays.observations?.shape, `data set ${reader.dir}`);
  const batchesPerEpoch = Math.floor(reader.totalSteps / batchSize);
  if (batchesPerEpoch === 0) throw new Error(`data set ${reader.dir} has ${reader.totalSteps} frames, fewer than one batch of ${batchSize}`);
  if (options.steps !== undefined && (!Number.isInteger(options.steps) || options.steps < 1)) throw new Error(`trainVAE steps must be a positive integer, got ${options.steps}`);
  const totalSteps = Math.min(batchesPerEpoch * epochs, options.steps ?? Infinity);

  const checkpoints = new CheckpointManager(join(options.runDir, 'checkpoints'), { keep: options.keepCheckpoints ?? 2 });
  const latest = await checkpoints.latest();
  let vae: ConvVAE;
  let trainer: VAETrainer;
  let step = 0;
  let epoch = 0;
  let skip = 0;
  if (latest) {
    const meta = latest.metadata as unknown as CheckpointMeta;
    if (meta.kind !== 'vae-training') throw new Error(`checkpoint in ${options.runDir}/checkpoints is not a trainVAE checkpoint (kind ${String(meta.kind)})`);
    vae = new ConvVAE(meta.config);
    const weights = Object.fromEntries(Object.entries(latest.tensors).filter(([k]) => k.startsWith(MODEL_PREFIX)).map(([k, v]) => [k.slice(MODEL_PREFIX.length), v]));
    vae.setWeights(weights);
    trainer = new VAETrainer(vae, { learningRate: options.learningRate ?? 1e-4, rng: Rng.fromState(meta.noise) });
    await trainer.restore(latest.tensors);
    tf.dispose(Object.values(latest.tensors));
    step = meta.step;
    epoch = meta.epoch;
    skip = meta.batchInEpoch;
    if (skip >= batchesPerEpoch) {
      epoch++;
      skip = 0;
    }
  } else {
    vae = options.init !== undefined ? await loadInitialVAE(options.init, options.model) : new ConvVAE({ seed, ...options.model });
    trainer = new VAETrainer(vae, { learningRate: options.learningRate ?? 1e-4, rng: new Rng(seed).derive('vae', 'train-noise') });
  }
  trainer.steps = step;

  const metrics = await MetricsLogger.open(join(options.runDir, 'metrics.jsonl'));
  const progressOptions = options.progress === false ? { silent: true } : options.progress === true || options.progress === undefined ? {} : options.progress;
  const progress = new ProgressReporter({ label: 'train V', ...progressOptions, total: totalSteps });
  progress.update(step);

  const saveCheckpoint = async (batchInEpoch: number) => {
    const meta: CheckpointMeta = { kind: 'vae-training', config: vae.config, step, epoch, batchInEpoch, noise: trainer.rng.getState() };
    const weights = Object.fromEntries(Object.entries(vae.getWeights()).map(([k, v]) => [MODEL_PREFIX + k, v as tf.Tensor]));
    const slots = await trainer.state();
    try {
      await checkpoints.save(step, { ...weights, ...slots }, meta as unknown as Record<string, unknown>);
    } finally {
      slots['optimizer/iter']?.dispose(); // a fresh scalar; the other slots are the optimizer's own variables
    }
  };

  let last: VAEStepMetrics | null = null;
  try {
    training: for (; epoch < epochs; epoch++) {
      let batchInEpoch = 0;
      const dataRng = new Rng(seed).derive('vae', 'data', epoch);
      const stream = reader.frames({ batchSize, rng: dataRng, epochs: 1, dropLast: true, ...(options.bufferFrames !== undefined && { bufferFrames: options.bufferFrames }) });
      for await (const batch of stream) {
        if (batchInEpoch < skip) {
          batchInEpoch++;
          continue;
        }
        if (options.signal?.aborted) return { vae, steps: step, completed: false, last };
        if (step >= totalSteps) break training;
        const x = framesToTensor(batch.observations as Uint8Array, batch.count); // [B, 64, 64, 3]
        last = trainer.step(x);
        x.dispose();
        step++;
        batchInEpoch++;
        options.onStep?.(step, last);
        progress.update(step, { loss: last.loss, r: last.reconstruction, kl: last.rawKl });
        if (step % logEvery === 0) await metrics.log({ step, epoch, ...last });
        if (step % checkpointEvery === 0) await saveCheckpoint(batchInEpoch);
        if (options.maxSteps !== undefined && step >= options.maxSteps) {
          if (step % checkpointEvery !== 0) await saveCheckpoint(batchInEpoch);
          return { vae, steps: step, completed: false, last };
        }
      }
      skip = 0;
    }
    await vae.save(modelDir);
    await atomicWriteJson(donePath, { steps: step, epochs, finished: new Date().toISOString() });
    await metrics.log({ step, event: 'done' });
    return { vae, steps: step, completed: true, last };
  } finally {
    progress.stop();
    trainer.dispose();
  }
}

/** The saved V a fine-tuning run starts from, checked against the sizes the caller asked for. */
async function loadInitialVAE(dir: string, model: Partial<ConvVAEConfig> | undefined): Promise<ConvVAE> {
  if (!existsSync(join(dir, 'model.json'))) throw new Error(`trainVAE init: no saved V in ${dir} (model.json missing)`);
  const vae = await ConvVAE.load(dir);
  for (const key of ['zSize', 'width'] as const) {
    const wanted = model?.[key];
    if (wanted !== undefined && wanted !== vae.config[key]) {
      vae.dispose();
      throw new Error(`trainVAE init: the V in ${dir} has ${key} ${vae.config[key]}, the run asks for ${wanted}`);
    }
  }
  return vae;
}
