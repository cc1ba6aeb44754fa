import * as tf from '@tensorflow/tfjs-core';
import { loadVariablesModel, saveVariables } from '@worldmodels/core';
import { Rng } from '@worldmodels/core/rng';
import { glorotUniform } from '../glorot.js';
import { diagonalGaussianKl } from './gaussian-kl.js';

/** Options of the {@link FramePredictor}. */
export interface FramePredictorConfig {
  /** Side S of the square frames (a multiple of 8). */
  frameSize: number;
  /** Colour channels per frame. */
  channels: number;
  /** Past frames k the prediction is conditioned on (stacked along channels, oldest first). */
  pastFrames: number;
  /** Width of the action vector (one-hot for a discrete action space). */
  actionSize: number;
  /** Size of the latent z; 0 makes the deterministic regressor (the same net without z). */
  zSize: number;
  /** Channels of the first conv layer (c); deeper layers use 2c. */
  width: number;
  /** Units of the dense layers (H). */
  hiddenSize: number;
  /** Weight of the KL term. */
  beta: number;
  /** Free bits: the per-example KL is floored at klTolerance · zSize nats (0 = none), as ConvVAE's option. */
  klTolerance: number;
  /** Seed of the weight initialisation and of the default sampling stream. */
  seed: number;
}

export const DEFAULT_FRAME_PREDICTOR_CONFIG: FramePredictorConfig = {
  frameSize: 32,
  channels: 3,
  pastFrames: 2,
  actionSize: 3,
  zSize: 8,
  width: 32,
  hiddenSize: 256,
  beta: 1,
  klTolerance: 0,
  seed: 0,
};

/** Fills defaults and rejects bad values with an error naming the option. */
export function resolveFramePredictorConfig(options: Partial<FramePredictorConfig> = {}): FramePredictorConfig {
  const c = { ...DEFAULT_FRAME_PREDICTOR_CONFIG, ...options };
  for (const key of ['frameSize', 'channels', 'pastFrames', 'actionSize', 'width', 'hiddenSize'] as const) {
    if (!Number.isInteger(c[key]) || c[key] < 1) throw new Error(`FramePredictor ${key} must be a positive integer, got ${c[key]}`);
  }
  if (c.frameSize % 8 !== 0) throw new Error(`FramePredictor frameSize must be a multiple of 8 (three stride-2 layers), got ${c.frameSize}`);
  if (!Number.isInteger(c.zSize) || c.zSize < 0) throw new Error(`FramePredictor zSize must be a non-negative integer (0 = deterministic regressor), got ${c.zSize}`);
  if (!(c.beta >= 0)) throw new Error(`FramePredictor beta must be >= 0, got ${c.beta}`);
  if (!(c.klTolerance >= 0)) throw new Error(`FramePredictor klTolerance must be >= 0, got ${c.klTolerance}`);
  if (!Number.isInteger(c.seed)) throw new Error(`FramePredictor seed must be an integer, got ${c.seed}`);
  return c;
}

