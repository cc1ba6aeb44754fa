import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { imagesToTensor } from '../data/images.js';
import { discriminatorLoss, generatorLoss } from '../losses/adversarial.js';
import { type CodeSpec, mutualInformationTerms, qOutputDim } from '../losses/mutual-information.js';
import type { Mode } from '../nn/layers.js';
import { type DcganConfig, DcganDiscriminator, DcganGenerator, resolveDcganConfig } from '../models/dcgan.js';
import { InfoGanQHead, sampleCodes } from '../models/infogan.js';
import type { ImageBatch } from './dcgan-trainer.js';
import type { GanTrainer, StepStats } from './gan-trainer.js';
import { sampleNoise } from './noise.js';
import { optimizerSlots, restoreOptimizerSlots } from './optimizer-slots.js';
import { assertSameConfig, paramEntries, restoreParams, rngFromMetadata } from './state.js';

export interface InfoGanOptions {
  /** DCGAN backbone (codeDim is set from `codes`). */
  model: Partial<DcganConfig>;
  codes: CodeSpec;
  /** Weight λ of the MI term (1 for categorical codes in the paper). */
  lambdaInfo: number;
  /** Adam rates: D 2e-4, G (and Q) 1e-3 in the paper's MNIST setup. */
  dLearningRate: number;
  gLearningRate: number;
  beta1: number;
  seed: number;
}

export const INFOGAN_DEFAULTS: Omit<InfoGanOptions, 'model'> = {
  codes: { categorical: [10], continuous: 2 },
  lambdaInfo: 1,
  dLearningRate: 2e-4,
  gLearningRate: 1e-3,
  beta1: 0.5,
  seed: 0,
};

/**
 * InfoGAN (Chen et al. 2016, eq. 5): min_{G,Q} max_D V(D, G) − λ·L_I(G, Q). G gets [z, c]; Q shares
 * D's convolutional trunk. As in the reference code the MI term is added to both players' costs:
 * D's update trains the trunk and Q, G's update trains G to make codes recoverable.
 */
export class InfoGanTrainer implements GanTrainer<ImageBatch> {
  readonly generator: DcganGenerator;
  readonly discriminator: DcganDiscriminator;
  readonly q: InfoGanQHead;
  readonly options: InfoGanOptions;
  private readonly gOptimizer: tf.AdamOptimizer;
  private readonly dOptimizer: tf.AdamOptimizer;
  private rng: Rng;
  private steps = 0;

  constructor(options: Partial<InfoGanOptions> = {}) {
    this.options = { ...INFOGAN_DEFAULTS, model: {}, ...options };
    const o = this.options;
    if (o.codes.categorical.some((k) => !Number.isInteger(k) || k < 2)) throw new Error(`InfoGAN categorical codes need ≥ 2 classes each, got [${o.codes.categorical.join(', ')}]`);
    if (!Number.isInteger(o.codes.continuous) || o.codes.continuous < 0) throw new Error(`InfoGAN continuous code count must be a non-negative integer, got ${o.codes.continuous}`);
    const model = resolveDcganConfig({ seed: o.seed, ...o.model, codeDim: qOutputDim(o.codes), dOutputs: 1 });
    this.generator = new DcganGenerator(model);
    this.discriminator = new DcganDiscriminator(model);
    this.q = new InfoGanQHead(this.discriminator.featureDim, o.codes, 128, o.seed);
    this.gOptimizer = tf.train.adam(o.gLearningRate, o.beta1, 0.999);
    this.dOptimizer = tf.train.adam(o.dLearningRate, o.beta1, 0.999);
    this.rng = new Rng(o.seed).derive('infogan', 'latents');
  }

  get step(): number {
    return this.steps;
  }

  get config(): DcganConfig {
    return this.generator.config;
  }

