import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { bceWithLogits, l1Loss } from '../losses/adversarial.js';
import type { NormKind } from '../nn/layers.js';
import { PatchGanDiscriminator, type PatchSize } from '../models/patchgan.js';
import { UnetGenerator } from '../models/unet.js';
import type { GanTrainer, StepStats } from './gan-trainer.js';
import { optimizerSlots, restoreOptimizerSlots } from './optimizer-slots.js';
import { assertSameConfig, paramEntries, restoreParams, rngFromMetadata } from './state.js';

export interface Pix2PixOptions {
  imageSize: number;
  /** Channels of the condition (e.g. 6 one-hot semantic classes) and of the target image (3). */
  inChannels: number;
  outChannels: number;
  generatorWidth: number;
  discriminatorWidth: number;
  patch: PatchSize;
  norm: NormKind;
  dropout: boolean;
  /** Weight of the L1 term (pix2pix: λ = 100). */
  lambdaL1: number;
  learningRate: number;
  beta1: number;
  seed: number;
}

export const PIX2PIX_DEFAULTS: Pix2PixOptions = {
  imageSize: 256,
  inChannels: 3,
  outChannels: 3,
  generatorWidth: 64,
  discriminatorWidth: 64,
  patch: 70,
  norm: 'batch',
  dropout: true,
  lambdaL1: 100,
  learningRate: 2e-4,
  beta1: 0.5,
  seed: 0,
};

/** A batch of aligned pairs in [−1, 1]: condition x [B, S, S, inChannels] and target y [B, S, S, outChannels]. */
export interface PairBatch {
  input: tf.Tensor4D;
  target: tf.Tensor4D;
}

/**
 * pix2pix (Isola et al. 2017, eq. 4): G* = arg min_G max_D L_cGAN(G, D) + λ·L1(G). D sees the
 * condition concatenated with a real or generated image; its objective is halved (§3.3) and G
 * uses the non-saturating log D form. The trainer does not dispose the batch tensors.
 */
export class Pix2PixTrainer implements GanTrainer<PairBatch> {
  readonly generator: UnetGenerator;
  readonly discriminator: PatchGanDiscriminator;
  readonly options: Pix2PixOptions;
  private readonly gOptimizer: tf.AdamOptimizer;
  private readonly dOptimizer: tf.AdamOptimizer;
  private steps = 0;

  constructor(options: Partial<Pix2PixOptions> = {}) {
    this.options = { ...PIX2PIX_DEFAULTS, ...options };
    const o = this.options;
    if (!(o.lambdaL1 >= 0)) throw new Error(`lambdaL1 must be ≥ 0, got ${o.lambdaL1}`);
    this.generator = new UnetGenerator({ imageSize: o.imageSize, inChannels: o.inChannels, outChannels: o.outChannels, width: o.generatorWidth, norm: o.norm, dropout: o.dropout, seed: new Rng(o.seed).derive('G').nextSeed() });
    this.discriminator = new PatchGanDiscriminator({ inChannels: o.inChannels + o.outChannels, imageSize: o.imageSize, patch: o.patch, width: o.discriminatorWidth, norm: o.norm, seed: new Rng(o.seed).derive('D').nextSeed() });
    this.gOptimizer = tf.train.adam(o.learningRate, o.beta1, 0.999);
    this.dOptimizer = tf.train.adam(o.learningRate, o.beta1, 0.999);
  }

  get step(): number {
    return this.steps;
  }

  trainStep({ input, target }: PairBatch): StepStats {
    const o = this.options;
    const fake = tf.tidy(() => this.generator.apply(input, true)); // [B, S, S, out]
    const dLoss = this.dOptimizer.minimize(
      () => {
        const real = this.discriminator.apply(tf.concat([input, target], 3), true); // [B, H', W', 1]
        const forged = this.discriminator.apply(tf.concat([input, fake], 3), true);
        return tf.mul(0.5, tf.add(bceWithLogits(real, 1), bceWithLogits(forged, 0))) as tf.Scalar;
      },
      true,
      this.discriminator.params.trainableVariables(),
    )!;
    fake.dispose();
    let gan = 0;
    let l1 = 0;
    const gLoss = this.gOptimizer.minimize(
      () => {
        const out = this.generator.apply(input, true);
        const forged = this.discriminator.apply(tf.concat([input, out], 3), true);
        const ganLoss = bceWithLogits(forged, 1);
        const l1Term = l1Loss(out, target);
        gan = ganLoss.dataSync()[0]!;
        l1 = l1Term.dataSync()[0]!;
        return tf.add(ganLoss, tf.mul(o.lambdaL1, l1Term)) as tf.Scalar;
      },
      true,
      this.generator.params.trainableVariables(),
    )!;
    this.steps++;
    const stats = { dLoss: dLoss.dataSync()[0]!, gLoss: gLoss.dataSync()[0]!, gGan: gan, gL1: l1 };
    tf.dispose([dLoss, gLoss]);
    return stats;
  }

  /**
   * G(x) at test time as pix2pix runs it (§3.3): batch norm with the test batch's statistics;
   * dropout is left off so results are deterministic.
   */
  translate(input: tf.Tensor4D): tf.Tensor4D {
    return this.generator.apply(input, 'batch-stats');
  }

  /** Mean absolute error of G(x) against y, in [0, 255] pixel units, over held-out pairs. */
  heldOutL1(input: tf.Tensor4D, target: tf.Tensor4D, batchSize = 16): number {
    let sum = 0;
    const n = input.shape[0];
    for (let i = 0; i < n; i += batchSize) {
      const b = Math.min(batchSize, n - i);
      sum += tf.tidy(() => {
        const x = tf.slice(input, [i, 0, 0, 0], [b, -1, -1, -1]);
        const y = tf.slice(target, [i, 0, 0, 0], [b, -1, -1, -1]);
        return tf.sum(tf.abs(tf.sub(this.translate(x), y))).dataSync()[0]!;
      });
    }
    return (sum / target.size) * 127.5;
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
    return { kind: 'pix2pix', config: this.options, step: this.steps, dropoutRng: this.generator.dropoutState };
  }

  async restoreState(tensors: Record<string, tf.Tensor>, metadata: Record<string, unknown>, where: string): Promise<void> {
    if (metadata.kind !== 'pix2pix') throw new Error(`${where} is not a pix2pix checkpoint (kind ${JSON.stringify(metadata.kind)})`);
    const { imageSize, inChannels, outChannels, generatorWidth, discriminatorWidth, patch, norm, dropout } = this.options;
    assertSameConfig(metadata.config, { imageSize, inChannels, outChannels, generatorWidth, discriminatorWidth, patch, norm, dropout }, where);
    restoreParams('G', this.generator.params, tensors, where);
    restoreParams('D', this.discriminator.params, tensors, where);
    await restoreOptimizerSlots('G-adam', this.gOptimizer, tensors);
    await restoreOptimizerSlots('D-adam', this.dOptimizer, tensors);
    if (metadata.dropoutRng) this.generator.dropoutState = rngFromMetadata(metadata.dropoutRng, 'dropout', where).getState();
    this.steps = Number(metadata.step);
  }

  dispose(): void {
    this.generator.dispose();
    this.discriminator.dispose();
    this.gOptimizer.dispose();
    this.dOptimizer.dispose();
  }
}
