import * as tf from '@tensorflow/tfjs-core';
import { CheckpointManager, optimizerState, restoreOptimizer } from '@worldmodels/core';
import { Rng, type RngState } from '@worldmodels/core/rng';
import { flowCheckpointEntries, restoreFlow } from '../flow-checkpoint.js';
import type { FlowModel } from '../models/flow-model.js';
import { clipByGlobalNorm, globalNorm } from './clip-gradients.js';
import { FlowTrainingDivergedError } from './diverged-error.js';

export interface FlowTrainerOptions {
  /** Peak Adam learning rate (Glow: 1e-3). */
  learningRate?: number;
  /** Steps of linear warm-up from 0 to the peak rate (Glow warms up over its first epochs). */
  warmupSteps?: number;
  /** Clip the global gradient norm to this value (null: no clipping). */
  clipNorm?: number | null;
  /** Where step checkpoints go (none when omitted). */
  checkpointDir?: string;
  /** Save every this many steps (and at the end of `run`). */
  checkpointEvery?: number;
  /** How many checkpoints to keep. */
  keep?: number;
  /** Seed of the dequantisation noise. */
  seed?: number;
}

export interface StepStats {
  step: number;
  /** Mean bits/dim of the batch before the update. */
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  learningRate: number;
}

export interface TrainBatch {
  /** [B, H, W, C] 8-bit images (values 0–255); the trainer disposes it. */
  images: tf.Tensor4D;
  /** [B, condDim] conditioning, for a conditional flow; disposed too. */
  cond?: tf.Tensor2D;
}

const DEFAULTS = { learningRate: 1e-3, warmupSteps: 200, clipNorm: 50, checkpointEvery: 100, keep: 2, seed: 0 };

/**
 * Maximum-likelihood training of a flow with Adam: linear learning-rate warm-up, global-norm
 * gradient clipping, data-dependent actnorm init on the first batch, and a NaN guard that checks
 * loss and gradients before every update (and parameters before every save), stopping with
 * {@link FlowTrainingDivergedError} and leaving the last good checkpoint in place. Checkpoints
 * hold the flow, Adam's slots, the step, the RNG and the elapsed time, so a killed run resumes.
 */
export class FlowTrainer {
  step = 0;
  /** Wall-clock seconds spent in `trainStep`, over all resumed runs. */
  elapsedSeconds = 0;
  /**
   * Process CPU seconds (user + system, all threads: `process.cpuUsage`) spent in `trainStep`,
   * over all resumed runs. Unlike wall-clock time it hardly depends on what else the machine
   * runs, so it is the budget to compare models by on a shared machine.
   */
  cpuSeconds = 0;
  lastCheckpoint: string | null = null;
  /** The step of the last checkpoint written or restored. */
  private savedStep = -1;
  readonly optimizer: tf.AdamOptimizer;
  readonly options: Required<Omit<FlowTrainerOptions, 'checkpointDir'>> & { checkpointDir?: string };
  private readonly manager: CheckpointManager | null;
  private rng: Rng;

  private constructor(readonly model: FlowModel, options: FlowTrainerOptions, rngState?: RngState) {
    this.options = { ...DEFAULTS, ...options };
    const { learningRate, warmupSteps, clipNorm, checkpointEvery } = this.options;
    if (!(learningRate > 0)) throw new Error(`learningRate must be > 0, got ${learningRate}`);
    if (!Number.isInteger(warmupSteps) || warmupSteps < 0) throw new Error(`warmupSteps must be an integer ≥ 0, got ${warmupSteps}`);
    if (clipNorm !== null && !(clipNorm > 0)) throw new Error(`clipNorm must be > 0 or null, got ${clipNorm}`);
    if (!Number.isInteger(checkpointEvery) || checkpointEvery < 1) throw new Error(`checkpointEvery must be a positive integer, got ${checkpointEvery}`);
    this.optimizer = tf.train.adam(learningRate);
    this.manager = options.checkpointDir ? new CheckpointManager(options.checkpointDir, { keep: this.options.keep }) : null;
    this.rng = rngState ? Rng.fromState(rngState) : new Rng(this.options.seed).derive('flow-trainer');
  }

  /**
   * A trainer for the model `build()` makes, or, when `checkpointDir` holds a checkpoint, for the
   * model, optimizer state, step and RNG restored from its newest readable one.
   */
  static async create(build: () => FlowModel, options: FlowTrainerOptions = {}): Promise<FlowTrainer> {
    const manager = options.checkpointDir ? new CheckpointManager(options.checkpointDir) : null;
    const latest = manager ? await manager.latest() : null;
    if (!latest) return new FlowTrainer(build(), options);
    const { tensors, metadata, step, dir } = latest;
    try {
      const model = restoreFlow(tensors, metadata, dir);
      const trainer = new FlowTrainer(model, options, metadata.rng as RngState);
      trainer.step = step;
      trainer.elapsedSeconds = Number(metadata.elapsedSeconds ?? 0);
      trainer.cpuSeconds = Number(metadata.cpuSeconds ?? 0);
      trainer.lastCheckpoint = dir;
      trainer.savedStep = step;
      await restoreOptimizer(trainer.optimizer, tensors);
      return trainer;
    } finally {
      tf.dispose(Object.values(tensors));
    }
  }