/** Shape of every variable by name, in creation order. */
export function framePredictorShapes(config: FramePredictorConfig): Record<string, number[]> {
  const { frameSize: s, channels: ch, pastFrames: k, actionSize: a, zSize: z, width: c, hiddenSize: h } = config;
  const flat = (s / 8) * (s / 8) * 2 * c;
  // Inputs that a concatenation would join get their own kernel block instead (W·[a, b] = W_a·a + W_b·b):
  // the same parameters, and no channel concat in the forward or backward pass.
  const conv = (prefix: string, extraInput: Record<string, number[]>) => ({
    [`${prefix}/conv1/kernel`]: [4, 4, ch * k, c], ...extraInput, [`${prefix}/conv1/bias`]: [c],
    [`${prefix}/conv2/kernel`]: [4, 4, c, 2 * c], [`${prefix}/conv2/bias`]: [2 * c],
    [`${prefix}/conv3/kernel`]: [4, 4, 2 * c, 2 * c], [`${prefix}/conv3/bias`]: [2 * c],
    [`${prefix}/fc/kernel`]: [flat, h], [`${prefix}/fc/action`]: [a, h], [`${prefix}/fc/bias`]: [h],
  });
  const shapes: Record<string, number[]> = { ...conv('past', {}) };
  if (z > 0) {
    Object.assign(shapes, conv('posterior', { 'posterior/conv1/next': [4, 4, ch, c] }), {
      'posterior/mu/kernel': [h, z], 'posterior/mu/bias': [z], 'posterior/logvar/kernel': [h, z], 'posterior/logvar/bias': [z],
      'prior/fc/kernel': [h, h], 'prior/fc/bias': [h],
      'prior/mu/kernel': [h, z], 'prior/mu/bias': [z], 'prior/logvar/kernel': [h, z], 'prior/logvar/bias': [z],
    });
  }
  Object.assign(shapes, {
    'decoder/fc/kernel': [h, flat], ...(z > 0 && { 'decoder/fc/latent': [z, flat] }), 'decoder/fc/bias': [flat],
    // [kh, kw, out, in]: `kernel` for the map from below, `skip` for the past encoder's map of that size
    'decoder/deconv1/kernel': [4, 4, 2 * c, 2 * c], 'decoder/deconv1/skip': [4, 4, 2 * c, 2 * c], 'decoder/deconv1/bias': [2 * c],
    'decoder/deconv2/kernel': [4, 4, c, 2 * c], 'decoder/deconv2/skip': [4, 4, c, 2 * c], 'decoder/deconv2/bias': [c],
    'decoder/deconv3/kernel': [4, 4, ch, c], 'decoder/deconv3/skip': [4, 4, ch, c], 'decoder/deconv3/bias': [ch],
  });
  return shapes;
}

/** What the past-frame encoder passes on: the dense code and the three feature maps for the skips. */
export interface PastEncoding {
  h: tf.Tensor2D; // [B, H]
  skips: [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D]; // [B, S/2, S/2, c], [B, S/4, S/4, 2c], [B, S/8, S/8, 2c]
}

/** Loss values of one batch. */
export interface FramePredictorLossTerms {
  /** reconstruction + β · kl. */
  loss: tf.Scalar;
  /** Batch mean of the per-frame sum of squared errors of the predicted next frame. */
  reconstruction: tf.Scalar;
  /** Batch mean of the per-example KL after the free-bits floor; 0 for the regressor. */
  kl: tf.Scalar;
  /** Batch mean of KL(q(z|past, a, next) ‖ p(z|past, a)) before the floor. */
  rawKl: tf.Scalar;
}

let instanceCounter = 0;

/**
 * Next-frame prediction with a conditional VAE (Sohn, Lee & Yan 2015, "Learning Structured Output
 * Representation using Deep Conditional Generative Models", eqs. 4–5; the stochastic video
 * prediction setting of SV2P, Babaeizadeh et al. 2018): given the last k frames and the action,
 * the latent z carries what the past does not determine.
 *
 *   prior      p(z | past, a)        = N(μ_p, σ_p²)    dense head on the past encoding
 *   posterior  q(z | past, a, next)  = N(μ_q, σ_q²)    its own conv encoder on past + next frame
 *   decoder    p(next | past, a, z)                     deconvs with skips from the past encoder
 *   loss = Σ (next − ŷ)² + β · max(KL(q ‖ p), klTolerance · z)   (ŷ decoded from z ~ q; KL analytic;
 *          the optional free-bits floor per example keeps the posterior from collapsing onto the prior early on)
 *
 * At test time z is drawn from the prior, so different draws give different futures. With
 * `zSize: 0` it is the deterministic regressor baseline: the same encoder and decoder, no z.
 * Frames are float32 in [0, 1]: past [B, S, S, k·C] (oldest first), next [B, S, S, C]; actions [B, A].
 */
export class FramePredictor {
  readonly config: FramePredictorConfig;
  readonly rng: Rng;
  private readonly variables = new Map<string, tf.Variable>();
  private disposed = false;

