import * as tf from '@tensorflow/tfjs-core';
import { loadVariablesModel, saveVariables } from '@worldmodels/core';
import { Rng } from '@worldmodels/core/rng';
import type { GatedPixelCNNConfig } from '../config.js';
import { GatedPixelCNN } from '../gated-pixelcnn.js';
import { checkImages } from '../image-input.js';
import { sample, type SampleMethod } from '../sampling/sample.js';
import { ConditionMap, type ConditionMapConfig } from './condition-map.js';
import { ConvEncoder, type ConvEncoderConfig } from './conv-encoder.js';
import type { LatentEncoder } from './latent-encoder.js';

export interface PixelVAEConfig {
  imageShape: [number, number, number];
  zSize: number;
  /** Weight of the KL term (β-VAE). */
  beta: number;
  /** Free bits: the per-image KL is floored at klTolerance · zSize nats (the ConvVAE uses 0.5). */
  klTolerance: number;
  /** Options of the Gated PixelCNN decoder (imageShape and conditionSize are set from above). */
  decoder: Partial<GatedPixelCNNConfig>;
  /** Options of the built-in {@link ConvEncoder} (ignored when an encoder is passed in). */
  encoder: Partial<Omit<ConvEncoderConfig, 'imageShape' | 'zSize'>>;
  /**
   * null (default): z itself is the PixelCNN's conditioning vector, added the same at every
   * position. Otherwise a {@link ConditionMap} turns z into a map [B, H, W, D] (location-dependent
   * conditioning), and the PixelCNN's conditionSize is the map's D.
   */
  conditionMap: Partial<Omit<ConditionMapConfig, 'imageShape' | 'zSize' | 'seed'>> | null;
  seed: number;
}

export type PixelVAELossTerms = {
  /** The training loss: −ELBO with free bits, in bits per dimension, batch mean. */
  loss: tf.Scalar;
  /** −log p(x | z) in bits per dimension (batch mean). */
  bitsPerDim: tf.Scalar;
  /** KL(q(z|x) ‖ N(0, I)) in nats per image (batch mean, before the floor). */
  kl: tf.Scalar;
};

export interface DecodeOptions {
  /** 0 (default): greedy arg-max decoding; 1: a sample from the model. */
  temperature?: number;
  rng?: Rng;
  method?: SampleMethod;
  onRow?: (row: number, rows: number) => void;
}

const DEFAULTS: Omit<PixelVAEConfig, 'imageShape'> = { zSize: 32, beta: 1, klTolerance: 0, decoder: {}, encoder: {}, conditionMap: null, seed: 0 };

/**
 * A VAE with a PixelCNN decoder (PixelVAE, Gulrajani et al. 2017; VLAE, Chen et al. 2017): the
 * encoder's z is the Gated PixelCNN's conditioning vector h, the frame itself is the PixelCNN's
 * input (teacher forcing), and training minimises −ELBO = −log p(x | z) + β · KL(q(z|x) ‖ N(0, I)).
 * Because the autoregressive decoder models local texture itself, z is pushed to carry what it
 * cannot cheaply model — global layout and where the objects are.
 *
 * It has the ConvVAE's shape (`encode`, `sample`, `decode`, `reconstruct`), so a world model can
 * swap it in for V: `encode` gives z for the MDN-RNN, `decode(z)` renders frames in [0, 1].
 */
export class PixelVAE {
  readonly config: PixelVAEConfig;
  readonly encoder: LatentEncoder;
  readonly decoder: GatedPixelCNN;
  /** z → conditioning map of the decoder (null: z is the conditioning vector). */
  readonly conditionMap: ConditionMap | null;
  /** The default stream of the reparameterised z draws. */
  readonly rng: Rng;

