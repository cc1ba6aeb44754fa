import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointManager, optimizerState, restoreOptimizer } from '@worldmodels/core';
import { atomicWriteJson, readJsonFile } from '@worldmodels/core/dataset';
import { MetricsLogger, ProgressReporter, type ProgressOptions } from '@worldmodels/core/progress';
import { Rng } from '@worldmodels/core/rng';
import { FramePredictor, type FramePredictorConfig } from './frame-predictor.js';
import { type Transitions, transitionBatch } from './transitions.js';

export interface TrainFramePredictorOptions {
  /** Training examples (see `transitionsFromDataset`). */
  data: Transitions;
  /** `checkpoints/`, `metrics.jsonl`, the final `model/` and `done.json`. */
  runDir: string;
  /** Model options of a fresh run (frame size, k and action size come from `data`). */
  model?: Partial<FramePredictorConfig>;
  /** Adam steps in total. */
  steps: number;
  batchSize?: number;
  learningRate?: number;
  /** Seed of the batches and of the posterior noise. */
  seed?: number;
  checkpointEvery?: number;
  logEvery?: number;
  /** Stop at once without saving, as a kill would; the next run resumes from the last checkpoint. */
  signal?: AbortSignal;
  progress?: boolean | Omit<ProgressOptions, 'total'>;
  onStep?: (step: number, metrics: { loss: number; reconstruction: number; kl: number; rawKl: number }) => void;
}

export interface TrainFramePredictorResult {
  model: FramePredictor;
  steps: number;
  completed: boolean;
  /** Process CPU seconds spent on the steps kept (summed over resumed runs). */
  cpuSeconds: number;
}

interface CheckpointMeta {
  kind: 'frame-predictor-training';
  config: FramePredictorConfig;
  step: number;
  cpuSeconds: number;
}

const MODEL_PREFIX = 'model/';

/**
 * Trains a {@link FramePredictor} with Adam on in-memory transitions. The batch of step i (drawn
 * with replacement) and its posterior noise depend only on (seed, i), so a run resumed from a
 * checkpoint (weights, Adam slots, step) ends with the weights of an uninterrupted one.
 */
export async function trainFramePredictor(options: TrainFramePredictorOptions): Promise<TrainFramePredictorResult> {
  const { data, runDir, steps } = options;
  const batchSize = options.batchSize ?? 32;
  const seed = options.seed ?? 0;
  const checkpointEvery = options.checkpointEvery ?? 250;
  const logEvery = options.logEvery ?? 10;
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`trainFramePredictor steps must be a positive integer, got ${steps}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`trainFramePredictor batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(checkpointEvery) || checkpointEvery < 1) throw new Error(`trainFramePredictor checkpointEvery must be a positive integer, got ${checkpointEvery}`);

  const donePath = join(runDir, 'done.json');
  if (existsSync(donePath)) {
    const done = (await readJsonFile(donePath, 'trainFramePredictor done marker')) as { steps: number; cpuSeconds: number };
    return { model: await FramePredictor.load(join(runDir, 'model')), steps: done.steps, completed: true, cpuSeconds: done.cpuSeconds };
  }
  const shape = { frameSize: data.frameSize, channels: data.channels, pastFrames: data.pastFrames, actionSize: data.actionSize };
  const checkpoints = new CheckpointManager(join(runDir, 'checkpoints'), { keep: 2 });
  const latest = await checkpoints.latest();
  const optimizer = tf.train.adam(options.learningRate ?? 1e-3);
  let model: FramePredictor;
  let step = 0;
  let cpuBefore = 0;
  if (latest) {
    const meta = latest.metadata as unknown as CheckpointMeta;
    if (meta.kind !== 'frame-predictor-training') throw new Error(`checkpoint in ${runDir}/checkpoints is not a trainFramePredictor checkpoint (kind ${String(meta.kind)})`);
    model = new FramePredictor(meta.config);
    model.setWeights(Object.fromEntries(Object.entries(latest.tensors).filter(([k]) => k.startsWith(MODEL_PREFIX)).map(([k, v]) => [k.slice(MODEL_PREFIX.length), v])));
    await restoreOptimizer(optimizer, latest.tensors);
    tf.dispose(Object.values(latest.tensors));
    step = meta.step;
    cpuBefore = meta.cpuSeconds;
  } else {
    model = new FramePredictor({ seed, ...options.model, ...shape });
  }
  for (const [k, v] of Object.entries(shape)) {
    if (model.config[k as keyof typeof shape] !== v) throw new Error(`trainFramePredictor: the model's ${k} is ${model.config[k as keyof typeof shape]} but the data's is ${v}`);
  }

  const cpuStart = process.cpuUsage();
  const cpuSeconds = () => {
    const used = process.cpuUsage(cpuStart);
    return cpuBefore + (used.user + used.system) / 1e6;
  };
  const metrics = await MetricsLogger.open(join(runDir, 'metrics.jsonl'));
  const progressOptions = options.progress === false ? { silent: true } : options.progress === true || options.progress === undefined ? {} : options.progress;
  const progress = new ProgressReporter({ label: 'train frame predictor', ...progressOptions, total: steps });
  progress.update(step);
  const save = async () => {
    const meta: CheckpointMeta = { kind: 'frame-predictor-training', config: model.config, step, cpuSeconds: cpuSeconds() };
    const weights = Object.fromEntries(Object.entries(model.getWeights()).map(([k, v]) => [MODEL_PREFIX + k, v as tf.Tensor]));
    const slots = await optimizerState(optimizer);
    try {
      await checkpoints.save(step, { ...weights, ...slots }, meta as unknown as Record<string, unknown>);
    } finally {
      slots['optimizer/iter']?.dispose();
    }
  };

  try {
    while (step < steps) {
      if (options.signal?.aborted) return { model, steps: step, completed: false, cpuSeconds: cpuSeconds() };
      const batchRng = new Rng(seed).derive('frame-predictor', 'batch', step);
      const indices = Array.from({ length: batchSize }, () => batchRng.int(data.count));
      const batch = transitionBatch(data, indices);
      const noise = new Rng(seed).derive('frame-predictor', 'noise', step);
      let kept: tf.Scalar[] = [];
      const { value, grads } = tf.variableGrads(() => {
        const terms = model.loss(batch.past, batch.action, batch.next, noise);
        kept = [tf.keep(terms.reconstruction), tf.keep(terms.kl), tf.keep(terms.rawKl)];
        return terms.loss;
      }, model.trainableVariables);
      optimizer.applyGradients(grads as tf.NamedTensorMap as Record<string, tf.Variable>);
      const [loss, reconstruction, kl, rawKl] = [value, ...kept].map((t) => t.dataSync()[0]!) as [number, number, number, number];
      tf.dispose([value, ...kept, ...Object.values(grads), batch.past, batch.action, batch.next]);
      step++;
      const m = { loss, reconstruction, kl, rawKl };
      options.onStep?.(step, m);
      progress.update(step, { loss, r: reconstruction, kl: rawKl });
      if (step % logEvery === 0) await metrics.log({ step, ...m });
      if (step % checkpointEvery === 0 || step === steps) await save();
    }
    const total = cpuSeconds();
    await model.save(join(runDir, 'model'));
    await atomicWriteJson(donePath, { steps: step, cpuSeconds: total, finished: new Date().toISOString() });
    await metrics.log({ step, event: 'done' });
    return { model, steps: step, completed: true, cpuSeconds: total };
  } finally {
    progress.stop();
    optimizer.dispose();
  }
}
