import * as tf from '@tensorflow/tfjs-core';
import { ActNorm } from '../layers/actnorm.js';
import { type FlowContext, type FlowLayer, runLayers } from '../layers/flow-layer.js';
import { sampleLatent } from '../layers/split.js';
import { bitsPerDimFromLogProb, postprocessImages, preprocessImages, standardNormalLogProb } from '../likelihood.js';
import type { ParamStore } from '../params.js';
import type { FlowConfig } from './config.js';

export interface FlowCallOptions {
  /** [B, condDim] conditioning vector (required when the flow was built with condDim > 0). */
  cond?: tf.Tensor2D;
}

export interface SampleOptions extends FlowCallOptions {
  /** Scales every prior's standard deviation (0.6–0.8 gives cleaner samples). Default 1. */
  temperature?: number;
  /** Seed of the sampled latents. */
  seed?: number;
}

/**
 * A normalizing flow x ↦ (ε₁, …, ε_top) built as a list of invertible layers, with standard-normal
 * latents: log p(x) = Σ log N(ε; 0, 1) + Σ log|det ∂f/∂x| (Dinh et al. 2017, eq. 3). Works on
 * 8-bit images through n-bit reduction and uniform dequantisation.
 */
export class FlowModel {
  readonly dims: number;
  private readonly seedCounter = { n: 0 };

  constructor(
    readonly config: FlowConfig,
    readonly params: ParamStore,
    readonly layers: readonly FlowLayer[],
    /** Shape [h, w, c] of the top latent. */
    readonly topShape: [number, number, number],
    /** Shapes [h, w, c] of the latents the splits factor out, in forward order. */
    readonly splitShapes: [number, number, number][],
    private readonly disposables: { dispose(): void }[] = [],
  ) {
    const [h, w, c] = config.imageShape;
    this.dims = h * w * c;
  }

  /** The activation normalisation layers (for data-dependent init and its saved flag). */
  actnorms(): ActNorm[] {
    return this.layers.filter((l): l is ActNorm => l instanceof ActNorm);
  }

  /** True once every actnorm has been initialised from data (or restored). */
  get initialized(): boolean {
    return this.actnorms().every((a) => a.initialized);
  }

  set initialized(v: boolean) {
    for (const a of this.actnorms()) a.initialized = v;
  }

  private checkImages(images: tf.Tensor4D, what: string): void {
    const [h, w, c] = this.config.imageShape;
    if (images.rank !== 4 || images.shape[1] !== h || images.shape[2] !== w || images.shape[3] !== c) {
      throw new Error(`${what}: expected images of shape [B, ${h}, ${w}, ${c}], got [${images.shape.join(', ')}]`);
    }
  }

  private checkCond(cond: tf.Tensor2D | undefined, batch: number): void {
    const d = this.config.condDim;
    if (d === 0 && cond) throw new Error('this flow is unconditional (condDim 0) but a conditioning vector was given');
    if (d > 0) {
      if (!cond) throw new Error(`this flow is conditional: pass cond of shape [${batch}, ${d}]`);
      if (cond.rank !== 2 || cond.shape[0] !== batch || cond.shape[1] !== d) {
        throw new Error(`cond must have shape [${batch}, ${d}], got [${cond.shape.join(', ')}]`);
      }
    }
  }

  /**
   * Forward pass on continuous inputs x ([B, H, W, C] in the flow's [−½, ½] space): the latents
   * (split latents in order, then the top one) and Σ log|det| per sample.
   */
  forward(x: tf.Tensor4D, options: FlowCallOptions & { init?: boolean } = {}): { latents: tf.Tensor4D[]; logdet: tf.Tensor1D } {
    this.checkImages(x, 'forward');
    this.checkCond(options.cond, x.shape[0]);
    const ctx: FlowContext = { latents: [], ...(options.cond && { cond: options.cond }), ...(options.init && { init: true }) };
    return tf.tidy(() => {
      const { y, logdet } = runLayers(this.layers, x, tf.zeros([x.shape[0]]), false, ctx);
      return { latents: [...ctx.latents, y], logdet };
    });
  }

