import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointManager } from '@worldmodels/core';
import { DatasetReader, atomicWriteJson, readJsonFile } from '@worldmodels/core/dataset';
import { MetricsLogger, ProgressReporter, type ProgressOptions } from '@worldmodels/core/progress';
import { Rng, type RngState } from '@worldmodels/core/rng';
import type { MDNRNNConfig } from './config.js';
import { MDNRNN } from './mdn-rnn.js';
import { MDNRNNTrainer, type MDNStepMetrics } from './mdn-rnn-trainer.js';
import { RESTARTS_KEY, SERIES_KEYS, seriesToBatch } from './series-batch.js';

export interface TrainMDNRNNOptions {
  /** Encoded series (directory or open reader) from @worldmodels/vae's `encodeDataset`. */
  series: string | DatasetReader;
  /** Run directory: `checkpoints/`, `metrics.jsonl`, the final `model/` and `done.json`. */
  runDir: string;
  /** Model options for a fresh run; zSize and actionSize default to the series'. */
  model?: Partial<MDNRNNConfig>;
  /**
   * Warm start: a fresh run begins from this saved model (a directory written by `MDNRNN.save`)
   * instead of random weights; Adam's moments start at zero. Its sizes must fit the series, and
   * `model` options, where given, must match its config.
   */
  initialModel?: string;
  /** Passes over the sequence windows (default 40: the reference's 4,000 steps on 10,000 episodes). */
  epochs?: number;
  /** Sequences per step (reference 100). */
  batchSize?: number;
  /** Steps per training sequence (reference 999: windows of 1,000 series steps). */
  seqLen?: number;
  /** Adam learning rate (reference 1e-3). */
  learningRate?: number;
  /** Element-wise gradient clip (reference 1). */
  gradientClip?: number;
  /** Train on z sampled from (mu, logvar) as the reference (default true) or on mu. */
  sampleZ?: boolean;
  seed?: number;
  /** Steps between checkpoints (default 200). */
  checkpointEvery?: number;
  keepCheckpoints?: number;
  /** Steps between metrics lines (default 10). */
  logEvery?: number;
  /** Stop (with a checkpoint) once this many steps are done in total. */
  maxSteps?: number;
  /** Abort like a kill: stop at once without saving. */
  signal?: AbortSignal;
  progress?: boolean | Omit<ProgressOptions, 'total'>;
  /** Episodes held in memory for shuffling windows (default 64). */
  bufferEpisodes?: number;
  onStep?: (step: number, metrics: MDNStepMetrics) => void;
}

export interface TrainMDNRNNResult {
  model: MDNRNN;
  steps: number;
  completed: boolean;
  last: MDNStepMetrics | null;
}

interface CheckpointMeta {
  kind: 'mdnrnn-training';
  config: MDNRNNConfig;
  step: number;
  epoch: number;
  batchInEpoch: number;
  noise: RngState;
}

const MODEL_PREFIX = 'model/';

/**
 * Trains M with teacher forcing on encoded series, as the reference (Adam 1e-3, gradients
 * clipped to ±1 element-wise, batches of 100 sequences of 999 steps, z sampled from V's
 * posterior). Streams windows from disk, reports progress, logs JSONL metrics, checkpoints
 * atomically every `checkpointEvery` steps and resumes exactly after a kill; a completed run is a
 * no-op that loads the final model.
 */
