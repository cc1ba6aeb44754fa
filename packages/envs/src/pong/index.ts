export { PongEnv, PONG_ACTIONS, PONG_DOC, type PongOptions } from './pong-env.js';
export type { PongState } from './pong-physics.js';
