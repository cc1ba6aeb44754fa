import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { glorotUniform } from '../glorot.js';
import { madeMasks, madeOrder } from './made.js';

export interface IAFPosteriorOptions {
  /** Size of z (D). */
  latentSize: number;
  /** Width of the encoder features the context is computed from (F). */
  featureSize: number;
  /** Number of IAF steps T (≥ 1). */
  steps: number;
  /** Units of each of the two hidden layers of every MADE network (H). */
  hiddenSize: number;
  /** Size of the context vector h the encoder passes to every step (C). */
  contextSize: number;
  /** Seed of the weight initialisation. */
  seed: number;
}

/**
 * Initial bias of the gate pre-activation s: Kingma et al. (2016, section 4) start s "sufficiently
 * positive, such as close to +1 or +2", so σ = sigmoid(s) ≈ 0.88 and each step begins near the identity.
 */
export const IAF_GATE_BIAS = 2;

let instanceCounter = 0;

/**
 * Inverse autoregressive flow on top of a diagonal Gaussian posterior (Kingma, Salimans, Jozefowicz,
 * Chen, Sutskever & Welling 2016, "Improved Variational Inference with Inverse Autoregressive Flow",
 * Algorithm 1 with the numerically stable LSTM-style update, eqs. 13–14):
 *
 *   z_0 = μ_0 + σ_0 ⊙ ε                           (the encoder's Gaussian)
 *   [m_t, s_t] = MADE_t(z_{t−1}, h)               (autoregressive in z, free in the context h)
 *   σ_t = sigmoid(s_t),  z_t = σ_t ⊙ z_{t−1} + (1 − σ_t) ⊙ m_t
 *   log q(z_T | x) = −Σ_i (½ε_i² + ½ log 2π + log σ_{0,i}) − Σ_t Σ_i log σ_{t,i}
 *
 * The Jacobian of each step is triangular with diagonal σ_t, so its log-determinant is Σ_i log σ_{t,i}.
 * The ordering is reversed between steps, so every dimension can depend on every other after two.
 *
 * Variables (stable names): `iaf/context/{kernel,bias}` [F, C], and for step t
 * `iaf/step{t}/{in,context,hidden,m,s}/...`; the MADE masks are constants.
 */
export class IAFPosterior {
  readonly options: IAFPosteriorOptions;
  private readonly variables = new Map<string, tf.Variable>();
  private readonly masks: { input: tf.Tensor2D; hidden: tf.Tensor2D; output: tf.Tensor2D }[] = [];
  private disposed = false;

