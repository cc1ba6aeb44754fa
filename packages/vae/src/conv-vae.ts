import * as tf from '@tensorflow/tfjs-core';
import { loadVariablesModel, saveVariables } from '@worldmodels/core';
import { Rng } from '@worldmodels/core/rng';
import { IMAGE_CHANNELS, IMAGE_SIZE, STRIDE, vaeLayers, vaeVariableNames, vaeVariableShapes, type LayerSpec } from './architecture.js';
import { resolveVAEConfig, type ConvVAEConfig } from './config.js';
import { glorotUniform } from './glorot.js';
import { vaeLossTerms, type VAELossTerms } from './loss.js';
import { decodeReferenceJson, encodeReferenceJson } from '@worldmodels/core';
import { IAFPosterior } from './family/iaf-posterior.js';
import { diagonalGaussianLogDensity, monteCarloLossTerms } from './family/monte-carlo-kl.js';

let instanceCounter = 0;

/**
 * The World Models vision model V: a convolutional VAE (Kingma & Welling 2014) mapping a
 * 64×64×3 frame in [0, 1] to a diagonal Gaussian q(z|x) = N(mu, exp(logvar)) and z back to a frame.
 *
 * Weights are plain `tf.Variable`s named as in the reference (`enc_conv1/kernel`, ...), so the
 * model runs on any tfjs-core backend and saves through core's checkpoint format.
 *
 * ```ts
 * const vae = new ConvVAE({ zSize: 32 });
 * const { mu, logvar } = vae.encode(x); // x: [B, 64, 64, 3]
 * const z = vae.sample(mu, logvar);      // [B, 32]
 * const y = vae.decode(z);               // [B, 64, 64, 3]
 * ```
 */
export class ConvVAE {
  readonly config: ConvVAEConfig;
  /** The default stream for `sample` when no generator is passed. */
  readonly rng: Rng;
  private readonly layers: LayerSpec[];
  /** The inverse autoregressive flow on top of q(z|x) when `iafSteps` > 0, else null. */
  readonly iaf: IAFPosterior | null;
  private readonly variables = new Map<string, tf.Variable>();
  private disposed = false;

