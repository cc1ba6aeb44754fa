import type * as tf from '@tensorflow/tfjs-core';

/** Loss values and other scalars reported by one training step. */
export type StepStats = Record<string, number>;

/**
 * What a training loop needs from a GAN trainer: one step on a batch, and its full state (weights,
 * optimizer slots, RNG streams) for checkpoints. The loop knows nothing of the model.
 */
export interface GanTrainer<Batch> {
  /** Steps taken so far. */
  readonly step: number;
  /** One update of every player on `batch`. */
  trainStep(batch: Batch): StepStats;
  /** Every tensor that defines the state; new tensors owned by the caller. */
  stateTensors(): Promise<Record<string, tf.Tensor>>;
  /** JSON-able metadata (config, step, RNG state) to save beside the tensors. */
  stateMetadata(): Record<string, unknown>;
  /** Restores a state saved by {@link stateTensors} / {@link stateMetadata}. */
  restoreState(tensors: Record<string, tf.Tensor>, metadata: Record<string, unknown>, where: string): Promise<void>;
  dispose(): void;
}
