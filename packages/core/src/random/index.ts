export { Rng, categoricalAt, type RngState } from './rng.js';
export { mix32, hashLabel, seedState } from './hash.js';
