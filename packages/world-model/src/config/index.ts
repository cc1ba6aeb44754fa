export { ENV_KINDS, resolveEnvKind, type EnvKind, type EnvKindInfo } from './env-kinds.js';
export { runConfigSchema, parseRunConfig, type RunConfig, type RunConfigInput, type ControllerConfig, type DeepPartial } from './schema.js';
export { PRESET_NAMES, presetConfig, type PresetName } from './presets.js';
export { resolveRunConfig, deepMerge, type ResolveConfigOptions } from './resolve-config.js';
