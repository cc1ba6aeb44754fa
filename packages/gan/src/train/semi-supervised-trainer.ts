import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { imagesToTensor } from '../data/images.js';
import { featureMatchingLoss } from '../losses/feature-matching.js';
import { semiSupervisedDiscriminatorLoss } from '../losses/semi-supervised.js';
import { type DcganConfig, DcganDiscriminator, DcganGenerator, resolveDcganConfig } from '../models/dcgan.js';
import type { GanTrainer, StepStats } from './gan-trainer.js';
import { sampleNoise } from './noise.js';
import { optimizerSlots, restoreOptimizerSlots } from './optimizer-slots.js';
import { assertSameConfig, paramEntries, restoreParams, rngFromMetadata } from './state.js';

export interface SemiSupervisedOptions {
  /** DCGAN backbone; dOutputs is set to `numClasses`. */
  model: Partial<DcganConfig>;
  /** K real classes (the discriminator's K+1-th class, "generated", has logit 0). */
  numClasses: number;
  /** Weight of the unsupervised real/fake term; 0 trains D as a plain classifier on the labels (the baseline) and skips G. */
  unsupervisedWeight: number;
  learningRate: number;
  beta1: number;
  seed: number;
}

export const SEMI_SUPERVISED_DEFAULTS: Omit<SemiSupervisedOptions, 'model'> = { numClasses: 10, unsupervisedWeight: 1, learningRate: 2e-4, beta1: 0.5, seed: 0 };

/** A few labelled images and a batch of unlabelled ones (uint8 HWC). */
export interface SemiSupervisedBatch {
  labelled: { images: Uint8Array; labels: ArrayLike<number>; count: number };
  unlabelled: { images: Uint8Array; count: number };
}

/**
 * Semi-supervised learning with a K+1 discriminator (Salimans et al. 2016, §5): D is a K-class
 * classifier whose "generated" logit is fixed at 0; it minimises the supervised cross-entropy on
 * the labelled batch plus the unsupervised real/fake loss; G is trained by feature matching, the
 * paper's choice for semi-supervised learning.
 */
export class SemiSupervisedGanTrainer implements GanTrainer<SemiSupervisedBatch> {
  readonly generator: DcganGenerator;
  readonly discriminator: DcganDiscriminator;
  readonly options: SemiSupervisedOptions;
  private readonly gOptimizer: tf.AdamOptimizer;
  private readonly dOptimizer: tf.AdamOptimizer;
  private rng: Rng;
  private steps = 0;

  constructor(options: Partial<SemiSupervisedOptions> = {}) {
    this.options = { ...SEMI_SUPERVISED_DEFAULTS, model: {}, ...options };
    const o = this.options;
    if (!Number.isInteger(o.numClasses) || o.numClasses < 2) throw new Error(`numClasses must be an integer ≥ 2, got ${o.numClasses}`);
    if (!(o.unsupervisedWeight >= 0)) throw new Error(`unsupervisedWeight must be ≥ 0, got ${o.unsupervisedWeight}`);
    const model = resolveDcganConfig({ seed: o.seed, ...o.model, dOutputs: o.numClasses, codeDim: 0 });
    this.generator = new DcganGenerator(model);
    this.discriminator = new DcganDiscriminator(model);
    this.gOptimizer = tf.train.adam(o.learningRate, o.beta1, 0.999);
    this.dOptimizer = tf.train.adam(o.learningRate, o.beta1, 0.999);
    this.rng = new Rng(o.seed).derive('semi-supervised', 'noise');
  }

  get step(): number {
    return this.steps;
  }

  get config(): DcganConfig {
    return this.generator.config;
  }