  trainStep(batch: ImageBatch): StepStats {
    const { imageSize: s, channels, zDim } = this.config;
    const { codes: spec, lambdaInfo } = this.options;
    const b = batch.count;
    const real = imagesToTensor(batch.images, b, s, s, channels);
    const z = sampleNoise(this.rng, b, zDim);
    const codes = sampleCodes(this.rng, b, spec);
    const gIn = tf.concat([z, codes.input], 1) as tf.Tensor2D; // [B, zDim + ΣK + C]
    let mi = 0;
    let dMi = 0;
    try {
      const fake = tf.tidy(() => this.generator.apply(gIn, true));
      const dVars = [...this.discriminator.params.trainableVariables(), ...this.q.params.trainableVariables()];
      const dLoss = this.dOptimizer.minimize(
        () => {
          const r = this.discriminator.apply(real, true);
          const f = this.discriminator.apply(fake, true);
          const info = mutualInformationTerms(this.q.apply(f.features, true), codes.categorical, codes.continuous, spec);
          dMi = info.lowerBound.dataSync()[0]!;
          return tf.sub(discriminatorLoss(r.logits, f.logits), tf.mul(lambdaInfo, info.lowerBound)) as tf.Scalar;
        },
        true,
        dVars,
      )!;
      fake.dispose();
      const gLoss = this.gOptimizer.minimize(
        () => {
          const f = this.discriminator.apply(this.generator.apply(gIn, true), true);
          const info = mutualInformationTerms(this.q.apply(f.features, true), codes.categorical, codes.continuous, spec);
          mi = info.lowerBound.dataSync()[0]!;
          return tf.sub(generatorLoss(f.logits), tf.mul(lambdaInfo, info.lowerBound)) as tf.Scalar;
        },
        true,
        this.generator.params.trainableVariables(),
      )!;
      this.steps++;
      const stats = { dLoss: dLoss.dataSync()[0]!, gLoss: gLoss.dataSync()[0]!, miLowerBound: mi, dMiLowerBound: dMi };
      tf.dispose([dLoss, gLoss]);
      return stats;
    } finally {
      tf.dispose([real, z, codes.categorical, codes.continuous ?? [], codes.input, gIn]);
    }
  }

  /** Images for noise z [B, zDim] and code inputs [B, ΣK + C] (batch statistics by default, see DcganTrainer.generate). */
  generate(z: tf.Tensor2D, codeInput: tf.Tensor2D, mode: Mode = 'batch-stats'): tf.Tensor4D {
    return tf.tidy(() => this.generator.apply(tf.concat([z, codeInput], 1) as tf.Tensor2D, mode));
  }

  /** Q's predicted class of categorical code `which` for images in [−1, 1] [B, S, S, C]. */
  predictCategory(images: tf.Tensor4D, which = 0, mode: Mode = 'batch-stats'): Int32Array {
    return tf.tidy(() => {
      const q = this.q.apply(this.discriminator.apply(images, mode).features, mode);
      const offset = this.options.codes.categorical.slice(0, which).reduce((a, k) => a + k, 0);
      const k = this.options.codes.categorical[which]!;
      return tf.argMax(tf.slice(q, [0, offset], [-1, k]), 1).dataSync() as Int32Array;
    });
  }

  async stateTensors(): Promise<Record<string, tf.Tensor>> {
    return {
      ...paramEntries('G', this.generator.params),
      ...paramEntries('D', this.discriminator.params),
      ...paramEntries('Q', this.q.params),
      ...(await optimizerSlots('G-adam', this.gOptimizer)),
      ...(await optimizerSlots('D-adam', this.dOptimizer)),
    };
  }

  stateMetadata(): Record<string, unknown> {
    return { kind: 'infogan', config: this.config, codes: this.options.codes, step: this.steps, rng: this.rng.getState() };
  }

  async restoreState(tensors: Record<string, tf.Tensor>, metadata: Record<string, unknown>, where: string): Promise<void> {
    if (metadata.kind !== 'infogan') throw new Error(`${where} is not an InfoGAN checkpoint (kind ${JSON.stringify(metadata.kind)})`);
    assertSameConfig(metadata.config, { ...this.config }, where);
    assertSameConfig({ codes: metadata.codes }, { codes: this.options.codes }, where);
    restoreParams('G', this.generator.params, tensors, where);
    restoreParams('D', this.discriminator.params, tensors, where);
    restoreParams('Q', this.q.params, tensors, where);
    await restoreOptimizerSlots('G-adam', this.gOptimizer, tensors);
    await restoreOptimizerSlots('D-adam', this.dOptimizer, tensors);
    this.rng = rngFromMetadata(metadata.rng, 'latent', where);
    this.steps = Number(metadata.step);
  }

  dispose(): void {
    this.generator.dispose();
    this.discriminator.dispose();
    this.q.dispose();
    this.gOptimizer.dispose();
    this.dOptimizer.dispose();
  }
}