  /**
   * Inverse pass: from latents (as {@link forward} returns them; missing trailing split latents
   * and a missing top latent are sampled at `temperature`) back to continuous x.
   */
  reverse(latents: tf.Tensor4D[] | null, options: SampleOptions & { batchSize?: number } = {}): tf.Tensor4D {
    const given = latents ?? [];
    const count = this.splitShapes.length + 1;
    if (given.length !== 0 && given.length !== count) {
      throw new Error(`reverse: the flow has ${count} latents (${this.splitShapes.length} split + top), ${given.length} were given`);
    }
    const batch = given[0]?.shape[0] ?? options.batchSize;
    if (!batch) throw new Error('reverse: give the latents or a batchSize to sample');
    this.checkCond(options.cond, batch);
    const seed = options.seed ?? 0;
    let n = 0;
    const ctx: FlowContext = {
      // Splits pop their latent from the end of this list; with none given they sample.
      latents: given.slice(0, this.splitShapes.length),
      temperature: options.temperature ?? 1,
      batchSize: batch,
      nextSeed: () => (seed * 7919 + n++ * 104729 + 17) % 2147483647,
      ...(options.cond && { cond: options.cond }),
    };
    return tf.tidy(() => {
      const [h, w, c] = this.topShape;
      const top = given.length > 0 ? given[count - 1]! : sampleLatent([batch, h, w, c], ctx); // [B, h, w, c]
      if (top.shape.join(',') !== [batch, h, w, c].join(',')) {
        throw new Error(`reverse: top latent has shape [${top.shape.join(', ')}], expected [${[batch, h, w, c].join(', ')}]`);
      }
      return runLayers(this.layers, top, tf.zeros([batch]), true, ctx).y; // [B, H, W, C]
    });
  }

  /** log p(x) in nats per sample of continuous inputs x. */
  logProb(x: tf.Tensor4D, options: FlowCallOptions = {}): tf.Tensor1D {
    return tf.tidy(() => {
      const { latents, logdet } = this.forward(x, options);
      let lp = logdet;
      for (const eps of latents) lp = tf.add(lp, standardNormalLogProb(eps));
      return lp;
    });
  }

  /**
   * Bits per dimension of 8-bit images (values 0–255) under the model, per sample: reduced to
   * nBits, dequantised with uniform noise from `seed` (bin centres when `seed` is null).
   */
  bitsPerDim(images: tf.Tensor4D, options: FlowCallOptions & { seed?: number | null } = {}): tf.Tensor1D {
    this.checkImages(images, 'bitsPerDim');
    return tf.tidy(() => {
      const x = preprocessImages(images, this.config.nBits, options.seed === null ? undefined : (options.seed ?? 0));
      return bitsPerDimFromLogProb(this.logProb(x, options), this.dims, this.config.nBits);
    });
  }

  /** The training objective: mean bits/dim of a batch (dequantisation noise from `seed`). */
  loss(images: tf.Tensor4D, seed: number, options: FlowCallOptions = {}): tf.Scalar {
    return tf.tidy(() => tf.mean(this.bitsPerDim(images, { ...options, seed })) as tf.Scalar);
  }

  /** Glow's data-dependent initialisation: one forward pass that sets every actnorm from this batch. */
  initialize(images: tf.Tensor4D, options: FlowCallOptions & { seed?: number } = {}): void {
    this.checkImages(images, 'initialize');
    tf.tidy(() => {
      const x = preprocessImages(images, this.config.nBits, options.seed ?? 0);
      const { latents, logdet } = this.forward(x, { ...options, init: true });
      tf.dispose([...latents, logdet]);
    });
  }

  /** Encodes 8-bit images (bin centres, no noise) to their latents. */
  encode(images: tf.Tensor4D, options: FlowCallOptions = {}): tf.Tensor4D[] {
    this.checkImages(images, 'encode');
    return tf.tidy(() => this.forward(preprocessImages(images, this.config.nBits), options).latents);
  }

  /** Decodes latents to 8-bit images (int32 0–255). */
  decode(latents: tf.Tensor4D[], options: FlowCallOptions = {}): tf.Tensor4D {
    return tf.tidy(() => postprocessImages(this.reverse(latents, options), this.config.nBits));
  }

  /** n samples as 8-bit images (int32 0–255), latents drawn at `temperature`. */
  sample(n: number, options: SampleOptions = {}): tf.Tensor4D {
    if (!Number.isInteger(n) || n < 1) throw new Error(`sample: n must be a positive integer, got ${n}`);
    return tf.tidy(() => postprocessImages(this.reverse(null, { ...options, batchSize: n }), this.config.nBits));
  }

  /** Stored values, including the fixed permutation P and sign(s) of each LU 1×1 conv. */
  parameterCount(): number {
    return this.params.count();
  }

  /** Trained values only. */
  trainableParameterCount(): number {
    return this.params.trainable().reduce((n, v) => n + v.size, 0);
  }

  /** Parameters by stable name, for checkpoints. */
  namedVariables(): Record<string, tf.Variable> {
    return this.params.named();
  }

  trainableVariables(): tf.Variable[] {
    return this.params.trainable();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.params.dispose();
  }
}
