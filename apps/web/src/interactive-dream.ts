import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@worldmodels/core/rng';
import { zeroState, type InitialLatents, type MemoryModel, type MemoryState } from '@worldmodels/world-model';

/** What one dream step produced. */
export interface DreamStep {
  /** The new z [Z] (sampled from M at temperature τ). */
  z: Float32Array;
  /** Reward of this step: M's reward head, or 1 per step survived. */
  reward: number;
  /** M's done head said the episode ends here (logit > 0). */
  done: boolean;
}

export interface InteractiveDreamOptions {
  mdnrnn: MemoryModel;
  initial: InitialLatents;
  rng: Rng;
  /** τ: mixture logits / τ, noise σ·√τ (paper §4.5 / appendix). */
  temperature: number;
  reward: 'head' | 'survival';
}

/**
 * One dream episode that a person (or the controller) plays a step at a time: the same rules as
 * the batched `DreamEnv` — z₀ ~ N(μ, σ²) of a real first frame, M steps with (z_t, a_t) (restart
 * flag on the first step for models that have it), z_{t+1} is sampled at τ, the episode ends when
 * M's done head fires — for one row and with the action chosen outside.
 */
export class InteractiveDream {
  temperature: number;
  private readonly options: InteractiveDreamOptions;
  private z: tf.Tensor2D; // [1, Z]
  private state: MemoryState;
  private first = true;
  steps = 0;
  total = 0;

  constructor(options: InteractiveDreamOptions) {
    if (options.initial.zSize !== options.mdnrnn.config.zSize) throw new Error(`initial latents have z size ${options.initial.zSize}, M has ${options.mdnrnn.config.zSize}`);
    this.options = options;
    this.temperature = options.temperature;
    this.z = this.initialZ();
    this.state = zeroState(1, options.mdnrnn.config.hiddenSize);
  }

  /** The current z [Z]. */
  latent(): Float32Array {
    return Float32Array.from(this.z.dataSync());
  }

  /** The current z [1, Z] and M's state (for the controller; not copies, do not dispose). */
  view(): { z: tf.Tensor2D; h: tf.Tensor2D; c: tf.Tensor2D } {
    return { z: this.z, h: this.state.h, c: this.state.c };
  }

  /** A new episode from a random real first frame. */
  reset(): void {
    this.z.dispose();
    tf.dispose([this.state.h, this.state.c]);
    this.z = this.initialZ();
    this.state = zeroState(1, this.options.mdnrnn.config.hiddenSize);
    this.first = true;
    this.steps = 0;
    this.total = 0;
  }

  /** Advances one step with M's action row (what M was trained on: CarRacing [steer, gas, brake], TakeCover [move]). */
  step(memoryAction: ArrayLike<number>): DreamStep {
    const { mdnrnn, rng } = this.options;
    if (memoryAction.length !== mdnrnn.config.actionSize) throw new Error(`M takes actions of width ${mdnrnn.config.actionSize}, got ${memoryAction.length}`);
    const a = tf.tensor2d(Float32Array.from(memoryAction), [1, mdnrnn.config.actionSize]); // [1, A]
    const restart = this.first && mdnrnn.config.restartInput ? tf.ones([1]) : undefined; // [1]
    this.first = false;
    const out = mdnrnn.step(this.z, a, this.state, restart);
    tf.dispose([a, ...(restart ? [restart] : []), this.state.h, this.state.c]);
    this.state = out.state;
    const next = mdnrnn.sample(out, this.temperature, rng); // [1, Z]
    const reward = this.options.reward === 'head' && out.reward ? out.reward.dataSync()[0]! : 1;
    const done = out.doneLogit ? out.doneLogit.dataSync()[0]! > 0 : false;
    tf.dispose([out.logmix, out.mean, out.logstd, ...(out.doneLogit ? [out.doneLogit] : []), ...(out.reward ? [out.reward] : [])]);
    this.z.dispose();
    this.z = next;
    this.steps++;
    this.total += reward;
    return { z: Float32Array.from(next.dataSync()), reward, done };
  }

  dispose(): void {
    tf.dispose([this.z, this.state.h, this.state.c]);
  }

  /** z₀ ~ N(μ, exp(log σ²)) of one randomly chosen initial latent: [1, Z]. */
  private initialZ(): tf.Tensor2D {
    const { initial, rng } = this.options;
    const Z = initial.zSize;
    const i = rng.int(initial.count);
    const z = new Float32Array(Z);
    for (let d = 0; d < Z; d++) z[d] = initial.mu[i * Z + d]! + Math.exp(0.5 * initial.logvar[i * Z + d]!) * rng.normal();
    return tf.tensor2d(z, [1, Z]);
  }
}