export async function trainMDNRNN(options: TrainMDNRNNOptions): Promise<TrainMDNRNNResult> {
  const epochs = options.epochs ?? 40;
  const batchSize = options.batchSize ?? 100;
  const seqLen = options.seqLen ?? 999;
  const seed = options.seed ?? 0;
  const checkpointEvery = options.checkpointEvery ?? 200;
  const logEvery = options.logEvery ?? 10;
  for (const [name, v] of Object.entries({ epochs, batchSize, seqLen, checkpointEvery })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`trainMDNRNN ${name} must be a positive integer, got ${v}`);
  }
  const donePath = join(options.runDir, 'done.json');
  const modelDir = join(options.runDir, 'model');
  if (existsSync(donePath)) {
    const done = (await readJsonFile(donePath, 'trainMDNRNN done marker')) as { steps: number };
    return { model: await MDNRNN.load(modelDir), steps: done.steps, completed: true, last: null };
  }

  const reader = typeof options.series === 'string' ? await DatasetReader.open(options.series) : options.series;
  const specs = reader.manifest.arrays;
  for (const key of SERIES_KEYS) {
    if (!specs[key]) throw new Error(`${reader.dir} is not an encoded series: it has no '${key}' array (it holds ${Object.keys(specs).join(', ')}); make one with encodeDataset`);
  }
  const dtypes = Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, s.dtype]));
  const windows = reader.episodes.reduce((n, e) => n + Math.floor(e.length / (seqLen + 1)), 0);
  const batchesPerEpoch = Math.floor(windows / batchSize);
  if (batchesPerEpoch === 0) throw new Error(`series ${reader.dir} has ${windows} windows of ${seqLen + 1} steps, fewer than one batch of ${batchSize}`);
  const totalSteps = batchesPerEpoch * epochs;

  const checkpoints = new CheckpointManager(join(options.runDir, 'checkpoints'), { keep: options.keepCheckpoints ?? 2 });
  const latest = await checkpoints.latest();
  const trainerOptions = { learningRate: options.learningRate ?? 1e-3, gradientClip: options.gradientClip ?? 1 };
  let model: MDNRNN;
  let noise: Rng;
  let step = 0;
  let epoch = 0;
  let skip = 0;
  if (latest) {
    const meta = latest.metadata as unknown as CheckpointMeta;
    if (meta.kind !== 'mdnrnn-training') throw new Error(`checkpoint in ${options.runDir}/checkpoints is not a trainMDNRNN checkpoint (kind ${String(meta.kind)})`);
    model = new MDNRNN(meta.config);
    model.setWeights(Object.fromEntries(Object.entries(latest.tensors).filter(([k]) => k.startsWith(MODEL_PREFIX)).map(([k, v]) => [k.slice(MODEL_PREFIX.length), v])));
    noise = Rng.fromState(meta.noise);
    ({ step, epoch, batchInEpoch: skip } = meta);
    if (skip >= batchesPerEpoch) {
      epoch++;
      skip = 0;
    }
  } else if (options.initialModel !== undefined) {
    model = await warmStart(options.initialModel, { zSize: specs.mu!.shape[0]!, actionSize: specs.actions!.shape[0] ?? 1, ...options.model }, reader.dir);
    noise = new Rng(seed).derive('mdn-rnn', 'z-noise');
  } else {
    model = new MDNRNN({ seed, zSize: specs.mu!.shape[0], actionSize: specs.actions!.shape[0] ?? 1, ...options.model });
    noise = new Rng(seed).derive('mdn-rnn', 'z-noise');
  }
  const trainer = new MDNRNNTrainer(model, trainerOptions);
  if (latest) {
    await trainer.restore(latest.tensors);
    tf.dispose(Object.values(latest.tensors));
  }
  trainer.steps = step;

  const metrics = await MetricsLogger.open(join(options.runDir, 'metrics.jsonl'));
  const progressOptions = options.progress === false ? { silent: true } : options.progress === true || options.progress === undefined ? {} : options.progress;
  const progress = new ProgressReporter({ label: 'train M', ...progressOptions, total: totalSteps });
  progress.update(step);

  const saveCheckpoint = async (batchInEpoch: number) => {
    const meta: CheckpointMeta = { kind: 'mdnrnn-training', config: model.config, step, epoch, batchInEpoch, noise: noise.getState() };
    const weights = Object.fromEntries(Object.entries(model.getWeights()).map(([k, v]) => [MODEL_PREFIX + k, v as tf.Tensor]));
    const slots = await trainer.state();
    try {
      await checkpoints.save(step, { ...weights, ...slots }, meta as unknown as Record<string, unknown>);
    } finally {
      slots['optimizer/iter']?.dispose(); // a fresh scalar; the other slots are the optimizer's own variables
    }
  };

  let last: MDNStepMetrics | null = null;
  try {
    for (; epoch < epochs; epoch++) {
      let batchInEpoch = 0;
      const stream = reader.sequences({
        batchSize, seqLen: seqLen + 1, rng: new Rng(seed).derive('mdn-rnn', 'data', epoch), epochs: 1, dropLast: true,
        keys: [...SERIES_KEYS, ...(reader.manifest.arrays[RESTARTS_KEY] ? [RESTARTS_KEY] : [])], ...(options.bufferEpisodes !== undefined && { bufferEpisodes: options.bufferEpisodes }),
      });
      for await (const windowBatch of stream) {
        if (batchInEpoch < skip) {
          batchInEpoch++;
          continue;
        }
        if (options.signal?.aborted) return { model, steps: step, completed: false, last };
        const batch = seriesToBatch(windowBatch, dtypes, model.config, noise, { sampleZ: options.sampleZ ?? true });
        last = trainer.step(batch);
        tf.dispose(Object.values(batch));
        step++;
        batchInEpoch++;
        options.onStep?.(step, last);
        progress.update(step, { loss: last.loss });
        if (step % logEvery === 0) await metrics.log({ step, epoch, ...last });
        if (step % checkpointEvery === 0) await saveCheckpoint(batchInEpoch);
        if (options.maxSteps !== undefined && step >= options.maxSteps) {
          if (step % checkpointEvery !== 0) await saveCheckpoint(batchInEpoch);
          return { model, steps: step, completed: false, last };
        }
      }
      skip = 0;
    }
    await model.save(modelDir);
    await atomicWriteJson(donePath, { steps: step, epochs, finished: new Date().toISOString() });
    await metrics.log({ step, event: 'done' });
    return { model, steps: step, completed: true, last };
  } finally {
    progress.stop();
    trainer.dispose();
  }
}

