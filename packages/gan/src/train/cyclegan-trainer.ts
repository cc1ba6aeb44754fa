import * as tf from '@tensorflow/tfjs-core';
import { Rng, type RngState } from '@worldmodels/core/rng';
import { l1Loss, lsganDiscriminatorLoss, lsganGeneratorLoss } from '../losses/adversarial.js';
import type { NormKind } from '../nn/layers.js';
import { PatchGanDiscriminator, type PatchSize } from '../models/patchgan.js';
import { ResnetGenerator } from '../models/resnet-generator.js';
import type { GanTrainer, StepStats } from './gan-trainer.js';
import { ImagePool } from './image-pool.js';
import { linearDecayLearningRate } from './lr-schedule.js';
import { optimizerSlots, restoreOptimizerSlots, setLearningRate } from './optimizer-slots.js';
import { assertSameConfig, paramEntries, restoreParams } from './state.js';

export interface CycleGanOptions {
  imageSize: number;
  channels: number;
  generatorWidth: number;
  residualBlocks: number;
  discriminatorWidth: number;
  patch: PatchSize;
  norm: NormKind;
  /** Weight of the cycle-consistency loss (λ = 10). */
  lambdaCycle: number;
  /** Identity loss weight as a fraction of λ (0.5 in CycleGAN; 0 disables it). */
  lambdaIdentity: number;
  /** Past generated images each discriminator also sees (50). */
  poolSize: number;
  learningRate: number;
  beta1: number;
  /** Steps at the base learning rate, then steps of linear decay to 0. */
  constantSteps: number;
  decaySteps: number;
  seed: number;
}

export const CYCLEGAN_DEFAULTS: CycleGanOptions = {
  imageSize: 128,
  channels: 3,
  generatorWidth: 64,
  residualBlocks: 6,
  discriminatorWidth: 64,
  patch: 70,
  norm: 'instance',
  lambdaCycle: 10,
  lambdaIdentity: 0.5,
  poolSize: 50,
  learningRate: 2e-4,
  beta1: 0.5,
  constantSteps: 100,
  decaySteps: 100,
  seed: 0,
};

/** One unpaired batch: images of domain X and of domain Y in [−1, 1], [B, S, S, C] each. */
export interface UnpairedBatch {
  x: tf.Tensor4D;
  y: tf.Tensor4D;
}

/**
 * CycleGAN (Zhu et al. 2017, eq. 3): G: X → Y and F: Y → X with discriminators D_Y, D_X, trained
 * with least-squares adversarial losses, the cycle loss λ(‖F(G(x)) − x‖₁ + ‖G(F(y)) − y‖₁), the
 * identity loss λ·λ_id(‖G(y) − y‖₁ + ‖F(x) − x‖₁), discriminators fed from pools of 50 past
 * fakes, Adam (2e-4, β1 0.5) with linear decay. The trainer does not dispose the batch tensors.
 */
export class CycleGanTrainer implements GanTrainer<UnpairedBatch> {
  readonly g: ResnetGenerator;
  readonly f: ResnetGenerator;
  readonly dX: PatchGanDiscriminator;
  readonly dY: PatchGanDiscriminator;
  readonly options: CycleGanOptions;
  private readonly gOptimizer: tf.AdamOptimizer;
  private readonly dOptimizer: tf.AdamOptimizer;
  private readonly poolX: ImagePool;
  private readonly poolY: ImagePool;
  private steps = 0;

  constructor(options: Partial<CycleGanOptions> = {}) {
    this.options = { ...CYCLEGAN_DEFAULTS, ...options };
    const o = this.options;
    const seed = (label: string) => new Rng(o.seed).derive(label).nextSeed();
    const gen = (label: string) =>
      new ResnetGenerator({ imageSize: o.imageSize, inChannels: o.channels, outChannels: o.channels, width: o.generatorWidth, blocks: o.residualBlocks, norm: o.norm, seed: seed(label) });
    const disc = (label: string) => new PatchGanDiscriminator({ inChannels: o.channels, imageSize: o.imageSize, patch: o.patch, width: o.discriminatorWidth, norm: o.norm, seed: seed(label) });
    this.g = gen('G');
    this.f = gen('F');
    this.dX = disc('D_X');
    this.dY = disc('D_Y');
    this.gOptimizer = tf.train.adam(o.learningRate, o.beta1, 0.999);
    this.dOptimizer = tf.train.adam(o.learningRate, o.beta1, 0.999);
    this.poolX = new ImagePool(o.poolSize, seed('pool-X'));
    this.poolY = new ImagePool(o.poolSize, seed('pool-Y'));
  }

  get step(): number {
    return this.steps;
  }

  /** The learning rate used at step `step` (0-based). */
  learningRateAt(step: number): number {
    const o = this.options;
    return linearDecayLearningRate(o.learningRate, step, o.constantSteps, o.decaySteps);
  }