  constructor(options: IAFPosteriorOptions) {
    for (const key of ['latentSize', 'featureSize', 'steps', 'hiddenSize', 'contextSize'] as const) {
      if (!Number.isInteger(options[key]) || options[key] < 1) throw new Error(`IAF ${key} must be a positive integer, got ${options[key]}`);
    }
    this.options = { ...options };
    const { latentSize: d, hiddenSize: h } = options;
    const init = new Rng(options.seed).derive('vae', 'iaf-init');
    const prefix = `iaf${instanceCounter++}`;
    for (const [name, shape] of Object.entries(iafVariableShapes(options))) {
      const size = shape.reduce((a, b) => a * b, 1);
      const values = name.endsWith('/kernel') ? glorotUniform(shape, init.derive(name)) : new Float32Array(size);
      if (name.endsWith('/s/bias')) values.fill(IAF_GATE_BIAS);
      this.variables.set(name, tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), true, `${prefix}/${name}`)));
    }
    for (let t = 0; t < options.steps; t++) {
      const m = madeMasks(madeOrder(d, t % 2 === 1), h);
      this.masks.push({ input: tf.tensor2d(m.input, [d, h]), hidden: tf.tensor2d(m.hidden, [h, h]), output: tf.tensor2d(m.output, [h, d]) });
    }
  }

  /** Variable names in creation order. */
  get names(): string[] {
    return [...this.variables.keys()];
  }

  /** The variables by name (not copies: do not dispose). */
  getWeights(): Record<string, tf.Variable> {
    return Object.fromEntries(this.variables);
  }

  countParams(): number {
    let n = 0;
    for (const v of this.variables.values()) n += v.size;
    return n;
  }

  /** The context h = features · W + b, passed to every step: [B, F] → [B, C]. */
  context(features: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.add(tf.matMul(features, this.get('iaf/context/kernel') as tf.Tensor2D), this.get('iaf/context/bias'))) as tf.Tensor2D;
  }

  /** The MADE network of step t: z [B, D], h [B, C] → m, s [B, D]. */
  made(t: number, z: tf.Tensor2D, h: tf.Tensor2D): { m: tf.Tensor2D; s: tf.Tensor2D } {
    this.checkAlive();
    const mask = this.masks[t];
    if (!mask) throw new Error(`IAF has ${this.options.steps} steps, no step ${t}`);
    return tf.tidy(() => {
      const p = (n: string) => this.get(`iaf/step${t}/${n}`);
      const masked = (n: string, m: tf.Tensor2D) => tf.mul(p(`${n}/kernel`), m) as tf.Tensor2D;
      const h1 = tf.relu(tf.add(tf.add(tf.matMul(z, masked('in', mask.input)), tf.matMul(h, p('context/kernel') as tf.Tensor2D)), p('in/bias'))) as tf.Tensor2D; // [B, H]
      const h2 = tf.relu(tf.add(tf.matMul(h1, masked('hidden', mask.hidden)), p('hidden/bias'))) as tf.Tensor2D; // [B, H]
      const m = tf.add(tf.matMul(h2, masked('m', mask.output)), p('m/bias')) as tf.Tensor2D; // [B, D]
      const s = tf.add(tf.matMul(h2, masked('s', mask.output)), p('s/bias')) as tf.Tensor2D; // [B, D]
      return { m, s };
    });
  }

  /** One step: z_t = σ ⊙ z_{t−1} + (1 − σ) ⊙ m, with log σ [B, D] (the log-det terms). */
  step(t: number, z: tf.Tensor2D, h: tf.Tensor2D): { z: tf.Tensor2D; logSigma: tf.Tensor2D } {
    return tf.tidy(() => {
      const { m, s } = this.made(t, z, h);
      const sigma = tf.sigmoid(s); // [B, D]
      const next = tf.add(tf.mul(sigma, z), tf.mul(tf.sub(1, sigma), m)) as tf.Tensor2D; // [B, D]
      // log σ = −softplus(−s), stable for large |s| (tf.logSigmoid's custom gradient loses its saved
      // tensors inside nested tidies, so it is written out here).
      return { z: next, logSigma: tf.neg(tf.softplus(tf.neg(s))) as tf.Tensor2D };
    });
  }

  /**
   * All steps: z_0 [B, D] → z_T [B, D], and logDet [B] = Σ_t Σ_i log σ_{t,i} = log |det ∂z_T/∂z_0|,
   * so log q(z_T|x) = log q(z_0|x) − logDet.
   */
  forward(z0: tf.Tensor2D, h: tf.Tensor2D): { z: tf.Tensor2D; logDet: tf.Tensor1D } {
    this.checkShapes(z0, h);
    return tf.tidy(() => {
      let z = z0;
      let logDet = tf.zeros([z0.shape[0]]) as tf.Tensor1D;
      for (let t = 0; t < this.options.steps; t++) {
        const out = this.step(t, z, h);
        z = out.z;
        logDet = tf.add(logDet, tf.sum(out.logSigma, 1)) as tf.Tensor1D;
      }
      return { z, logDet };
    });
  }

  /**
   * Inverts {@link forward}: z_T → z_0. Each step is inverted dimension by dimension along its
   * ordering (D passes; pass p makes position p exact), so it costs D times the forward pass: for
   * checks and analysis, not training.
   */
  inverse(zT: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
    this.checkShapes(zT, h);
    return tf.tidy(() => {
      let z = zT;
      for (let t = this.options.steps - 1; t >= 0; t--) {
        const target = z;
        let guess = target;
        for (let pass = 0; pass < this.options.latentSize; pass++) {
          const { m, s } = this.made(t, guess, h);
          const sigma = tf.sigmoid(s);
          guess = tf.div(tf.sub(target, tf.mul(tf.sub(1, sigma), m)), sigma) as tf.Tensor2D; // z_{t−1} = (z_t − (1 − σ) m) / σ
        }
        z = guess;
      }
      return z;
    });
  }

  /** Assigns every variable from `weights` (names as {@link names}, shapes checked). */
  setWeights(weights: Record<string, tf.Tensor>): void {
    this.checkAlive();
    const shapes = iafVariableShapes(this.options);
    for (const name of this.names) {
      const t = weights[name];
      if (!t) throw new Error(`IAF setWeights: missing variable ${name}`);
      if (t.shape.join(',') !== shapes[name]!.join(',')) throw new Error(`IAF setWeights: ${name} has shape [${t.shape}], expected [${shapes[name]}]`);
    }
    tf.tidy(() => {
      for (const name of this.names) this.get(name).assign(tf.cast(weights[name]!, 'float32'));
    });
  }

  dispose(): void {
    if (this.disposed) return;
    for (const v of this.variables.values()) v.dispose();
    for (const m of this.masks) tf.dispose([m.input, m.hidden, m.output]);
    this.variables.clear();
    this.disposed = true;
  }

  private get(name: string): tf.Variable {
    const v = this.variables.get(name);
    if (!v) throw new Error(this.disposed ? 'IAF posterior has been disposed' : `IAF posterior has no variable ${name}`);
    return v;
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('IAF posterior has been disposed');
  }

  private checkShapes(z: tf.Tensor, h: tf.Tensor): void {
    const { latentSize, contextSize } = this.options;
    if (z.rank !== 2 || z.shape[1] !== latentSize) throw new Error(`IAF needs z of shape [B, ${latentSize}], got [${z.shape}]`);
    if (h.rank !== 2 || h.shape[1] !== contextSize || h.shape[0] !== z.shape[0]) throw new Error(`IAF needs a context of shape [${z.shape[0]}, ${contextSize}], got [${h.shape}]`);
  }
}

/** Shape of every IAF variable by name, in creation order. */
export function iafVariableShapes(o: Pick<IAFPosteriorOptions, 'latentSize' | 'featureSize' | 'steps' | 'hiddenSize' | 'contextSize'>): Record<string, number[]> {
  const { latentSize: d, featureSize: f, hiddenSize: h, contextSize: c } = o;
  const shapes: Record<string, number[]> = { 'iaf/context/kernel': [f, c], 'iaf/context/bias': [c] };
  for (let t = 0; t < o.steps; t++) {
    const s = `iaf/step${t}`;
    Object.assign(shapes, {
      [`${s}/in/kernel`]: [d, h],
      [`${s}/in/bias`]: [h],
      [`${s}/context/kernel`]: [c, h],
      [`${s}/hidden/kernel`]: [h, h],
      [`${s}/hidden/bias`]: [h],
      [`${s}/m/kernel`]: [h, d],
      [`${s}/m/bias`]: [d],
      [`${s}/s/kernel`]: [h, d],
      [`${s}/s/bias`]: [d],
    });
  }
  return shapes;
}
