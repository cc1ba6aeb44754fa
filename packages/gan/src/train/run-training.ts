import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { atomicWriteFile, CheckpointManager } from '@worldmodels/core';
import { MetricsLogger, ProgressReporter } from '@worldmodels/core/progress';
import type { GanTrainer, StepStats } from './gan-trainer.js';

export interface TrainingRunOptions<Batch> {
  /** Run directory: `checkpoints/`, `metrics.jsonl` and `done.json` go here. */
  runDir: string;
  trainer: GanTrainer<Batch>;
  /** Total optimisation steps of the run (a resumed run continues up to this). */
  totalSteps: number;
  /** The batch for step `step` (0-based); deterministic in `step` so a resumed run sees the same data. */
  batchAt: (step: number) => Batch | Promise<Batch>;
  /** Frees a batch after its step (e.g. disposes its tensors). */
  disposeBatch?: (batch: Batch) => void;
  /** Save a checkpoint every this many steps (and at the end). */
  checkpointEvery: number;
  /** Evaluate (e.g. Fréchet distance, held-out L1) every this many steps and at the end; 0 = never. */
  evaluateEvery?: number;
  evaluate?: (step: number) => Promise<StepStats>;
  /** Log training losses every this many steps (default 10). */
  logEvery?: number;
  /** Checkpoints kept (default 2). */
  keep?: number;
  label?: string;
  /** No progress output. */
  quiet?: boolean;
}

export interface TrainingRunResult {
  /** Steps completed (= totalSteps). */
  step: number;
  /** Step the run resumed from (0 for a fresh run). */
  resumedFrom: number;
  /** The last evaluation's values. */
  lastEvaluation: StepStats | null;
  /** The run was already done: nothing was trained. */
  alreadyDone: boolean;
}

/**
 * The training loop shared by every GAN: resumes from the newest checkpoint in `runDir`, trains
 * to `totalSteps` with progress and JSONL metrics, checkpoints atomically every
 * `checkpointEvery` steps, and writes `done.json` at the end. Running it again on a finished run
 * is a no-op; a killed run resumes from its last checkpoint.
 */
export async function runTraining<Batch>(o: TrainingRunOptions<Batch>): Promise<TrainingRunResult> {
  if (!Number.isInteger(o.totalSteps) || o.totalSteps < 0) throw new Error(`totalSteps must be a non-negative integer, got ${o.totalSteps}`);
  if (!Number.isInteger(o.checkpointEvery) || o.checkpointEvery < 1) throw new Error(`checkpointEvery must be a positive integer, got ${o.checkpointEvery}`);
  const donePath = join(o.runDir, 'done.json');
  if (existsSync(donePath)) {
    const done = JSON.parse(await readFile(donePath, 'utf8')) as { step: number; lastEvaluation: StepStats | null };
    if (done.step >= o.totalSteps) {
      const manager = new CheckpointManager(join(o.runDir, 'checkpoints'));
      await restoreLatest(manager, o.trainer);
      return { step: done.step, resumedFrom: done.step, lastEvaluation: done.lastEvaluation, alreadyDone: true };
    }
  }
  const manager = new CheckpointManager(join(o.runDir, 'checkpoints'), { keep: o.keep ?? 2 });
  const resumedFrom = await restoreLatest(manager, o.trainer);
  const metrics = await MetricsLogger.open(join(o.runDir, 'metrics.jsonl'));
  const progress = new ProgressReporter({ total: o.totalSteps, label: o.label ?? 'gan', silent: o.quiet === true });
  const logEvery = o.logEvery ?? 10;
  const evaluateEvery = o.evaluateEvery ?? 0;
  let lastEvaluation: StepStats | null = null;
  const evaluate = async (step: number): Promise<void> => {
    if (!o.evaluate) return;
    lastEvaluation = await o.evaluate(step);
    await metrics.log({ step, kind: 'eval', ...lastEvaluation });
  };
  if (resumedFrom === 0 && evaluateEvery > 0) await evaluate(0);
  progress.update(resumedFrom);
  try {
    for (let step = resumedFrom; step < o.totalSteps; ) {
      const batch = await o.batchAt(step);
      let stats: StepStats;
      try {
        stats = o.trainer.trainStep(batch);
      } finally {
        o.disposeBatch?.(batch);
      }
      step++;
      for (const [k, v] of Object.entries(stats)) if (!Number.isFinite(v)) throw new Error(`${o.label ?? 'gan'}: ${k} became ${v} at step ${step}`);
      if (step % logEvery === 0 || step === o.totalSteps) await metrics.log({ step, kind: 'train', ...stats, numTensors: tf.memory().numTensors });
      if (evaluateEvery > 0 && (step % evaluateEvery === 0 || step === o.totalSteps)) await evaluate(step);
      if (step % o.checkpointEvery === 0 || step === o.totalSteps) await save(manager, o.trainer, step);
      progress.update(step, roundStats(stats));
    }
  } finally {
    progress.stop();
  }
  await atomicWriteFile(donePath, JSON.stringify({ step: o.totalSteps, lastEvaluation }, null, 2));
  return { step: o.totalSteps, resumedFrom, lastEvaluation, alreadyDone: false };
}

async function save<B>(manager: CheckpointManager, trainer: GanTrainer<B>, step: number): Promise<void> {
  const tensors = await trainer.stateTensors();
  try {
    await manager.save(step, tensors, trainer.stateMetadata());
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}

async function restoreLatest<B>(manager: CheckpointManager, trainer: GanTrainer<B>): Promise<number> {
  const latest = await manager.latest();
  if (!latest) return 0;
  try {
    await trainer.restoreState(latest.tensors, latest.metadata, latest.dir);
  } finally {
    for (const t of Object.values(latest.tensors)) t.dispose();
  }
  return latest.step;
}

function roundStats(stats: StepStats): Record<string, string> {
  return Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, v.toPrecision(4)]));
}
