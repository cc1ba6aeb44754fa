import * as tf from '@tensorflow/tfjs-core';
import { optimizerState, restoreOptimizer } from '@worldmodels/core';
import { Rng } from '@worldmodels/core/rng';
import type { ConvVAE } from './conv-vae.js';

/** Loss values of one training step. */
export interface VAEStepMetrics {
  loss: number;
  reconstruction: number;
  kl: number;
  rawKl: number;
}

export interface VAETrainerOptions {
  /** Adam learning rate (reference 1e-4). */
  learningRate?: number;
  /** Stream for the reparameterisation noise (default: derived from the model's seed). */
  rng?: Rng;
}

/**
 * One Adam step at a time on the ConvVAE objective (reference: Adam lr 1e-4, no clipping).
 * Knows nothing of data sets: `step(x)` takes a batch [B, 64, 64, 3] in [0, 1].
 */
export class VAETrainer {
  readonly optimizer: tf.AdamOptimizer;
  rng: Rng;
  /** Steps taken (restored by `restore`). */
  steps = 0;

  constructor(readonly vae: ConvVAE, options: VAETrainerOptions = {}) {
    this.optimizer = tf.train.adam(options.learningRate ?? 1e-4);
    this.rng = options.rng ?? new Rng(vae.config.seed).derive('vae', 'train-noise');
  }

  /** One optimisation step on a batch; returns the batch's loss terms (before the update). */
  step(x: tf.Tensor4D): VAEStepMetrics {
    const vars = this.vae.trainableVariables;
    let kept: tf.Scalar[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const terms = this.vae.loss(x, this.rng);
      kept = [tf.keep(terms.reconstruction), tf.keep(terms.kl), tf.keep(terms.rawKl)];
      return terms.loss;
    }, vars);
    this.optimizer.applyGradients(grads as tf.NamedTensorMap as Record<string, tf.Variable>);
    const [loss, reconstruction, kl, rawKl] = [value, ...kept].map((t) => t.dataSync()[0]!);
    tf.dispose([value, ...kept, ...Object.values(grads)]);
    this.steps++;
    return { loss: loss!, reconstruction: reconstruction!, kl: kl!, rawKl: rawKl! };
  }

  /** Optimizer slots as named tensors (under `optimizer/`), for a checkpoint. */
  async state(): Promise<Record<string, tf.Tensor>> {
    return optimizerState(this.optimizer);
  }

  /** Restores slots saved by `state`. */
  async restore(tensors: Record<string, tf.Tensor>): Promise<void> {
    await restoreOptimizer(this.optimizer, tensors);
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
