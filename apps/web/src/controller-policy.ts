import * as tf from '@tensorflow/tfjs-core';
import type { ActionAdapter, ControllerLayout } from '@worldmodels/world-model';

/** An action in both forms: what the env takes and the row M is stepped with. */
export interface PageAction {
  env: Float32Array | number;
  memory: Float32Array;
}

/** C of a checkpoint acting on [z, h] (the layout's input) — the agent's policy, for the dream. */
export class ControllerPolicy {
  private readonly params: tf.Tensor2D; // [1, D]

  constructor(private readonly layout: ControllerLayout, params: ArrayLike<number>, private readonly actions: ActionAdapter) {
    if (params.length !== layout.paramCount) throw new Error(`controller (${layout.form}) needs ${layout.paramCount} parameters, got ${params.length}`);
    this.params = tf.tensor2d(Float32Array.from(params), [1, layout.paramCount]);
  }

  /** a = C([z, h]) for z, h, c [1, ·]. */
  act(z: tf.Tensor2D, h: tf.Tensor2D, c: tf.Tensor2D): PageAction {
    const { output, memory } = tf.tidy(() => {
      const input = tf.expandDims(this.layout.input(z, h, c), 0) as tf.Tensor3D; // [1, 1, in]
      const out = tf.reshape(this.layout.forward(this.params, input), [1, this.layout.outputs]) as tf.Tensor2D; // [1, A]
      return { output: out.dataSync() as Float32Array, memory: this.actions.memoryAction(out).dataSync() as Float32Array };
    });
    return { env: this.actions.envAction(output), memory: Float32Array.from(memory) };
  }

  dispose(): void {
    this.params.dispose();
  }
}
