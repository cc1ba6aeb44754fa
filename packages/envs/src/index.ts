export { Box, Discrete, type Space, type BoxOptions, type BoxDtype } from './spaces.js';
export type { Env, EnvDoc, Info, ResetResult, StepResult, RenderFrame, RenderMode } from './env.js';
export { checkBoxAction, checkDiscreteAction, EpisodeState } from './action-check.js';
export { register, make, listEnvs, envDoc, type EnvFactory } from './registry.js';
export { checkEnv, type CheckEnvOptions } from './check-env.js';
export * from './wrappers/index.js';
export { RgbCanvas, glChannel } from './render/raster.js';
export { resizeBilinear } from './render/resample.js';
export * from './carracing/index.js';
// TODO: once envs-games lands them:
export * from './pong/index.js';
export * from './takecover/index.js';
// export * from './collect/index.js';
