import * as tf from '@tensorflow/tfjs-core';
import { CheckpointManager, optimizerState, restoreOptimizer } from '@worldmodels/core';
import { MetricsLogger, ProgressReporter } from '@worldmodels/core/progress';
import { Rng, type RngState } from '@worldmodels/core/rng';

/** Anything with named weights: a GatedPixelCNN, a PixelVAE, a ConvVAE. */
export interface TrainableModel {
  getWeights(): Record<string, tf.Variable>;
}

/** The objective of a batch: `loss` is minimised, the other scalars are reported. */
export type LossFn<Batch> = (batch: Batch, rng: Rng) => { loss: tf.Scalar } & Record<string, tf.Scalar>;

export interface PixelTrainerOptions<Batch> {
  model: TrainableModel;
  loss: LossFn<Batch>;
  /** Adam learning rate (default 1e-3). */
  learningRate?: number;
  /** Clip the global gradient norm at this value (default: no clipping). */
  clipNorm?: number | null;
  /** Directory of step checkpoints (none when omitted); an existing checkpoint is resumed. */
  checkpointDir?: string;
  /** Checkpoints to keep (default 2). */
  keep?: number;
  /** Seed of the trainer's random stream (z draws, data order of callers that use `rng`). */
  seed?: number;
}

export interface RunOptions<Batch> {
  /** Train until this step count (a resumed trainer continues from its step). */
  steps: number;
  /** The batch for a step; the trainer does not dispose it (use `disposeBatch`). */
  nextBatch: (step: number, rng: Rng) => Batch | Promise<Batch>;
  disposeBatch?: (batch: Batch) => void;
  /** Save a checkpoint every this many steps (and at the end). Default 100. */
  checkpointEvery?: number;
  /** JSONL metrics file (one record per logged step). */
  metricsFile?: string;
  /** Log metrics every this many steps (default 10). */
  logEvery?: number;
  /** Called every `everySteps` steps and at the end (e.g. to write a sample grid). */
  periodic?: { everySteps: number; run: (step: number) => void | Promise<void> };
  /** Progress bar label (none when omitted). */
  label?: string;
}

const DEFAULTS = { learningRate: 1e-3, clipNorm: null as number | null, keep: 2, seed: 0 };

/**
 * Adam training of any model with named weights on a scalar loss, with optional global-norm
 * clipping. Checkpoints (core's CheckpointManager) hold the weights, Adam's slots, the step, the
 * random stream and the elapsed time, so a killed run resumes where its last checkpoint was.
 * The trainer knows nothing of the model beyond its weights and loss function.
 */
export class PixelTrainer<Batch> {
  step = 0;
  elapsedSeconds = 0;
  /** Process CPU time (user + system, all threads, `process.cpuUsage`) spent in `trainStep`, over every resume. */
  cpuSeconds = 0;
  readonly optimizer: tf.AdamOptimizer;
  private readonly manager: CheckpointManager | null;
  private rng: Rng;

  private constructor(private readonly options: PixelTrainerOptions<Batch> & typeof DEFAULTS) {
    this.optimizer = tf.train.adam(options.learningRate);
    this.manager = options.checkpointDir ? new CheckpointManager(options.checkpointDir, { keep: options.keep }) : null;
    this.rng = new Rng(options.seed).derive('pixel-trainer');
  }

  /** A trainer; with `checkpointDir` holding a checkpoint, its state is restored (resume). */
  static async create<B>(options: PixelTrainerOptions<B>): Promise<PixelTrainer<B>> {
    const trainer = new PixelTrainer<B>({ ...DEFAULTS, ...options } as PixelTrainerOptions<B> & typeof DEFAULTS);
    await trainer.restore();
    return trainer;
  }

