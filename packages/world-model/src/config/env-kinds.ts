/**
 * The environments the pipeline knows how to run end to end, with what differs between them:
 * the registered env id, how frames are stored, how the controller's output becomes an env
 * action, how that action is fed to M, and where the dream's reward comes from.
 */
export type EnvKind = 'carracing' | 'takecover';

export interface EnvKindInfo {
  kind: EnvKind;
  /** The id registered in @worldmodels/envs. */
  envId: string;
  /** Frame preprocessing for the data set and the agent (the collection's `preprocess`). */
  preprocess: 'reference' | 'none' | 'resize64';
  /** Width of the action M receives. */
  actionSize: number;
  /** Where the dream's reward comes from: M's reward head, or 1 per step survived. */
  dreamReward: 'head' | 'survival';
  /** Paper results in the real env, mean ± std over 100 trials. */
  paper: { system: string; mean: number; std: number }[];
}

export const ENV_KINDS: Record<EnvKind, EnvKindInfo> = {
  carracing: {
    kind: 'carracing',
    envId: 'CarRacing-v0',
    preprocess: 'reference',
    actionSize: 3,
    dreamReward: 'head',
    paper: [
      { system: 'DQN', mean: 343, std: 18 },
      { system: 'A3C (continuous)', mean: 591, std: 45 },
      { system: 'A3C (discrete)', mean: 652, std: 10 },
      { system: 'V only (z)', mean: 632, std: 251 },
      { system: 'V only + hidden layer', mean: 788, std: 141 },
      { system: 'Full world model (z, h)', mean: 906, std: 21 },
    ],
  },
  takecover: {
    kind: 'takecover',
    envId: 'TakeCover-v0',
    preprocess: 'none',
    actionSize: 1,
    dreamReward: 'survival',
    paper: [
      { system: 'Random policy', mean: 210, std: 108 },
      { system: 'World model, dream τ=0.10', mean: 193, std: 58 },
      { system: 'World model, dream τ=0.50', mean: 196, std: 50 },
      { system: 'World model, dream τ=1.00', mean: 868, std: 511 },
      { system: 'World model, dream τ=1.15', mean: 1092, std: 556 },
      { system: 'World model, dream τ=1.30', mean: 753, std: 139 },
    ],
  },
};

/** Accepts the short name or the env id ('carracing', 'CarRacing-v0', 'take-cover', ...). */
export function resolveEnvKind(name: string): EnvKind {
  const key = name.toLowerCase().replace(/[-_ ]/g, '').replace(/v0$/, '');
  if (key === 'carracing') return 'carracing';
  if (key === 'takecover') return 'takecover';
  throw new Error(`unknown env '${name}': the pipeline runs carracing (CarRacing-v0) or takecover (TakeCover-v0)`);
}
