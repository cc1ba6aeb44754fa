import * as tf from '@tensorflow/tfjs-core';
import { optimizerState, restoreOptimizer } from '@worldmodels/core';
import type { MDNRNN, MDNSequenceBatch } from './mdn-rnn.js';

/** Loss values of one training step (heads absent from the model are omitted). */
export interface MDNStepMetrics {
  loss: number;
  zLoss: number;
  doneLoss?: number;
  rewardLoss?: number;
}

export interface MDNRNNTrainerOptions {
  /** Adam learning rate (reference 1e-3). */
  learningRate?: number;
  /** Element-wise gradient clip (reference ±1; 0 turns clipping off). */
  gradientClip?: number;
}

/**
 * One Adam step at a time on the MDN-RNN objective with element-wise gradient clipping, as the
 * reference (rnn.py: tf.clip_by_value(grad, −1, 1) on every gradient, Adam lr 1e-3).
 */
export class MDNRNNTrainer {
  readonly optimizer: tf.AdamOptimizer;
  readonly gradientClip: number;
  steps = 0;

  constructor(readonly model: MDNRNN, options: MDNRNNTrainerOptions = {}) {
    this.optimizer = tf.train.adam(options.learningRate ?? 1e-3);
    this.gradientClip = options.gradientClip ?? 1;
    if (!(this.gradientClip >= 0)) throw new Error(`gradientClip must be >= 0, got ${this.gradientClip}`);
  }

  /** One optimisation step; returns the batch's loss terms before the update. */
  step(batch: MDNSequenceBatch): MDNStepMetrics {
    let kept: Record<string, tf.Scalar> = {};
    const { value, grads } = tf.variableGrads(() => {
      const terms = this.model.loss(batch);
      kept = {};
      for (const [k, v] of Object.entries(terms)) if (k !== 'loss' && v) kept[k] = tf.keep(v as tf.Scalar);
      return terms.loss;
    }, this.model.trainableVariables);
    const clip = this.gradientClip;
    const clipped = clip > 0 ? tf.tidy(() => Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.clipByValue(g, -clip, clip)]))) : grads;
    this.optimizer.applyGradients(clipped as Record<string, tf.Variable>);
    const metrics: MDNStepMetrics = { loss: value.dataSync()[0]!, zLoss: 0 };
    for (const [k, v] of Object.entries(kept)) (metrics as unknown as Record<string, number>)[k] = v.dataSync()[0]!;
    tf.dispose([value, ...Object.values(kept), ...Object.values(grads), ...(clipped === grads ? [] : Object.values(clipped))]);
    this.steps++;
    return metrics;
  }

  /** Optimizer slots as named tensors (under `optimizer/`), for a checkpoint. */
  async state(): Promise<Record<string, tf.Tensor>> {
    return optimizerState(this.optimizer);
  }

  async restore(tensors: Record<string, tf.Tensor>): Promise<void> {
    await restoreOptimizer(this.optimizer, tensors);
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
