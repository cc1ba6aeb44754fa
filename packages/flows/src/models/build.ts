import type { FlowConfig } from './config.js';
import type { FlowModel } from './flow-model.js';
import { buildGlow } from './glow.js';
import { buildRealNVP } from './realnvp.js';

/** Builds the model a config describes (as saved in a checkpoint's metadata). */
export function buildFlow(config: FlowConfig): FlowModel {
  if (config.kind === 'glow') return buildGlow(config);
  if (config.kind === 'realnvp') return buildRealNVP(config);
  throw new Error(`unknown flow kind '${String((config as { kind?: unknown }).kind)}' (expected glow or realnvp)`);
}