  constructor(options: Partial<PixelVAEConfig> & Pick<PixelVAEConfig, 'imageShape'>, encoder?: LatentEncoder) {
    this.config = { ...DEFAULTS, ...options };
    const c = this.config;
    if (!(c.beta >= 0)) throw new Error(`PixelVAE beta must be >= 0, got ${c.beta}`);
    if (!(c.klTolerance >= 0)) throw new Error(`PixelVAE klTolerance must be >= 0, got ${c.klTolerance}`);
    if (encoder && encoder.zSize !== c.zSize) throw new Error(`PixelVAE zSize ${c.zSize} differs from the encoder's ${encoder.zSize}`);
    this.encoder = encoder ?? new ConvEncoder({ ...c.encoder, imageShape: c.imageShape, zSize: c.zSize, seed: c.seed });
    this.conditionMap = c.conditionMap ? new ConditionMap({ ...c.conditionMap, imageShape: c.imageShape, zSize: c.zSize, seed: c.seed }) : null;
    this.decoder = new GatedPixelCNN({ seed: c.seed, ...c.decoder, imageShape: c.imageShape, conditionSize: this.conditionMap ? this.conditionMap.config.channels : c.zSize });
    this.rng = new Rng(c.seed).derive('pixel-vae', 'z');
  }

  get trainableVariables(): tf.Variable[] {
    return [...Object.values(this.encoder.getWeights()), ...Object.values(this.conditionMap?.getWeights() ?? {}), ...this.decoder.trainableVariables];
  }

  /** The decoder's conditioning for z [B, zSize]: z itself, or its map [B, H, W, D]. */
  condition(z: tf.Tensor2D): tf.Tensor2D | tf.Tensor4D {
    return this.conditionMap ? this.conditionMap.apply(z) : z;
  }

  /** All weights, named `encoder/...`, `condition-map/...` (with a map) and `decoder/...` (not copies). */
  getWeights(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    for (const [n, v] of Object.entries(this.encoder.getWeights())) out[`encoder/${n}`] = v;
    for (const [n, v] of Object.entries(this.conditionMap?.getWeights() ?? {})) out[`condition-map/${n}`] = v;
    for (const [n, v] of Object.entries(this.decoder.getWeights())) out[`decoder/${n}`] = v;
    return out;
  }

  setWeights(weights: Record<string, tf.Tensor>): void {
    const part = (prefix: string) => Object.fromEntries(Object.entries(weights).filter(([n]) => n.startsWith(prefix)).map(([n, t]) => [n.slice(prefix.length), t]));
    this.encoder.setWeights(part('encoder/'));
    this.conditionMap?.setWeights(part('condition-map/'));
    this.decoder.setWeights(part('decoder/'));
  }

  /** x [B, H, W, C] float in [0, 1] → q(z | x). */
  encode(x: tf.Tensor): { mu: tf.Tensor2D; logvar: tf.Tensor2D } {
    return this.encoder.encode(x);
  }

  /** Reparameterised z = mu + exp(logvar / 2) · ε (Kingma & Welling 2014, eq. 10). */
  sample(mu: tf.Tensor, logvar: tf.Tensor, rng: Rng = this.rng): tf.Tensor2D {
    if (mu.rank !== 2 || mu.shape.join(',') !== logvar.shape.join(',')) throw new Error(`PixelVAE.sample needs mu and logvar of the same shape [B, z], got [${mu.shape}] and [${logvar.shape}]`);
    return tf.tidy(() => tf.add(mu, tf.mul(tf.exp(tf.mul(logvar, 0.5)), tf.randomNormal(mu.shape as [number, number], 0, 1, 'float32', rng.nextSeed()))) as tf.Tensor2D);
  }

