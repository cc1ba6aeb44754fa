import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { imagesToTensor } from '../data/images.js';
import { discriminatorLoss, generatorLoss } from '../losses/adversarial.js';
import { featureMatchingLoss } from '../losses/feature-matching.js';
import { HistoricalAverage } from '../losses/historical-average.js';
import type { Mode } from '../nn/layers.js';
import { type DcganConfig, DcganDiscriminator, DcganGenerator, resolveDcganConfig } from '../models/dcgan.js';
import type { GanTrainer, StepStats } from './gan-trainer.js';
import { sampleNoise } from './noise.js';
import { optimizerSlots, restoreOptimizerSlots } from './optimizer-slots.js';
import { assertSameConfig, paramEntries, restoreParams, rngFromMetadata } from './state.js';

/** The improved-GAN techniques (Salimans et al. 2016) available as options. */
export interface ImprovedGanOptions {
  /** Train G to match the mean of D's last-layer features instead of fooling D (§3.1). */
  featureMatching: boolean;
  /** Minibatch discrimination in D (§3.2): B kernels of dimension C, or null. */
  minibatchDiscrimination: { kernels: number; kernelDim: number } | null;
  /** Weight of the historical-averaging term ‖θ − θ̄‖² in both players' costs (§3.3); 0 = off. */
  historicalAveraging: number;
  /** Target for real samples in D's loss: 1, or e.g. 0.9 for one-sided label smoothing (§3.4). */
  realLabel: number;
}

export interface DcganTrainerOptions extends ImprovedGanOptions {
  model: Partial<DcganConfig>;
  /** Adam learning rate (DCGAN: 2e-4) and β1 (0.5). */
  learningRate: number;
  beta1: number;
  /** z ∼ U(−1, 1) (the paper) or N(0, 1). */
  zDistribution: 'uniform' | 'normal';
  seed: number;
}

export const DCGAN_TRAINER_DEFAULTS: Omit<DcganTrainerOptions, 'model'> = {
  learningRate: 2e-4,
  beta1: 0.5,
  zDistribution: 'uniform',
  featureMatching: false,
  minibatchDiscrimination: null,
  historicalAveraging: 0,
  realLabel: 1,
  seed: 0,
};

/** A batch of real images: uint8 HWC bytes of `count` images. */
export interface ImageBatch {
  images: Uint8Array;
  count: number;
}

/**
 * Trains a DCGAN by alternating one discriminator and one generator Adam step per batch
 * (Goodfellow et al. 2014, Alg. 1 with k = 1), with the improved-GAN options.
 */
export class DcganTrainer implements GanTrainer<ImageBatch> {
  readonly generator: DcganGenerator;
  readonly discriminator: DcganDiscriminator;
  readonly options: DcganTrainerOptions;
  private readonly gOptimizer: tf.AdamOptimizer;
  private readonly dOptimizer: tf.AdamOptimizer;
  private readonly gHistory: HistoricalAverage | null;
  private readonly dHistory: HistoricalAverage | null;
  private noiseRng: Rng;
  private steps = 0;

  constructor(options: Partial<DcganTrainerOptions> = {}) {
    this.options = { ...DCGAN_TRAINER_DEFAULTS, model: {}, ...options };
    const o = this.options;
    if (!(o.realLabel > 0 && o.realLabel <= 1)) throw new Error(`realLabel must be in (0, 1], got ${o.realLabel}`);
    if (!(o.historicalAveraging >= 0)) throw new Error(`historicalAveraging must be ≥ 0, got ${o.historicalAveraging}`);
    const model = resolveDcganConfig({ seed: o.seed, ...o.model, minibatchDiscrimination: o.minibatchDiscrimination ?? o.model.minibatchDiscrimination ?? null });
    this.generator = new DcganGenerator(model);
    this.discriminator = new DcganDiscriminator(model);
    this.gOptimizer = tf.train.adam(o.learningRate, o.beta1, 0.999);
    this.dOptimizer = tf.train.adam(o.learningRate, o.beta1, 0.999);
    this.gHistory = o.historicalAveraging > 0 ? new HistoricalAverage(this.generator.params.trainableVariables()) : null;
    this.dHistory = o.historicalAveraging > 0 ? new HistoricalAverage(this.discriminator.params.trainableVariables()) : null;
    this.noiseRng = new Rng(o.seed).derive('dcgan', 'noise');
  }

  get step(): number {
    return this.steps;
  }

  get config(): DcganConfig {
    return this.generator.config;
  }