  trainStep({ x, y }: UnpairedBatch): StepStats {
    const o = this.options;
    const lr = this.learningRateAt(this.steps);
    setLearningRate(this.gOptimizer, lr);
    setLearningRate(this.dOptimizer, lr);
    const parts: Record<string, number> = {};
    const read = (name: string, t: tf.Scalar): tf.Scalar => {
      parts[name] = t.dataSync()[0]!;
      return t;
    };
    const gVars = [...this.g.params.trainableVariables(), ...this.f.params.trainableVariables()];
    let fakeY: tf.Tensor4D | null = null;
    let fakeX: tf.Tensor4D | null = null;
    const gLoss = this.gOptimizer.minimize(
      () => {
        const gx = this.g.apply(x, true); // G(x) ∈ Y
        const fy = this.f.apply(y, true); // F(y) ∈ X
        fakeY = tf.keep(tf.clone(gx));
        fakeX = tf.keep(tf.clone(fy));
        const adv = tf.add(read('gAdvY', lsganGeneratorLoss(this.dY.apply(gx, true))), read('gAdvX', lsganGeneratorLoss(this.dX.apply(fy, true))));
        const cycle = tf.add(l1Loss(this.f.apply(gx, true), x), l1Loss(this.g.apply(fy, true), y));
        let total = tf.add(adv, tf.mul(o.lambdaCycle, read('cycle', cycle as tf.Scalar)));
        if (o.lambdaIdentity > 0) {
          const identity = tf.add(l1Loss(this.g.apply(y, true), y), l1Loss(this.f.apply(x, true), x));
          total = tf.add(total, tf.mul(o.lambdaCycle * o.lambdaIdentity, read('identity', identity as tf.Scalar)));
        }
        return total as tf.Scalar;
      },
      true,
      gVars,
    )!;
    const pooledY = this.poolY.query(fakeY!);
    const pooledX = this.poolX.query(fakeX!);
    tf.dispose([fakeY!, fakeX!]);
    const dVars = [...this.dX.params.trainableVariables(), ...this.dY.params.trainableVariables()];
    const dLoss = this.dOptimizer.minimize(
      () => {
        const lossY = read('dY', lsganDiscriminatorLoss(this.dY.apply(y, true), this.dY.apply(pooledY, true)));
        const lossX = read('dX', lsganDiscriminatorLoss(this.dX.apply(x, true), this.dX.apply(pooledX, true)));
        return tf.add(lossY, lossX) as tf.Scalar;
      },
      true,
      dVars,
    )!;
    tf.dispose([pooledX, pooledY]);
    this.steps++;
    const stats = { gLoss: gLoss.dataSync()[0]!, dLoss: dLoss.dataSync()[0]!, lr, ...parts };
    tf.dispose([gLoss, dLoss]);
    return stats;
  }

  /** G(x): X → Y (instance norm has no train/eval difference). */
  toY(x: tf.Tensor4D): tf.Tensor4D {
    return this.g.apply(x, false);
  }

  /** F(y): Y → X. */
  toX(y: tf.Tensor4D): tf.Tensor4D {
    return this.f.apply(y, false);
  }

  async stateTensors(): Promise<Record<string, tf.Tensor>> {
    const out: Record<string, tf.Tensor> = {
      ...paramEntries('G', this.g.params),
      ...paramEntries('F', this.f.params),
      ...paramEntries('D_X', this.dX.params),
      ...paramEntries('D_Y', this.dY.params),
      ...(await optimizerSlots('G-adam', this.gOptimizer)),
      ...(await optimizerSlots('D-adam', this.dOptimizer)),
    };
    const px = this.poolX.stateTensor();
    const py = this.poolY.stateTensor();
    if (px) out['pool/X'] = px;
    if (py) out['pool/Y'] = py;
    return out;
  }

  stateMetadata(): Record<string, unknown> {
    return { kind: 'cyclegan', config: this.options, step: this.steps, poolX: this.poolX.rngState(), poolY: this.poolY.rngState() };
  }

  async restoreState(tensors: Record<string, tf.Tensor>, metadata: Record<string, unknown>, where: string): Promise<void> {
    if (metadata.kind !== 'cyclegan') throw new Error(`${where} is not a CycleGAN checkpoint (kind ${JSON.stringify(metadata.kind)})`);
    const { imageSize, channels, generatorWidth, residualBlocks, discriminatorWidth, patch, norm } = this.options;
    assertSameConfig(metadata.config, { imageSize, channels, generatorWidth, residualBlocks, discriminatorWidth, patch, norm }, where);
    restoreParams('G', this.g.params, tensors, where);
    restoreParams('F', this.f.params, tensors, where);
    restoreParams('D_X', this.dX.params, tensors, where);
    restoreParams('D_Y', this.dY.params, tensors, where);
    await restoreOptimizerSlots('G-adam', this.gOptimizer, tensors);
    await restoreOptimizerSlots('D-adam', this.dOptimizer, tensors);
    this.poolX.restore(tensors['pool/X'] as tf.Tensor4D | undefined, metadata.poolX as RngState | undefined);
    this.poolY.restore(tensors['pool/Y'] as tf.Tensor4D | undefined, metadata.poolY as RngState | undefined);
    this.steps = Number(metadata.step);
  }

  dispose(): void {
    for (const m of [this.g, this.f, this.dX, this.dY]) m.dispose();
    this.gOptimizer.dispose();
    this.dOptimizer.dispose();
    this.poolX.dispose();
    this.poolY.dispose();
  }
}
