export { TakeCoverEnv, TAKE_COVER_ACTIONS, TAKE_COVER_DOC, takeCoverActionFromScalar, type TakeCoverOptions } from './take-cover-env.js';
export { DEFAULT_TAKE_COVER_CONFIG, type TakeCoverConfig } from './take-cover-config.js';
export type { TakeCoverState, Monster, Fireball, Explosion, Strafe } from './take-cover-sim.js';
export { takeCoverLookAhead, type LookAheadOptions } from './look-ahead-policy.js';
export { takeCoverThreatFeatures, NO_THREAT } from './threat-features.js';
/** The simulator without rendering: a state from a seeded stream, and one tic (returns the damage taken). */
export { newTakeCoverState, stepTakeCover } from './take-cover-sim.js';
