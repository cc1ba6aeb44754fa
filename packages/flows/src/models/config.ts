import type { CouplingKind } from '../layers/coupling.js';

/** Which coupling layers use one network: each its own, one per level, or one for the whole flow. */
export type ShareScope = 'none' | 'level' | 'flow';

interface CommonConfig {
  /** Input image [H, W, C]; H and W divisible by 2^levels. */
  imageShape: [number, number, number];
  /** Number of scales L. */
  levels: number;
  /** Hidden width of every coupling network. */
  width: number;
  /** Bits per sub-pixel the model sees (Glow used 5 for CelebA-HQ, 8 for CIFAR-10). */
  nBits: number;
  /** Length of the optional conditioning vector (0: unconditional). */
  condDim: number;
  /** Coupling-network sharing (the shared-coupling experiment). */
  share: ShareScope;
  /** Seed of the initial parameters (1×1 rotations, shuffles, conv kernels). */
  seed: number;
}

/** Glow (Kingma & Dhariwal 2018): squeeze, then L levels of K × (actnorm → 1×1 conv → coupling), splitting between levels. */
export interface GlowConfig extends CommonConfig {
  kind: 'glow';
  /** Flow steps per level K. */
  steps: number;
  coupling: CouplingKind;
  /** Channel mixing before each coupling: the LU 1×1 convolution or a fixed permutation. */
  permutation: 'conv1x1' | 'reverse' | 'shuffle';
}

/**
 * RealNVP (Dinh et al. 2017, §4.1): at each scale but the last, three checkerboard couplings,
 * squeeze, three channel couplings, split; the last scale has four checkerboard couplings.
 * Actnorm stands in for the paper's batch normalisation.
 */
export interface RealNVPConfig extends CommonConfig {
  kind: 'realnvp';
  coupling: CouplingKind;
  actnorm: boolean;
}

export type FlowConfig = GlowConfig | RealNVPConfig;

export const GLOW_DEFAULTS: Omit<GlowConfig, 'imageShape'> = {
  kind: 'glow',
  levels: 3, // L
  steps: 8, // K (32 in the paper's CIFAR-10 model)
  width: 128, // 512 in the paper
  nBits: 8,
  condDim: 0,
  share: 'none',
  seed: 0,
  coupling: 'affine-sigmoid', // 'additive' is the stabler choice
  permutation: 'conv1x1',
};

export const REALNVP_DEFAULTS: Omit<RealNVPConfig, 'imageShape'> = {
  kind: 'realnvp',
  levels: 2,
  width: 64,
  nBits: 8,
  condDim: 0,
  share: 'none',
  seed: 0,
  coupling: 'affine-tanh',
  actnorm: true,
};

/** Fills defaults and checks a config, naming the first problem found. */
export function resolveConfig(config: Partial<FlowConfig> & { kind: 'glow' | 'realnvp'; imageShape: [number, number, number] }): FlowConfig {
  const full = { ...(config.kind === 'glow' ? GLOW_DEFAULTS : REALNVP_DEFAULTS), ...config } as FlowConfig;
  const [h, w, c] = full.imageShape;
  const positive = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new Error(`flow config: ${name} must be a positive integer, got ${v}`);
  };
  positive('imageShape[0]', h);
  positive('imageShape[1]', w);
  positive('imageShape[2]', c);
  positive('levels', full.levels);
  positive('width', full.width);
  if (full.kind === 'glow') positive('steps', full.steps);
  if (!Number.isInteger(full.condDim) || full.condDim < 0) throw new Error(`flow config: condDim must be an integer ≥ 0, got ${full.condDim}`);
  if (!Number.isInteger(full.nBits) || full.nBits < 1 || full.nBits > 8) throw new Error(`flow config: nBits must be 1–8, got ${full.nBits}`);
  // Glow squeezes once per level; RealNVP once per scale but the last.
  const squeezes = full.kind === 'glow' ? full.levels : full.levels - 1;
  const div = 2 ** squeezes;
  if (h % div !== 0 || w % div !== 0) throw new Error(`flow config: image ${h}×${w} must be divisible by 2^${squeezes} = ${div} (one halving per squeeze)`);
  if (!['none', 'level', 'flow'].includes(full.share)) throw new Error(`flow config: share must be none, level or flow, got ${String(full.share)}`);
  if (!['additive', 'affine-sigmoid', 'affine-tanh'].includes(full.coupling)) throw new Error(`flow config: unknown coupling '${String(full.coupling)}'`);
  if (full.kind === 'glow' && !['conv1x1', 'reverse', 'shuffle'].includes(full.permutation)) {
    throw new Error(`flow config: unknown permutation '${String(full.permutation)}'`);
  }
  return full;
}