  constructor(options: Partial<FramePredictorConfig> = {}) {
    this.config = resolveFramePredictorConfig(options);
    const init = new Rng(this.config.seed).derive('frame-predictor', 'init');
    this.rng = new Rng(this.config.seed).derive('frame-predictor', 'sample');
    const prefix = `framepredictor${instanceCounter++}`;
    for (const [name, shape] of Object.entries(framePredictorShapes(this.config))) {
      // Every weight block (kernel, and the action / latent / skip / next-frame blocks) is Glorot uniform; biases are 0.
      const values = name.endsWith('/bias') ? new Float32Array(shape.reduce((a, b) => a * b, 1)) : glorotUniform(shape, init.derive(name));
      this.variables.set(name, tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), true, `${prefix}/${name}`)));
    }
  }

  get stochastic(): boolean {
    return this.config.zSize > 0;
  }

  get variableNames(): string[] {
    return [...this.variables.keys()];
  }

  get trainableVariables(): tf.Variable[] {
    return [...this.variables.values()];
  }

  countParams(): number {
    let n = 0;
    for (const v of this.variables.values()) n += v.size;
    return n;
  }

  /** Past frames and action → the dense code h [B, H] and the skip feature maps. */
  encodePast(past: tf.Tensor4D, action: tf.Tensor2D): PastEncoding {
    this.checkInputs(past, action);
    return tf.tidy(() => {
      const f1 = this.conv('past/conv1', past); // [B, S/2, S/2, c]
      const f2 = this.conv('past/conv2', f1); // [B, S/4, S/4, 2c]
      const f3 = this.conv('past/conv3', f2); // [B, S/8, S/8, 2c]
      const h = tf.relu(this.denseWithAction('past/fc', tf.reshape(f3, [f3.shape[0], -1]) as tf.Tensor2D, action)); // [B, H]
      return { h, skips: [f1, f2, f3] as PastEncoding['skips'] };
    });
  }

  /** p(z | past, a): mean and log-variance [B, z] from the past code h. */
  prior(h: tf.Tensor2D): { mu: tf.Tensor2D; logvar: tf.Tensor2D } {
    this.requireLatent('prior');
    return tf.tidy(() => {
      const g = tf.relu(this.dense('prior/fc', h)) as tf.Tensor2D; // [B, H]
      return { mu: this.dense('prior/mu', g), logvar: this.dense('prior/logvar', g) };
    });
  }

  /** q(z | past, a, next): mean and log-variance [B, z]. */
  posterior(past: tf.Tensor4D, action: tf.Tensor2D, next: tf.Tensor4D): { mu: tf.Tensor2D; logvar: tf.Tensor2D } {
    this.requireLatent('posterior');
    this.checkInputs(past, action);
    this.checkNext(next, past.shape[0]);
    return tf.tidy(() => {
      // conv1 over the channel concat [past, next], written as two convolutions summed.
      const first = tf.add(tf.conv2d(past, this.v('posterior/conv1/kernel') as tf.Tensor4D, 2, 'same'), tf.conv2d(next, this.v('posterior/conv1/next') as tf.Tensor4D, 2, 'same'));
      let f = tf.relu(tf.add(first, this.v('posterior/conv1/bias'))) as tf.Tensor4D; // [B, S/2, S/2, c]
      for (const layer of ['conv2', 'conv3']) f = this.conv(`posterior/${layer}`, f); // → [B, S/8, S/8, 2c]
      const g = tf.relu(this.denseWithAction('posterior/fc', tf.reshape(f, [f.shape[0], -1]) as tf.Tensor2D, action)); // [B, H]
      return { mu: this.dense('posterior/mu', g), logvar: this.dense('posterior/logvar', g) };
    });
  }

  /** p(next | past, a, z): the predicted next frame [B, S, S, C] in (0, 1); `z` is null for the regressor. */
  decode(past: PastEncoding, z: tf.Tensor2D | null): tf.Tensor4D {
    this.checkAlive();
    const { zSize, frameSize: s, width: c } = this.config;
    if (zSize > 0 && (!z || z.rank !== 2 || z.shape[1] !== zSize || z.shape[0] !== past.h.shape[0])) {
      throw new Error(`FramePredictor.decode needs z of shape [${past.h.shape[0]}, ${zSize}], got ${z ? `[${z.shape}]` : 'none'}`);
    }
    return tf.tidy(() => {
      const b = past.h.shape[0];
      let pre = tf.matMul(past.h, this.v('decoder/fc/kernel') as tf.Tensor2D); // [B, flat] from [h, z] · W as two blocks
      if (zSize > 0) pre = tf.add(pre, tf.matMul(z!, this.v('decoder/fc/latent') as tf.Tensor2D));
      const g = tf.reshape(tf.relu(tf.add(pre, this.v('decoder/fc/bias'))), [b, s / 8, s / 8, 2 * c]) as tf.Tensor4D; // [B, S/8, S/8, 2c]
      const [f1, f2, f3] = past.skips;
      const u1 = tf.relu(this.deconv('decoder/deconv1', g, f3, s / 4)) as tf.Tensor4D; // [B, S/4, S/4, 2c]
      const u2 = tf.relu(this.deconv('decoder/deconv2', u1, f2, s / 2)) as tf.Tensor4D; // [B, S/2, S/2, c]
      return tf.sigmoid(this.deconv('decoder/deconv3', u2, f1, s)) as tf.Tensor4D; // [B, S, S, C]
    });
  }

  /**
   * A predicted next frame [B, S, S, C]: z ~ p(z | past, a) drawn with `rng` (the model's stream by
   * default), or the given `z`; the regressor's single prediction when zSize is 0.
   */
  predict(past: tf.Tensor4D, action: tf.Tensor2D, options: { rng?: Rng; z?: tf.Tensor2D } = {}): tf.Tensor4D {
    return tf.tidy(() => {
      const enc = this.encodePast(past, action);
      if (!this.stochastic) return this.decode(enc, null);
      if (options.z) return this.decode(enc, options.z);
      const { mu, logvar } = this.prior(enc.h);
      return this.decode(enc, reparameterise(mu, logvar, options.rng ?? this.rng));
    });
  }

  /** The training loss of a batch (see the class comment); z ~ q uses `rng`. */
  loss(past: tf.Tensor4D, action: tf.Tensor2D, next: tf.Tensor4D, rng: Rng = this.rng): FramePredictorLossTerms {
    this.checkNext(next, past.shape[0]);
    return tf.tidy(() => {
      const enc = this.encodePast(past, action);
      let z: tf.Tensor2D | null = null;
      let kl = tf.scalar(0);
      let rawKl = tf.scalar(0);
      if (this.stochastic) {
        const q = this.posterior(past, action, next);
        const p = this.prior(enc.h);
        z = reparameterise(q.mu, q.logvar, rng);
        const perExample = diagonalGaussianKl(q.mu, q.logvar, p.mu, p.logvar); // [B]
        rawKl = tf.mean(perExample);
        kl = tf.mean(tf.maximum(perExample, this.config.klTolerance * this.config.zSize));
      }
      const y = this.decode(enc, z);
      const reconstruction = tf.mean(tf.sum(tf.squaredDifference(next, y), [1, 2, 3])) as tf.Scalar;
      return { loss: tf.add(reconstruction, tf.mul(this.config.beta, kl)) as tf.Scalar, reconstruction, kl: kl as tf.Scalar, rawKl: rawKl as tf.Scalar };
    });
  }

  getWeights(): Record<string, tf.Variable> {
    this.checkAlive();
    return Object.fromEntries(this.variables);
  }

  setWeights(weights: Record<string, tf.Tensor>): void {
    this.checkAlive();
    const shapes = framePredictorShapes(this.config);
    for (const [name, shape] of Object.entries(shapes)) {
      const t = weights[name];
      if (!t) throw new Error(`FramePredictor.setWeights: missing variable ${name}`);
      if (t.shape.join(',') !== shape.join(',')) throw new Error(`FramePredictor.setWeights: ${name} has shape [${t.shape}], expected [${shape}]`);
    }
    tf.tidy(() => {
      for (const name of Object.keys(shapes)) this.variables.get(name)!.assign(tf.cast(weights[name]!, 'float32'));
    });
  }

  /** Saves config and weights with core's checkpoint format. */
  async save(dir: string): Promise<void> {
    await saveVariables(dir, this.getWeights(), { metadata: { kind: 'FramePredictor', config: { ...this.config } } });
  }

  static async load(dir: string): Promise<FramePredictor> {
    return loadVariablesModel(dir, 'FramePredictor', 'a FramePredictor', (config: Partial<FramePredictorConfig>) => new FramePredictor(config), (m, t) => m.setWeights(t));
  }

  dispose(): void {
    if (this.disposed) return;
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
    this.disposed = true;
  }

  private v(name: string): tf.Variable {
    const v = this.variables.get(name);
    if (!v) throw new Error(this.disposed ? 'FramePredictor has been disposed' : `FramePredictor has no variable ${name}`);
    return v;
  }

  private conv(name: string, x: tf.Tensor4D): tf.Tensor4D {
    return tf.relu(tf.add(tf.conv2d(x, this.v(`${name}/kernel`) as tf.Tensor4D, 2, 'same'), this.v(`${name}/bias`))) as tf.Tensor4D;
  }

  /** Transposed conv of the channel concat [x, skip], as the sum of one transposed conv per block. */
  private deconv(name: string, x: tf.Tensor4D, skip: tf.Tensor4D, size: number): tf.Tensor4D {
    const kernel = this.v(`${name}/kernel`) as tf.Tensor4D; // [4, 4, out, in]
    const shape: [number, number, number, number] = [x.shape[0], size, size, kernel.shape[2]];
    const y = tf.add(tf.conv2dTranspose(x, kernel, shape, 2, 'same'), tf.conv2dTranspose(skip, this.v(`${name}/skip`) as tf.Tensor4D, shape, 2, 'same'));
    return tf.add(y, this.v(`${name}/bias`)) as tf.Tensor4D;
  }

  /** Dense layer over [x, action] as two blocks: x · W + action · W_a + b. */
  private denseWithAction(name: string, x: tf.Tensor2D, action: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.add(tf.matMul(x, this.v(`${name}/kernel`) as tf.Tensor2D), tf.matMul(action, this.v(`${name}/action`) as tf.Tensor2D)), this.v(`${name}/bias`)) as tf.Tensor2D;
  }

  private dense(name: string, x: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(x, this.v(`${name}/kernel`) as tf.Tensor2D), this.v(`${name}/bias`)) as tf.Tensor2D;
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('FramePredictor has been disposed');
  }

  private requireLatent(method: string): void {
    this.checkAlive();
    if (!this.stochastic) throw new Error(`FramePredictor.${method}: this is the deterministic regressor (zSize 0); it has no latent`);
  }

  private checkInputs(past: tf.Tensor, action: tf.Tensor): void {
    this.checkAlive();
    const { frameSize: s, channels, pastFrames, actionSize } = this.config;
    if (past.rank !== 4 || past.shape[1] !== s || past.shape[2] !== s || past.shape[3] !== channels * pastFrames || past.dtype !== 'float32') {
      throw new Error(`FramePredictor needs past frames float32 [B, ${s}, ${s}, ${channels * pastFrames}] (${pastFrames} frames of ${channels} channels stacked), got ${past.dtype} [${past.shape}]`);
    }
    if (action.rank !== 2 || action.shape[0] !== past.shape[0] || action.shape[1] !== actionSize) {
      throw new Error(`FramePredictor needs actions of shape [${past.shape[0]}, ${actionSize}], got [${action.shape}]`);
    }
  }

  private checkNext(next: tf.Tensor, batch: number): void {
    const { frameSize: s, channels } = this.config;
    if (next.rank !== 4 || next.shape[0] !== batch || next.shape[1] !== s || next.shape[2] !== s || next.shape[3] !== channels) {
      throw new Error(`FramePredictor needs next frames of shape [${batch}, ${s}, ${s}, ${channels}], got [${next.shape}]`);
    }
  }
}

/** z = μ + exp(logvar / 2) ⊙ ε, ε ~ N(0, I) seeded by `rng` (Kingma & Welling 2014, eq. 10). */
function reparameterise(mu: tf.Tensor2D, logvar: tf.Tensor2D, rng: Rng): tf.Tensor2D {
  return tf.tidy(() => tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logvar)), tf.randomNormal(mu.shape, 0, 1, 'float32', rng.nextSeed()))) as tf.Tensor2D);
}
