import type { OutputKind } from './output/output-spec.js';

/** Options of the Gated PixelCNN; every field has a default. */
export interface GatedPixelCNNConfig {
  /** [H, W, C] of the images (C = 1 or 3). */
  imageShape: [number, number, number];
  /** F: channels of each stack (a multiple of C for the softmax output). */
  features: number;
  /** Number of gated layers. */
  layers: number;
  /** Odd kernel size of the first layer (van den Oord et al. use 7). */
  firstKernelSize: number;
  /** Odd kernel size of the later layers. */
  kernelSize: number;
  /** Channels of each skip connection (0: none; the head then reads the last horizontal stack). */
  skipChannels: number;
  /** Channels of the hidden 1×1 layer of the output head. */
  headChannels: number;
  /** Residual connections around the horizontal stacks. */
  residual: boolean;
  /** 'softmax' (256 levels per sub-pixel) or 'logistic-mixture' (PixelCNN++). */
  output: OutputKind;
  /** Components of the logistic mixture. */
  mixtureComponents: number;
  /** Length of the conditioning vector h (0: unconditional). */
  conditionSize: number;
  /** Seed of the weight initialisation. */
  seed: number;
}

export const DEFAULT_GATED_CONFIG: GatedPixelCNNConfig = {
  imageShape: [32, 32, 3],
  features: 48,
  layers: 6,
  firstKernelSize: 7,
  kernelSize: 3,
  skipChannels: 48,
  headChannels: 96,
  residual: true,
  output: 'softmax',
  mixtureComponents: 5,
  conditionSize: 0,
  seed: 0,
};

const positiveInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1;
const oddInt = (v: unknown) => positiveInt(v) && (v as number) % 2 === 1;

/** Fills defaults and rejects bad values with an error naming the option. */
export function resolveGatedConfig(options: Partial<GatedPixelCNNConfig> = {}): GatedPixelCNNConfig {
  const c: GatedPixelCNNConfig = { ...DEFAULT_GATED_CONFIG, ...options };
  const shape = c.imageShape;
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every(positiveInt)) throw new Error(`PixelCNN imageShape must be [H, W, C] of positive integers, got ${JSON.stringify(shape)}`);
  if (shape[2] !== 1 && shape[2] !== 3) throw new Error(`PixelCNN images must have 1 or 3 channels, got ${shape[2]}`);
  if (!positiveInt(c.features)) throw new Error(`PixelCNN features must be a positive integer, got ${c.features}`);
  if (!positiveInt(c.layers)) throw new Error(`PixelCNN layers must be a positive integer, got ${c.layers}`);
  if (!oddInt(c.firstKernelSize)) throw new Error(`PixelCNN firstKernelSize must be an odd positive integer, got ${c.firstKernelSize}`);
  if (!oddInt(c.kernelSize)) throw new Error(`PixelCNN kernelSize must be an odd positive integer, got ${c.kernelSize}`);
  if (!Number.isInteger(c.skipChannels) || c.skipChannels < 0) throw new Error(`PixelCNN skipChannels must be an integer >= 0, got ${c.skipChannels}`);
  if (!positiveInt(c.headChannels)) throw new Error(`PixelCNN headChannels must be a positive integer, got ${c.headChannels}`);
  if (c.output !== 'softmax' && c.output !== 'logistic-mixture') throw new Error(`PixelCNN output must be 'softmax' or 'logistic-mixture', got ${String(c.output)}`);
  if (!positiveInt(c.mixtureComponents)) throw new Error(`PixelCNN mixtureComponents must be a positive integer, got ${c.mixtureComponents}`);
  if (!Number.isInteger(c.conditionSize) || c.conditionSize < 0) throw new Error(`PixelCNN conditionSize must be an integer >= 0, got ${c.conditionSize}`);
  if (!Number.isInteger(c.seed)) throw new Error(`PixelCNN seed must be an integer, got ${c.seed}`);
  const groups = c.output === 'softmax' ? shape[2] : 1;
  for (const key of ['features', 'skipChannels', 'headChannels'] as const) {
    if (c[key] % groups !== 0) throw new Error(`PixelCNN ${key} (${c[key]}) must be a multiple of ${groups} so the R→G→B channel masks split it evenly`);
  }
  return { ...c, imageShape: [shape[0], shape[1], shape[2]] };
}