  /** The variables being trained, in a fixed order (Adam's slots are matched by position). */
  private get variables(): [string, tf.Variable][] {
    return Object.entries(this.options.model.getWeights()).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** One Adam step on `batch`; returns the loss terms before the update. */
  trainStep(batch: Batch): Record<string, number> {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const stepRng = this.rng.derive('step', this.step);
    const vars = this.variables.map(([, v]) => v);
    const metrics: Record<string, tf.Scalar> = {};
    const { value, grads } = tf.variableGrads(() => {
      const terms = this.options.loss(batch, stepRng);
      for (const [k, t] of Object.entries(terms)) if (k !== 'loss') metrics[k] = tf.keep(t);
      return terms.loss;
    }, vars);
    const out: Record<string, number> = { loss: value.dataSync()[0]! };
    for (const [k, t] of Object.entries(metrics)) out[k] = t.dataSync()[0]!;
    tf.dispose(Object.values(metrics));
    value.dispose();
    if (!Number.isFinite(out.loss!)) {
      tf.dispose(Object.values(grads));
      throw new Error(`training diverged at step ${this.step}: loss ${out.loss}; lower the learning rate or set clipNorm, and resume from the last checkpoint`);
    }
    tf.tidy(() => {
      let g: tf.NamedTensorMap = grads;
      const clip = this.options.clipNorm;
      if (clip !== null && clip !== undefined) {
        const norm = tf.sqrt(tf.addN(Object.values(grads).map((t) => tf.sum(tf.square(t))))); // []
        out.gradNorm = norm.dataSync()[0]!;
        const scale = tf.minimum(1, tf.div(clip, tf.maximum(norm, 1e-12)));
        g = Object.fromEntries(Object.entries(grads).map(([n, t]) => [n, tf.mul(t, scale)]));
      }
      this.optimizer.applyGradients(Object.entries(g).map(([name, tensor]) => ({ name, tensor })));
    });
    tf.dispose(Object.values(grads));
    this.step++;
    this.elapsedSeconds += (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStarted);
    this.cpuSeconds += (cpu.user + cpu.system) / 1e6;
    return out;
  }

  /** Writes a step checkpoint (no-op without `checkpointDir`). */
  async checkpoint(): Promise<string | null> {
    if (!this.manager) return null;
    const tensors: Record<string, tf.Tensor> = {};
    for (const [n, v] of this.variables) tensors[`model/${n}`] = v;
    Object.assign(tensors, await optimizerState(this.optimizer));
    return this.manager.save(this.step, tensors, { rng: this.rng.getState(), elapsedSeconds: this.elapsedSeconds, cpuSeconds: this.cpuSeconds });
  }

  /** Trains to `steps`, checkpointing, logging and reporting progress. */
  async run(options: RunOptions<Batch>): Promise<void> {
    const every = options.checkpointEvery ?? 100;
    const logEvery = options.logEvery ?? 10;
    const metrics = options.metricsFile ? await MetricsLogger.open(options.metricsFile) : null;
    const progress = options.label ? new ProgressReporter({ total: options.steps, label: options.label }) : null;
    try {
      while (this.step < options.steps) {
        const batch = await options.nextBatch(this.step, this.rng.derive('batch', this.step));
        let terms: Record<string, number>;
        try {
          terms = this.trainStep(batch);
        } finally {
          options.disposeBatch?.(batch);
        }
        progress?.update(this.step, Object.fromEntries(Object.entries(terms).map(([k, v]) => [k, Number(v.toFixed(4))])));
        if (metrics && (this.step % logEvery === 0 || this.step === options.steps)) await metrics.log({ step: this.step, ...terms, elapsedSeconds: Number(this.elapsedSeconds.toFixed(2)), cpuSeconds: Number(this.cpuSeconds.toFixed(2)) });
        if (this.step % every === 0 || this.step === options.steps) await this.checkpoint();
        if (options.periodic && (this.step % options.periodic.everySteps === 0 || this.step === options.steps)) await options.periodic.run(this.step);
      }
    } finally {
      progress?.stop();
    }
  }

  dispose(): void {
    this.optimizer.dispose();
  }

  private async restore(): Promise<void> {
    if (!this.manager) return;
    const latest = await this.manager.latest();
    if (!latest) return;
    try {
      for (const [n, v] of this.variables) {
        const t = latest.tensors[`model/${n}`];
        if (!t) throw new Error(`checkpoint ${latest.dir} has no weights for '${n}' (was it written by another model?)`);
        if (t.shape.join(',') !== v.shape.join(',')) throw new Error(`checkpoint ${latest.dir}: '${n}' has shape [${t.shape}], the model [${v.shape}]`);
        v.assign(t);
      }
      await restoreOptimizer(this.optimizer, latest.tensors);
      const meta = latest.metadata as { step?: number; rng?: RngState; elapsedSeconds?: number; cpuSeconds?: number };
      this.step = meta.step ?? latest.step;
      if (meta.rng) this.rng = Rng.fromState(meta.rng);
      this.elapsedSeconds = meta.elapsedSeconds ?? 0;
      this.cpuSeconds = meta.cpuSeconds ?? 0;
    } finally {
      tf.dispose(Object.values(latest.tensors));
    }
  }
}
