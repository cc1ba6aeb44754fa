/** Options of the ConvVAE; every field has the reference's default. */
export interface ConvVAEConfig {
  /** Size of the latent z (CarRacing 32, Doom 64). */
  zSize: number;
  /** "Free bits": the per-image KL term is floored at klTolerance · zSize nats (reference 0.5). */
  klTolerance: number;
  /** Weight of the KL term (β-VAE, Higgins et al. 2017); the reference uses 1. */
  beta: number;
  /** Scale of every hidden channel count (1 = the reference; smaller for quick experiments). */
  width: number;
  /** Seed of the weight initialisation and of the default sampling stream. */
  seed: number;
  /** Inverse autoregressive flow steps on top of the Gaussian posterior (Kingma et al. 2016); 0 = the plain VAE. */
  iafSteps: number;
  /** Units of each of the two hidden layers of every IAF step's MADE network. */
  iafHiddenSize: number;
  /** Size of the context vector h the encoder passes to every IAF step. */
  iafContextSize: number;
}

export const DEFAULT_VAE_CONFIG: ConvVAEConfig = {
  zSize: 32,
  klTolerance: 0.5,
  beta: 1,
  width: 1,
  seed: 0,
  iafSteps: 0,
  iafHiddenSize: 64,
  iafContextSize: 32,
};

/** Fills defaults and rejects bad values with an error naming the option. */
export function resolveVAEConfig(options: Partial<ConvVAEConfig> = {}): ConvVAEConfig {
  const config = { ...DEFAULT_VAE_CONFIG, ...options };
  if (!Number.isInteger(config.zSize) || config.zSize < 1) throw new Error(`ConvVAE zSize must be a positive integer, got ${config.zSize}`);
  if (!(config.klTolerance >= 0)) throw new Error(`ConvVAE klTolerance must be >= 0, got ${config.klTolerance}`);
  if (!(config.beta >= 0)) throw new Error(`ConvVAE beta must be >= 0, got ${config.beta}`);
  if (!(config.width > 0)) throw new Error(`ConvVAE width must be > 0, got ${config.width}`);
  if (!Number.isInteger(config.seed)) throw new Error(`ConvVAE seed must be an integer, got ${config.seed}`);
  if (!Number.isInteger(config.iafSteps) || config.iafSteps < 0) throw new Error(`ConvVAE iafSteps must be a non-negative integer, got ${config.iafSteps}`);
  if (!Number.isInteger(config.iafHiddenSize) || config.iafHiddenSize < 1) throw new Error(`ConvVAE iafHiddenSize must be a positive integer, got ${config.iafHiddenSize}`);
  if (!Number.isInteger(config.iafContextSize) || config.iafContextSize < 1) throw new Error(`ConvVAE iafContextSize must be a positive integer, got ${config.iafContextSize}`);
  return config;
}