  constructor(options: Partial<ConvVAEConfig> = {}) {
    this.config = resolveVAEConfig(options);
    this.layers = vaeLayers(this.config.zSize, this.config.width);
    const init = new Rng(this.config.seed).derive('vae', 'init');
    this.rng = new Rng(this.config.seed).derive('vae', 'sample');
    const prefix = `vae${instanceCounter++}`;
    for (const [name, shape] of Object.entries(vaeVariableShapes(this.config.zSize, this.config.width))) {
      const values = name.endsWith('/kernel') ? glorotUniform(shape, init.derive(name)) : new Float32Array(shape.reduce((a, b) => a * b, 1));
      this.variables.set(name, tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), true, `${prefix}/${name}`)));
    }
    const { iafSteps, iafHiddenSize, iafContextSize, zSize, seed } = this.config;
    this.iaf = iafSteps > 0 ? new IAFPosterior({ latentSize: zSize, featureSize: this.features, steps: iafSteps, hiddenSize: iafHiddenSize, contextSize: iafContextSize, seed }) : null;
  }

  /** Variable names in the reference order (then the IAF's, when present). */
  get variableNames(): string[] {
    return [...vaeVariableNames(this.config.zSize, this.config.width), ...(this.iaf?.names ?? [])];
  }

  /** The trainable variables in the reference order. */
  get trainableVariables(): tf.Variable[] {
    const weights = this.getWeights();
    return this.variableNames.map((n) => weights[n]!);
  }

  /** Total number of parameters (4,348,547 for z = 32; 4,446,915 for z = 64). */
  countParams(): number {
    let n = this.iaf?.countParams() ?? 0;
    for (const v of this.variables.values()) n += v.size;
    return n;
  }

  /** Encoder: x [B, 64, 64, 3] in [0, 1] → mu, logvar [B, z]. */
  encode(x: tf.Tensor): { mu: tf.Tensor2D; logvar: tf.Tensor2D } {
    return tf.tidy(() => {
      const { mu, logvar } = this.encodeFeatures(x);
      return { mu, logvar };
    });
  }

  /**
   * Encoder with the IAF context: x → mu, logvar [B, z] and h [B, iafContextSize] (the context
   * every IAF step is conditioned on). Needs `iafSteps` > 0.
   */
  encodeWithContext(x: tf.Tensor): { mu: tf.Tensor2D; logvar: tf.Tensor2D; context: tf.Tensor2D } {
    const iaf = this.requireIaf('encodeWithContext');
    return tf.tidy(() => {
      const { mu, logvar, features } = this.encodeFeatures(x);
      return { mu, logvar, context: iaf.context(features) };
    });
  }

  /**
   * Reparameterised sample z = mu + exp(logvar / 2) · ε, ε ~ N(0, I) (Kingma & Welling 2014, eq. 10).
   * `rng` (default: the model's stream) seeds the draw, so a seeded run is reproducible.
   */
  sample(mu: tf.Tensor, logvar: tf.Tensor, rng: Rng = this.rng): tf.Tensor2D {
    if (mu.rank !== 2 || !sameShape(mu.shape, logvar.shape)) throw new Error(`ConvVAE.sample needs mu and logvar of the same shape [B, z], got [${mu.shape}] and [${logvar.shape}]`);
    return tf.tidy(() => {
      const eps = tf.randomNormal(mu.shape, 0, 1, 'float32', rng.nextSeed()); // [B, z]
      return tf.add(mu, tf.mul(tf.exp(tf.mul(logvar, 0.5)), eps)) as tf.Tensor2D; // [B, z]
    });
  }

  /** Decoder: z [B, zSize] → frames [B, 64, 64, 3] in (0, 1). */
  decode(z: tf.Tensor): tf.Tensor4D {
    this.checkAlive();
    if (z.rank !== 2 || z.shape[1] !== this.config.zSize) throw new Error(`ConvVAE.decode needs z of shape [B, ${this.config.zSize}], got [${z.shape}]`);
    return tf.tidy(() => {
      const fc = this.dense(this.layerNamed('dec_fc'), z as tf.Tensor2D); // [B, 1024], no activation
      let h = tf.reshape(fc, [-1, 1, 1, this.features]) as tf.Tensor4D; // [B, 1, 1, 1024]
      for (const layer of this.layers.slice(7)) h = this.deconv(layer, h); // → [B, 64, 64, 3]
      return h;
    });
  }

  /** Encode, sample and decode: the VAE's forward pass. */
  forward(x: tf.Tensor, rng: Rng = this.rng): { mu: tf.Tensor2D; logvar: tf.Tensor2D; z: tf.Tensor2D; y: tf.Tensor4D } {
    if (this.iaf) {
      return tf.tidy(() => {
        const { mu, logvar, z, y } = this.forwardIaf(x, rng);
        return { mu, logvar, z, y };
      });
    }
    return tf.tidy(() => {
      const { mu, logvar } = this.encode(x);
      const z = this.sample(mu, logvar, rng);
      return { mu, logvar, z, y: this.decode(z) };
    });
  }

  /**
   * The forward pass through the IAF posterior (needs `iafSteps` > 0): z_0 = mu + σ ⊙ ε, z = IAF(z_0, h),
   * and log q(z|x) = log N(z_0; mu, σ²) − log|det ∂z/∂z_0| per image [B] (Kingma et al. 2016, eq. 6).
   */
  forwardIaf(x: tf.Tensor, rng: Rng = this.rng): { mu: tf.Tensor2D; logvar: tf.Tensor2D; z0: tf.Tensor2D; z: tf.Tensor2D; logq: tf.Tensor1D; y: tf.Tensor4D } {
    const iaf = this.requireIaf('forwardIaf');
    return tf.tidy(() => {
      const { mu, logvar, context } = this.encodeWithContext(x);
      const z0 = this.sample(mu, logvar, rng); // [B, z]
      const { z, logDet } = iaf.forward(z0, context); // [B, z], [B]
      const logq = tf.sub(diagonalGaussianLogDensity(z0, mu, logvar), logDet) as tf.Tensor1D; // [B]
      return { mu, logvar, z0, z, logq, y: this.decode(z) };
    });
  }

  /**
   * Reconstruction without sampling noise: decode(mu), or with an IAF decode(IAF(mu, h)) (the flow
   * applied to the base Gaussian's mean, ε = 0).
   */
  reconstruct(x: tf.Tensor): tf.Tensor4D {
    if (this.iaf) {
      const iaf = this.iaf;
      return tf.tidy(() => {
        const { mu, context } = this.encodeWithContext(x);
        return this.decode(iaf.forward(mu, context).z);
      });
    }
    return tf.tidy(() => this.decode(this.encode(x).mu));
  }

  /**
   * The training loss of a batch (reference vae.py): mean over images of Σ(x − y)² plus
   * β · max(KL(q(z|x) ‖ N(0, I)), klTolerance · z). With an IAF posterior the KL has no closed
   * form and is the single-sample estimate log q(z|x) − log p(z) (see {@link monteCarloLossTerms}).
   */
  loss(x: tf.Tensor, rng: Rng = this.rng): VAELossTerms {
    if (this.iaf) {
      return tf.tidy(() => {
        const { z, logq, y } = this.forwardIaf(x, rng);
        return monteCarloLossTerms(x as tf.Tensor4D, y, z, logq, this.config);
      });
    }
    return tf.tidy(() => {
      const { mu, logvar, y } = this.forward(x, rng);
      return vaeLossTerms(x as tf.Tensor4D, y, mu, logvar, this.config);
    });
  }

  /** The variables by reference name (not copies: do not dispose). */
  getWeights(): Record<string, tf.Variable> {
    const names = vaeVariableNames(this.config.zSize, this.config.width);
    return { ...Object.fromEntries(names.map((n) => [n, this.variable(n)])), ...this.iaf?.getWeights() };
  }

  /** Assigns every variable from `weights` (all names required, shapes checked). */
  setWeights(weights: Record<string, tf.Tensor>): void {
    this.checkAlive();
    const shapes = vaeVariableShapes(this.config.zSize, this.config.width);
    const names = vaeVariableNames(this.config.zSize, this.config.width);
    for (const name of names) {
      const t = weights[name];
      if (!t) throw new Error(`ConvVAE.setWeights: missing variable ${name}`);
      if (!sameShape(t.shape, shapes[name]!)) throw new Error(`ConvVAE.setWeights: ${name} has shape [${t.shape}], expected [${shapes[name]}]`);
    }
    for (const name of this.iaf?.names ?? []) if (!weights[name]) throw new Error(`ConvVAE.setWeights: missing variable ${name} (the model has ${this.config.iafSteps} IAF steps)`);
    this.iaf?.setWeights(weights);
    tf.tidy(() => {
      for (const name of names) this.variable(name).assign(tf.cast(weights[name]!, 'float32'));
    });
  }

  /**
   * Loads the reference's `vae.json`: a JSON list of nested arrays of round(w · 10⁴), one per
   * variable in the reference order. `source` is a file path or the parsed JSON.
   */
  async loadReferenceJson(source: string | unknown): Promise<void> {
    if (this.iaf) throw new Error('ConvVAE.loadReferenceJson: the reference format has no IAF posterior; build the ConvVAE with iafSteps 0');
    const json = typeof source === 'string' ? JSON.parse(await readText(source)) : source;
    const tensors = decodeReferenceJson(json, vaeVariableNames(this.config.zSize, this.config.width), vaeVariableShapes(this.config.zSize, this.config.width), typeof source === 'string' ? source : 'vae.json');
    try {
      this.setWeights(tensors);
    } finally {
      tf.dispose(Object.values(tensors));
    }
  }

  /** The weights in the reference's JSON format (round(w · 10⁴), reference order). */
  toReferenceJson(): number[][] {
    if (this.iaf) throw new Error('ConvVAE.toReferenceJson: the reference format has no IAF posterior (iafSteps > 0)');
    return encodeReferenceJson(this.variableNames.map((n) => this.variable(n)));
  }

  /** Saves config and weights to `dir` with core's checkpoint format (model.json + weights.bin). */
  async save(dir: string): Promise<void> {
    await saveVariables(dir, this.getWeights(), { metadata: { kind: 'ConvVAE', config: { ...this.config } } });
  }

  /** Loads a ConvVAE saved with {@link ConvVAE.save}. */
  static async load(dir: string): Promise<ConvVAE> {
    return loadVariablesModel(dir, 'ConvVAE', 'a ConvVAE', (config: Partial<ConvVAEConfig>) => new ConvVAE(config), (vae, tensors) => vae.setWeights(tensors));
  }

  /** Frees the variables. */
  dispose(): void {
    if (this.disposed) return;
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
    this.iaf?.dispose();
    this.disposed = true;
  }

  /** Width of the flattened encoder output (1024 at width 1). */
  private get features(): number {
    return this.layerNamed('dec_fc').units;
  }

  /** Conv stack and the dense heads: x [B, 64, 64, 3] → mu, logvar [B, z] and the flat features [B, F]. */
  private encodeFeatures(x: tf.Tensor): { mu: tf.Tensor2D; logvar: tf.Tensor2D; features: tf.Tensor2D } {
    this.checkAlive();
    checkFrames(x);
    return tf.tidy(() => {
      let h = x as tf.Tensor4D; // [B, 64, 64, 3]
      for (const layer of this.layers.slice(0, 4)) h = this.conv(layer, h); // → [B, 2, 2, 256]
      const features = tf.reshape(h, [-1, this.features]) as tf.Tensor2D; // [B, 1024] (row-major h, w, c as TF)
      const mu = this.dense(this.layerNamed('enc_fc_mu'), features); // [B, z]
      const logvar = this.dense(this.layerNamed('enc_fc_log_var'), features); // [B, z]
      return { mu, logvar, features };
    });
  }

  private requireIaf(method: string): IAFPosterior {
    this.checkAlive();
    if (!this.iaf) throw new Error(`ConvVAE.${method} needs an IAF posterior: build the ConvVAE with iafSteps > 0`);
    return this.iaf;
  }

  private variable(name: string): tf.Variable {
    const v = this.variables.get(name);
    if (!v) throw new Error(this.disposed ? 'ConvVAE has been disposed' : `ConvVAE has no variable ${name}`);
    return v;
  }

  private layerNamed(name: string): LayerSpec {
    return this.layers.find((l) => l.name === name)!;
  }

  private conv(layer: LayerSpec, x: tf.Tensor4D): tf.Tensor4D {
    const kernel = this.variable(`${layer.name}/kernel`) as tf.Tensor4D;
    const y = tf.conv2d(x, kernel, STRIDE, 'valid'); // [B, H', W', out]
    return activate(tf.add(y, this.variable(`${layer.name}/bias`)), layer.activation) as tf.Tensor4D;
  }

  private deconv(layer: LayerSpec, x: tf.Tensor4D): tf.Tensor4D {
    const kernel = this.variable(`${layer.name}/kernel`) as tf.Tensor4D; // [kh, kw, out, in]
    const size = layer.outSize!;
    const y = tf.conv2dTranspose(x, kernel, [x.shape[0], size, size, layer.units], STRIDE, 'valid'); // [B, size, size, out]
    return activate(tf.add(y, this.variable(`${layer.name}/bias`)), layer.activation) as tf.Tensor4D;
  }

  private dense(layer: LayerSpec, x: tf.Tensor2D): tf.Tensor2D {
    const y = tf.matMul(x, this.variable(`${layer.name}/kernel`) as tf.Tensor2D); // [B, units]
    return activate(tf.add(y, this.variable(`${layer.name}/bias`)), layer.activation) as tf.Tensor2D;
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('ConvVAE has been disposed');
  }
}

function activate(x: tf.Tensor, activation: LayerSpec['activation']): tf.Tensor {
  if (activation === 'relu') return tf.relu(x);
  if (activation === 'sigmoid') return tf.sigmoid(x);
  return x;
}

function checkFrames(x: tf.Tensor): void {
  if (x.rank !== 4 || x.shape[1] !== IMAGE_SIZE || x.shape[2] !== IMAGE_SIZE || x.shape[3] !== IMAGE_CHANNELS) {
    throw new Error(`ConvVAE.encode needs frames of shape [B, ${IMAGE_SIZE}, ${IMAGE_SIZE}, ${IMAGE_CHANNELS}] with values in [0, 1], got [${x.shape}]`);
  }
  if (x.dtype !== 'float32') throw new Error(`ConvVAE.encode needs float32 frames in [0, 1], got ${x.dtype} (divide uint8 frames by 255)`);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

async function readText(path: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read reference weights ${path}: ${(err as Error).message}`);
  }
}
