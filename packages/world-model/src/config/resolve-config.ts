import { readJsonFile } from '@worldmodels/core/dataset';
import { resolveEnvKind, type EnvKind } from './env-kinds.js';
import { PRESET_NAMES, presetConfig, type PresetName } from './presets.js';
import { parseRunConfig, type RunConfig, type RunConfigInput } from './schema.js';

export interface ResolveConfigOptions {
  /** 'carracing' | 'takecover' (or the env id). */
  env: string;
  /** Preset the config starts from (default 'tiny'). */
  preset?: string;
  /** A config file (JSON) or its parsed content, merged over the preset. */
  file?: string | RunConfigInput;
  /** Last word: merged over the file (e.g. from command-line flags). */
  overrides?: RunConfigInput;
}

/**
 * The run config: the paper's sizes for the env, then the preset, then the config file, then
 * overrides, deep-merged in that order and validated as a whole.
 */
export async function resolveRunConfig(options: ResolveConfigOptions): Promise<RunConfig> {
  const env: EnvKind = resolveEnvKind(options.env);
  const preset = options.preset ?? 'tiny';
  if (!PRESET_NAMES.includes(preset as PresetName)) throw new Error(`unknown preset '${preset}'; use ${PRESET_NAMES.join(', ')}`);
  const { base, overrides } = presetConfig(env, preset as PresetName);
  let merged: unknown = deepMerge(base, overrides);
  let source = `${preset} preset`;
  if (options.file !== undefined) {
    const fileConfig = typeof options.file === 'string' ? await readJsonFile(options.file, 'config file') : options.file;
    if (fileConfig === null || typeof fileConfig !== 'object' || Array.isArray(fileConfig)) {
      throw new Error(`config file ${typeof options.file === 'string' ? options.file : ''} must hold a JSON object`);
    }
    const fileEnv = (fileConfig as { env?: unknown }).env;
    if (fileEnv !== undefined && (typeof fileEnv !== 'string' || resolveEnvKind(fileEnv) !== env)) {
      throw new Error(`config file is for env ${JSON.stringify(fileEnv)}, but the command asked for ${env}`);
    }
    merged = deepMerge(merged, { ...(fileConfig as object), env });
    source = typeof options.file === 'string' ? `config ${options.file} (over the ${preset} preset)` : `config (over the ${preset} preset)`;
  }
  if (options.overrides) merged = deepMerge(merged, options.overrides);
  return parseRunConfig(merged, source);
}

/** Plain-object deep merge: objects merge key by key, anything else (arrays included) replaces. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    out[key] = key in base ? deepMerge(base[key], value) : value;
  }
  return out;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}