  trainStep(batch: ImageBatch): StepStats {
    const { imageSize: s, channels, zDim } = this.config;
    const o = this.options;
    const b = batch.count;
    const real = imagesToTensor(batch.images, b, s, s, channels); // [B, S, S, C]
    const z = sampleNoise(this.noiseRng, b, zDim, o.zDistribution); // [B, zDim]
    try {
      const fake = tf.tidy(() => this.generator.apply(z, true)); // [B, S, S, C]
      const dLoss = this.dOptimizer.minimize(
        () => {
          const r = this.discriminator.apply(real, true);
          const f = this.discriminator.apply(fake, true);
          const loss = discriminatorLoss(r.logits, f.logits, { realTarget: o.realLabel });
          return this.dHistory ? tf.add(loss, tf.mul(o.historicalAveraging, this.dHistory.penalty())) : loss;
        },
        true,
        this.discriminator.params.trainableVariables(),
      )!;
      fake.dispose();
      this.dHistory?.record();
      const gLoss = this.gOptimizer.minimize(
        () => {
          const f = this.discriminator.apply(this.generator.apply(z, true), true);
          let loss: tf.Scalar;
          if (o.featureMatching) {
            const r = this.discriminator.apply(real, true);
            loss = featureMatchingLoss(r.features, f.features);
          } else loss = generatorLoss(f.logits);
          return this.gHistory ? tf.add(loss, tf.mul(o.historicalAveraging, this.gHistory.penalty())) : loss;
        },
        true,
        this.generator.params.trainableVariables(),
      )!;
      this.gHistory?.record();
      this.steps++;
      const stats = { dLoss: dLoss.dataSync()[0]!, gLoss: gLoss.dataSync()[0]! };
      dLoss.dispose();
      gLoss.dispose();
      return stats;
    } finally {
      real.dispose();
      z.dispose();
    }
  }

  /**
   * Generated images for noise [N, zDim], in [−1, 1]. By default batch norm uses the batch's own
   * statistics, as during training (generate a grid or an interpolation as one batch); `false`
   * uses the running averages.
   */
  generate(z: tf.Tensor2D, mode: Mode = 'batch-stats'): tf.Tensor4D {
    return this.generator.apply(z, mode);
  }

  async stateTensors(): Promise<Record<string, tf.Tensor>> {
    return {
      ...paramEntries('G', this.generator.params),
      ...paramEntries('D', this.discriminator.params),
      ...(await optimizerSlots('G-adam', this.gOptimizer)),
      ...(await optimizerSlots('D-adam', this.dOptimizer)),
      ...cloneAll(this.gHistory?.state('G-history') ?? {}),
      ...cloneAll(this.dHistory?.state('D-history') ?? {}),
    };
  }

  stateMetadata(): Record<string, unknown> {
    return {
      kind: 'dcgan',
      config: this.config,
      options: { ...this.options, model: undefined },
      step: this.steps,
      noiseRng: this.noiseRng.getState(),
      historyCount: this.gHistory?.count ?? 0,
    };
  }

  async restoreState(tensors: Record<string, tf.Tensor>, metadata: Record<string, unknown>, where: string): Promise<void> {
    if (metadata.kind !== 'dcgan') throw new Error(`${where} is not a DCGAN checkpoint (kind ${JSON.stringify(metadata.kind)})`);
    assertSameConfig(metadata.config, { ...this.config }, where);
    restoreParams('G', this.generator.params, tensors, where);
    restoreParams('D', this.discriminator.params, tensors, where);
    await restoreOptimizerSlots('G-adam', this.gOptimizer, tensors);
    await restoreOptimizerSlots('D-adam', this.dOptimizer, tensors);
    const count = Number(metadata.historyCount ?? 0);
    this.gHistory?.restore(tensors, 'G-history', count, where);
    this.dHistory?.restore(tensors, 'D-history', count, where);
    this.noiseRng = rngFromMetadata(metadata.noiseRng, 'noise', where);
    this.steps = Number(metadata.step);
  }

  dispose(): void {
    this.generator.dispose();
    this.discriminator.dispose();
    this.gOptimizer.dispose();
    this.dOptimizer.dispose();
    this.gHistory?.dispose();
    this.dHistory?.dispose();
  }
}

function cloneAll(tensors: Record<string, tf.Tensor>): Record<string, tf.Tensor> {
  return Object.fromEntries(Object.entries(tensors).map(([k, v]) => [k, tf.clone(v)]));
}
