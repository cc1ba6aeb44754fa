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
}

export const DEFAULT_VAE_CONFIG: ConvVAEConfig = {
  zSize: 32,
  klTolerance: 0.5,
  beta: 1,
  width: 1,
  seed: 0,
};

/** Fills defaults and rejects bad values with an error naming the option. */
export function resolveVAEConfig(options: Partial<ConvVAEConfig> = {}): ConvVAEConfig {
  const config = { ...DEFAULT_VAE_CONFIG, ...options };
  if (!Number.isInteger(config.zSize) || config.zSize < 1) throw new Error(`ConvVAE zSize must be a positive integer, got ${config.zSize}`);
  if (!(config.klTolerance >= 0)) throw new Error(`ConvVAE klTolerance must be >= 0, got ${config.klTolerance}`);
  if (!(config.beta >= 0)) throw new Error(`ConvVAE beta must be >= 0, got ${config.beta}`);
  if (!(config.width > 0)) throw new Error(`ConvVAE width must be > 0, got ${config.width}`);
  if (!Number.isInteger(config.seed)) throw new Error(`ConvVAE seed must be an integer, got ${config.seed}`);
  return config;
}