  trainStep(batch: SemiSupervisedBatch): StepStats {
    const { imageSize: s, channels, zDim } = this.config;
    const { labelled, unlabelled } = batch;
    for (let i = 0; i < labelled.count; i++) {
      const l = labelled.labels[i]!;
      if (!Number.isInteger(l) || l < 0 || l >= this.options.numClasses) throw new Error(`label ${l} of labelled sample ${i} is not a class in [0, ${this.options.numClasses})`);
    }
    const xl = imagesToTensor(labelled.images, labelled.count, s, s, channels);
    const yl = tf.tensor1d(Array.from({ length: labelled.count }, (_, i) => labelled.labels[i]!), 'int32');
    const xu = imagesToTensor(unlabelled.images, unlabelled.count, s, s, channels);
    const z = sampleNoise(this.rng, unlabelled.count, zDim);
    let supervised = 0;
    let unsupervised = 0;
    try {
      const fake = tf.tidy(() => this.generator.apply(z, true));
      const dLoss = this.dOptimizer.minimize(
        () => {
          const l = this.discriminator.apply(xl, true).logits;
          const u = this.discriminator.apply(xu, true).logits;
          const f = this.discriminator.apply(fake, true).logits;
          const losses = semiSupervisedDiscriminatorLoss(l, yl, u, f);
          supervised = losses.supervised.dataSync()[0]!;
          unsupervised = losses.unsupervised.dataSync()[0]!;
          const w = this.options.unsupervisedWeight;
          return (w === 1 ? losses.total : tf.add(losses.supervised, tf.mul(w, losses.unsupervised))) as tf.Scalar;
        },
        true,
        this.discriminator.params.trainableVariables(),
      )!;
      fake.dispose();
      if (this.options.unsupervisedWeight === 0) {
        this.steps++;
        const stats = { dLoss: dLoss.dataSync()[0]!, gLoss: 0, supervised, unsupervised };
        dLoss.dispose();
        return stats;
      }
      const gLoss = this.gOptimizer.minimize(
        () => featureMatchingLoss(this.discriminator.apply(xu, true).features, this.discriminator.apply(this.generator.apply(z, true), true).features),
        true,
        this.generator.params.trainableVariables(),
      )!;
      this.steps++;
      const stats = { dLoss: dLoss.dataSync()[0]!, gLoss: gLoss.dataSync()[0]!, supervised, unsupervised };
      tf.dispose([dLoss, gLoss]);
      return stats;
    } finally {
      tf.dispose([xl, yl, xu, z]);
    }
  }

  /** Class predictions (argmax over the K real classes) for uint8 images, eval mode. */
  classify(images: Uint8Array, count: number): Int32Array {
    const { imageSize: s, channels } = this.config;
    return tf.tidy(() => tf.argMax(this.discriminator.apply(imagesToTensor(images, count, s, s, channels), false).logits, 1).dataSync() as Int32Array);
  }

  async stateTensors(): Promise<Record<string, tf.Tensor>> {
    return {
      ...paramEntries('G', this.generator.params),
      ...paramEntries('D', this.discriminator.params),
      ...(await optimizerSlots('G-adam', this.gOptimizer)),
      ...(await optimizerSlots('D-adam', this.dOptimizer)),
    };
  }

  stateMetadata(): Record<string, unknown> {
    return { kind: 'semi-supervised', config: this.config, step: this.steps, rng: this.rng.getState() };
  }

  async restoreState(tensors: Record<string, tf.Tensor>, metadata: Record<string, unknown>, where: string): Promise<void> {
    if (metadata.kind !== 'semi-supervised') throw new Error(`${where} is not a semi-supervised GAN checkpoint (kind ${JSON.stringify(metadata.kind)})`);
    assertSameConfig(metadata.config, { ...this.config }, where);
    restoreParams('G', this.generator.params, tensors, where);
    restoreParams('D', this.discriminator.params, tensors, where);
    await restoreOptimizerSlots('G-adam', this.gOptimizer, tensors);
    await restoreOptimizerSlots('D-adam', this.dOptimizer, tensors);
    this.rng = rngFromMetadata(metadata.rng, 'noise', where);
    this.steps = Number(metadata.step);
  }

  dispose(): void {
    this.generator.dispose();
    this.discriminator.dispose();
    this.gOptimizer.dispose();
    this.dOptimizer.dispose();
  }
}
