import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@worldmodels/core/rng';
import type { ActionAdapter } from '../controller/action-adapter.js';
import type { ControllerLayout } from '../controller/controller-layout.js';
import { disposeOutputHeads, disposeState, zeroState } from '../models/memory-state.js';
import { mixtureNegLogLikelihood } from '../models/mixture-nll.js';
import type { MemoryModel, MemoryOutput, MemoryState, VisionModel } from '../models/model-types.js';

export interface WorldModelAgentOptions {
  vae: VisionModel;
  mdnrnn: MemoryModel;
  layout: ControllerLayout;
  /** The controller's flat parameters in the layout's order. */
  params: ArrayLike<number>;
  actions: ActionAdapter;
  /** Stream of V's sampling noise (z is sampled, as the paper; see `useMean`). */
  rng: Rng;
  /** Feed μ instead of a sampled z (an ablation: re-implementers who did this scored lower). */
  useMean?: boolean;
  /** Also compute the curiosity signal −log p(z_t | z_{t−1}, a_{t−1}, h_{t−1}) each step. */
  curiosity?: boolean;
}

/** What one agent step produced. */
export interface AgentStep {
  /** The action for the env. */
  action: Float32Array | number;
  /** The controller's raw tanh outputs. */
  output: Float32Array;
  /** The z the controller saw. */
  z: Float32Array;
  /** −log p(z_t | M's prediction at t−1), summed over dims (0 on the first step, or without curiosity). */
  surprise: number;
}

/**
 * The World Models agent over a real env: V encodes the frame, z is sampled, C acts on [z, h]
 * where h is M's state *before* this step, and then M steps with (z, the processed action) —
 * the reference's order (paper §3.3; reference `rnn_output` then `rnn_next_state`).
 */
export class WorldModelAgent {
  readonly layout: ControllerLayout;
  private readonly options: WorldModelAgentOptions;
  private readonly params: tf.Tensor2D; // [1, D]
  private state: MemoryState;
  private prediction: MemoryOutput | null = null;
  private disposed = false;
  private firstStep = true;

  constructor(options: WorldModelAgentOptions) {
    const { vae, mdnrnn, layout, params, actions } = options;
    if (vae.config.zSize !== mdnrnn.config.zSize) throw new Error(`V has z size ${vae.config.zSize} but M has ${mdnrnn.config.zSize}`);
    if (layout.zSize !== vae.config.zSize || layout.hiddenSize !== mdnrnn.config.hiddenSize) {
      throw new Error(`controller layout is for z ${layout.zSize}, hidden ${layout.hiddenSize}; the models have z ${vae.config.zSize}, hidden ${mdnrnn.config.hiddenSize}`);
    }
    if (actions.memoryActionSize !== mdnrnn.config.actionSize) throw new Error(`M takes actions of width ${mdnrnn.config.actionSize}, the ${actions.kind} adapter gives ${actions.memoryActionSize}`);
    if (actions.outputs !== layout.outputs) throw new Error(`controller has ${layout.outputs} outputs, the ${actions.kind} adapter needs ${actions.outputs}`);
    if (params.length !== layout.paramCount) throw new Error(`controller (${layout.form}) needs ${layout.paramCount} parameters, got ${params.length}`);
    this.options = options;
    this.layout = layout;
    this.params = tf.tensor2d(Float32Array.from(params), [1, layout.paramCount]);
    this.state = zeroState(1, mdnrnn.config.hiddenSize);
  }

  /** Starts a new episode: M's state back to zeros. */
  reset(): void {
    this.checkAlive();
    disposeState(this.state);
    this.state = zeroState(1, this.options.mdnrnn.config.hiddenSize);
    this.firstStep = true;
    this.dropPrediction();
  }

  /** M's current state h (a copy, [hidden]). */
  hidden(): Float32Array {
    return this.state.h.dataSync() as Float32Array;
  }

  /**
   * One step: frame (uint8 [64, 64, 3]) → action; M advances. With `forced` (an env action, e.g.
   * an exploration move) that action is returned instead of C's and M steps with it, so h follows
   * what was actually done.
   */
  act(frame: Uint8Array, forced?: number | ArrayLike<number>): AgentStep {
    this.checkAlive();
    const { vae, mdnrnn, layout, actions, rng } = this.options;
    if (frame.length !== 64 * 64 * 3) throw new Error(`WorldModelAgent.act needs a 64×64×3 frame (12288 bytes), got ${frame.length}; preprocess the env's frames first`);
    const z = tf.tidy(() => {
      const x = tf.div(tf.tensor4d(frame, [1, 64, 64, 3], 'float32'), 255); // [1, 64, 64, 3]
      const { mu, logvar } = vae.encode(x); // [1, z] each
      return this.options.useMean ? mu : vae.sample(mu, logvar, rng); // [1, z]
    });
    let surprise = 0;
    if (this.options.curiosity && this.prediction) {
      const p = this.prediction;
      surprise = tf.tidy(() => mixtureNegLogLikelihood(z, p.logmix, p.mean, p.logstd).dataSync()[0]!);
    }
    this.dropPrediction();
    // C acts on [z, h_t] with the state before M's step.
    const output = tf.tidy(() => {
      const input = layout.input(z, this.state.h, this.state.c); // [1, in]
      return tf.reshape(layout.forward(this.params, tf.expandDims(input, 0) as tf.Tensor3D), [1, layout.outputs]) as tf.Tensor2D; // [1, A]
    });
    const outputValues = output.dataSync() as Float32Array;
    let action = actions.envAction(outputValues);
    let memoryAction: tf.Tensor2D; // [1, actionSize]
    if (forced === undefined) {
      // Then M steps with (z_t, processed a_t).
      memoryAction = actions.memoryAction(output);
    } else {
      const stored = typeof forced === 'number' ? [forced] : forced;
      const row = new Float32Array(actions.memoryActionSize);
      actions.memoryActionFromStored(stored, row, 0);
      memoryAction = tf.tensor2d(row, [1, actions.memoryActionSize]);
      action = typeof forced === 'number' ? forced : Float32Array.from(forced);
    }
    const restart = this.firstStep && mdnrnn.config.restartInput ? tf.ones([1]) : undefined; // [1]: episode start (Doom reference)
    this.firstStep = false;
    const out = mdnrnn.step(z, memoryAction, this.state, restart);
    restart?.dispose();
    disposeState(this.state);
    this.state = out.state;
    if (this.options.curiosity) this.prediction = out;
    else disposeOutputHeads(out);
    const zValues = z.dataSync() as Float32Array;
    tf.dispose([z, output, memoryAction]);
    return { action, output: Float32Array.from(outputValues), z: Float32Array.from(zValues), surprise };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.dropPrediction();
    disposeState(this.state);
    this.params.dispose();
  }

  private dropPrediction(): void {
    if (this.prediction) disposeOutputHeads(this.prediction);
    this.prediction = null;
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('WorldModelAgent was disposed');
  }
}
