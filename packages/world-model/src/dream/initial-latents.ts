/**
 * Starting points of dream episodes: (mu, logvar) of first frames of real episodes, as V encoded
 * them (the Doom reference's `initial_z`). A dream episode starts from z ~ N(mu, exp(logvar)) of
 * one of them, picked at random.
 */
export interface InitialLatents {
  /** [N, Z] */
  mu: Float32Array;
  /** [N, Z] */
  logvar: Float32Array;
  count: number;
  zSize: number;
}

export function initialLatents(mu: Float32Array, logvar: Float32Array, zSize: number): InitialLatents {
  if (!Number.isInteger(zSize) || zSize < 1) throw new Error(`initial latents need a positive z size, got ${zSize}`);
  if (mu.length !== logvar.length || mu.length % zSize !== 0 || mu.length === 0) {
    throw new Error(`initial latents need mu and logvar of the same non-empty shape [N, ${zSize}], got ${mu.length} and ${logvar.length} values`);
  }
  return { mu, logvar, count: mu.length / zSize, zSize };
}
