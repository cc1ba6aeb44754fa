export { TakeCoverEnv, TAKE_COVER_ACTIONS, TAKE_COVER_DOC, takeCoverActionFromScalar, type TakeCoverOptions } from './take-cover-env.js';
export { DEFAULT_TAKE_COVER_CONFIG, type TakeCoverConfig } from './take-cover-config.js';
export type { TakeCoverState, Monster, Fireball, Explosion } from './take-cover-sim.js';