  /** The learning rate at the current step: linear warm-up, then constant. */
  learningRate(): number {
    const { learningRate, warmupSteps } = this.options;
    return warmupSteps === 0 ? learningRate : learningRate * Math.min(1, (this.step + 1) / warmupSteps);
  }

  /** One Adam step on a batch (which it disposes). Throws {@link FlowTrainingDivergedError} on NaN/Inf. */
  trainStep(batch: TrainBatch): StepStats {
    const { images, cond } = batch;
    try {
      const callOptions = cond ? { cond } : {};
      if (!this.model.initialized) this.model.initialize(images, { ...callOptions, seed: this.rng.nextSeed() });
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      const lr = this.learningRate();
      const vars = this.model.trainableVariables();
      const noiseSeed = this.rng.nextSeed();
      const { value, grads } = tf.variableGrads(() => this.model.loss(images, noiseSeed, callOptions), vars);
      let stats: StepStats;
      try {
        const gradList = vars.map((v) => grads[v.name]!);
        const normT = globalNorm(gradList);
        const [loss, gradNorm] = [value.dataSync()[0]!, normT.dataSync()[0]!];
        normT.dispose();
        if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
          throw new FlowTrainingDivergedError(this.step, `loss is ${loss}, gradient norm is ${gradNorm}`, this.lastCheckpoint);
        }
        const clip = this.options.clipNorm;
        (this.optimizer as unknown as { learningRate: number }).learningRate = lr;
        tf.tidy(() => {
          const clipped = clip === null ? gradList : clipByGlobalNorm(gradList, clip, gradNorm);
          // Adam pairs its slots with gradients by position, so the order of `vars` is kept.
          this.optimizer.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: clipped[i]! })));
        });
        stats = { step: this.step, loss, gradNorm, learningRate: lr };
      } finally {
        value.dispose();
        tf.dispose(Object.values(grads));
      }
      this.step++;
      this.elapsedSeconds += (performance.now() - start) / 1000;
      const cpu = process.cpuUsage(cpuStart);
      this.cpuSeconds += (cpu.user + cpu.system) / 1e6;
      return stats;
    } finally {
      tf.dispose([images, ...(cond ? [cond] : [])]);
    }
  }

  /** Names the first parameter holding NaN or ±Inf, or returns null. */
  nonFiniteParameter(): string | null {
    for (const [name, v] of Object.entries(this.model.namedVariables())) {
      const bad = tf.tidy(() => tf.logicalNot(tf.all(tf.isFinite(v))).dataSync()[0]);
      if (bad) return name;
    }
    return null;
  }

  /** Saves a checkpoint of the current step (refusing if a parameter is not finite). */
  async save(): Promise<string | null> {
    if (!this.manager) return null;
    const bad = this.nonFiniteParameter();
    if (bad) throw new FlowTrainingDivergedError(this.step, `parameter '${bad}' is not finite`, this.lastCheckpoint);
    const { tensors, metadata } = flowCheckpointEntries(this.model);
    const opt = await optimizerState(this.optimizer);
    this.lastCheckpoint = await this.manager.save(
      this.step,
      { ...tensors, ...opt },
      { ...metadata, rng: this.rng.getState(), elapsedSeconds: this.elapsedSeconds, cpuSeconds: this.cpuSeconds, trainer: { ...this.options } },
    );
    this.savedStep = this.step;
    return this.lastCheckpoint;
  }

  /**
   * Trains until `steps` total steps, `seconds` of wall-clock training time or `cpuSeconds` of
   * process CPU time in training steps (both counted across resumes), whichever comes first,
   * saving every `checkpointEvery` steps and at the end.
   */
  async run(options: {
    nextBatch: (step: number) => TrainBatch | Promise<TrainBatch>;
    steps?: number;
    seconds?: number;
    cpuSeconds?: number;
    onStep?: (s: StepStats) => void | Promise<void>;
  }): Promise<void> {
    const { steps = Infinity, seconds = Infinity, cpuSeconds = Infinity } = options;
    if (steps === Infinity && seconds === Infinity && cpuSeconds === Infinity) {
      throw new Error('run needs a budget: steps, seconds or cpuSeconds');
    }
    for (const [name, v] of Object.entries({ steps, seconds, cpuSeconds })) {
      if (!(v > 0)) throw new Error(`run: ${name} must be > 0, got ${v}`);
    }
    while (this.step < steps && this.elapsedSeconds < seconds && this.cpuSeconds < cpuSeconds) {
      const stats = this.trainStep(await options.nextBatch(this.step));
      await options.onStep?.(stats);
      if (this.step % this.options.checkpointEvery === 0) await this.save();
    }
    if (this.manager && this.savedStep !== this.step) await this.save();
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
  }
}