/** Settings of the loss, not of the model: a warm start may change them. */
const LOSS_SETTINGS: readonly (keyof MDNRNNConfig)[] = ['donePositiveWeight'];

/**
 * The saved model at `dir` as the starting point of a run that builds `wanted`: same sizes and
 * heads (checked), with the run's own loss settings (the done head's positive weight may change
 * between rounds of the iterative procedure).
 */
async function warmStart(dir: string, wanted: Partial<MDNRNNConfig>, seriesDir: string): Promise<MDNRNN> {
  const saved = await MDNRNN.load(dir);
  try {
    checkWarmStart(saved.config, dir, wanted, seriesDir);
  } catch (e) {
    saved.dispose();
    throw e;
  }
  const loss = Object.fromEntries(LOSS_SETTINGS.filter((key) => wanted[key] !== undefined && wanted[key] !== saved.config[key]).map((key) => [key, wanted[key]]));
  if (Object.keys(loss).length === 0) return saved;
  const model = new MDNRNN({ ...saved.config, ...loss });
  model.setWeights(saved.getWeights());
  saved.dispose();
  return model;
}

/** A warm-start model must be the model this run would build: same sizes and heads. */
function checkWarmStart(config: MDNRNNConfig, dir: string, wanted: Partial<MDNRNNConfig>, seriesDir: string): void {
  for (const [key, value] of Object.entries(wanted)) {
    if (key === 'seed' || value === undefined || LOSS_SETTINGS.includes(key as keyof MDNRNNConfig)) continue;
    const have = (config as unknown as Record<string, unknown>)[key];
    if (have !== value) {
      throw new Error(`trainMDNRNN initialModel ${dir} has ${key} ${JSON.stringify(have)}, but this run (series ${seriesDir} and its model options) needs ${JSON.stringify(value)}`);
    }
  }
}