  /**
   * The loss terms of a batch of 8-bit frames x [B, H, W, C] (values 0..255): z ~ q(z | x), the
   * PixelCNN scores x given z with x as its own input, plus the KL to the prior.
   */
  lossTerms(x: tf.Tensor, rng: Rng = this.rng): PixelVAELossTerms {
    checkImages(x, this.config.imageShape, 'PixelVAE.lossTerms');
    const [h, w, ch] = this.config.imageShape;
    const dims = h * w * ch;
    return tf.tidy(() => {
      const { mu, logvar } = this.encode(tf.div(tf.cast(x, 'float32'), 255)); // [B, z]
      const z = this.sample(mu, logvar, rng); // [B, z]
      const nll = this.decoder.nll(x, this.condition(z)); // [B] nats
      const klPer = tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logvar), tf.square(mu)), tf.exp(logvar)), 1)); // [B] nats
      const klFloored = tf.maximum(klPer, this.config.klTolerance * this.config.zSize); // [B]
      const loss = tf.div(tf.mean(tf.add(nll, tf.mul(this.config.beta, klFloored))), dims * Math.LN2) as tf.Scalar;
      return { loss, bitsPerDim: tf.div(tf.mean(nll), dims * Math.LN2) as tf.Scalar, kl: tf.mean(klPer) as tf.Scalar };
    });
  }

  /** Decodes z [B, zSize] to 8-bit frames [B, H, W, C] with the PixelCNN (greedy by default). */
  decodeBytes(z: tf.Tensor, options: DecodeOptions = {}): Uint8Array {
    if (z.rank !== 2 || z.shape[1] !== this.config.zSize) throw new Error(`PixelVAE.decode needs z of shape [B, ${this.config.zSize}], got [${z.shape}]`);
    const cond = this.condition(z as tf.Tensor2D); // [B, zSize] or [B, H, W, D]
    try {
      return sample(this.decoder, { cond, temperature: options.temperature ?? 0, rng: options.rng ?? new Rng(0), ...(options.method && { method: options.method }), ...(options.onRow && { onRow: options.onRow }) });
    } finally {
      if (cond !== z) cond.dispose();
    }
  }

  /** Decodes z [B, zSize] to frames [B, H, W, C] in [0, 1], like ConvVAE.decode (greedy by default). */
  decode(z: tf.Tensor, options: DecodeOptions = {}): tf.Tensor4D {
    const bytes = this.decodeBytes(z, options);
    return tf.tidy(() => tf.div(tf.tensor4d(bytes, [z.shape[0], ...this.config.imageShape], 'int32'), 255) as tf.Tensor4D);
  }

  /** Frames in [0, 1] → decode(mu): the reconstruction through the posterior mean. */
  reconstruct(x: tf.Tensor, options: DecodeOptions = {}): tf.Tensor4D {
    const { mu, logvar } = this.encode(x);
    logvar.dispose();
    try {
      return this.decode(mu, options);
    } finally {
      mu.dispose();
    }
  }

  countParams(): number {
    return Object.values(this.getWeights()).reduce((n, v) => n + v.size, 0);
  }

  /** Saves config and both halves' weights (core's checkpoint format). */
  async save(dir: string): Promise<void> {
    const encoderKind = this.encoder instanceof ConvEncoder ? 'ConvEncoder' : 'external';
    await saveVariables(dir, this.getWeights(), { metadata: { kind: 'PixelVAE', config: this.config, encoderKind } });
  }

  /**
   * Loads a PixelVAE saved with {@link PixelVAE.save}. A model whose encoder came from elsewhere
   * (e.g. a ConvVAE) needs a fresh `encoder` of the same architecture to fill.
   */
  static async load(dir: string, options: { encoder?: LatentEncoder } = {}): Promise<PixelVAE> {
    return loadVariablesModel(
      dir, 'PixelVAE', 'a PixelVAE',
      (config: PixelVAEConfig, metadata) => {
        if (metadata.encoderKind === 'external' && !options.encoder) throw new Error(`checkpoint ${dir} holds a PixelVAE with an external encoder; pass options.encoder to load into`);
        return new PixelVAE(config, options.encoder);
      },
      (model, tensors) => model.setWeights(tensors),
    );
  }

  dispose(): void {
    this.encoder.dispose();
    this.conditionMap?.dispose();
    this.decoder.dispose();
  }
}
