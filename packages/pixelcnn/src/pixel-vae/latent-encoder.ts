import type * as tf from '@tensorflow/tfjs-core';

/**
 * What the PixelVAE needs of an encoder q(z | x): a diagonal Gaussian over z from frames in
 * [0, 1], and its weights for training and checkpoints. {@link ConvEncoder} implements it; so
 * does `@worldmodels/vae`'s ConvVAE through {@link encoderFromConvVAE}.
 */
export interface LatentEncoder {
  readonly zSize: number;
  /** x [B, H, W, C] float32 in [0, 1] → mu, logvar [B, z]. */
  encode(x: tf.Tensor): { mu: tf.Tensor2D; logvar: tf.Tensor2D };
  /** The encoder's variables by name (not copies). */
  getWeights(): Record<string, tf.Variable>;
  /** Assigns every variable from `weights` (names and shapes checked). */
  setWeights(weights: Record<string, tf.Tensor>): void;
  dispose(): void;
}

/** The part of `@worldmodels/vae`'s ConvVAE the adapter uses (structural: no import needed). */
export interface ConvVAELike {
  readonly config: { zSize: number };
  encode(x: tf.Tensor): { mu: tf.Tensor2D; logvar: tf.Tensor2D };
  getWeights(): Record<string, tf.Variable>;
  dispose(): void;
}

/**
 * Uses a ConvVAE's encoder (its `enc_*` variables) as the PixelVAE's encoder, so V's trained
 * encoder can be kept and only its decoder swapped for a PixelCNN. `dispose` frees the whole VAE.
 */
export function encoderFromConvVAE(vae: ConvVAELike): LatentEncoder {
  const encoderWeights = (): Record<string, tf.Variable> => Object.fromEntries(Object.entries(vae.getWeights()).filter(([name]) => name.startsWith('enc_')));
  if (Object.keys(encoderWeights()).length === 0) throw new Error('encoderFromConvVAE: the VAE has no enc_* variables');
  return {
    zSize: vae.config.zSize,
    encode: (x) => vae.encode(x),
    getWeights: encoderWeights,
    setWeights(weights) {
      const own = encoderWeights();
      for (const [name, v] of Object.entries(own)) {
        const t = weights[name];
        if (!t) throw new Error(`ConvVAE encoder: missing variable '${name}'`);
        if (t.shape.join(',') !== v.shape.join(',')) throw new Error(`ConvVAE encoder: variable '${name}' has shape [${t.shape}], expected [${v.shape}]`);
      }
      for (const [name, v] of Object.entries(own)) v.assign(weights[name]!);
    },
    dispose: () => vae.dispose(),
  };
}
