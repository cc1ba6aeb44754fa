/**
 * Hashing of seeds and stream labels into 32-bit words.
 *
 * Derived random streams are keyed by a path of labels (`'worker', 3`), so the same
 * path from the same root seed always names the same stream, whatever order streams
 * are created in. The mixing function is MurmurHash3's 32-bit finaliser.
 */

/** MurmurHash3 fmix32: a bijective avalanche of a 32-bit word. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Folds one label (string or integer) into a running 32-bit hash. */
export function hashLabel(h: number, label: string | number): number {
  if (typeof label === 'number') {
    if (!Number.isFinite(label)) throw new Error(`random stream label must be finite, got ${label}`);
    // Fold both 32-bit halves of the number so that large integers stay distinct.
    const lo = label >>> 0;
    const hi = Math.floor(label / 4294967296) >>> 0;
    h = mix32(h ^ Math.imul(lo, 0x9e3779b1));
    h = mix32(h ^ Math.imul(hi + 0x7f4a7c15, 0x85ebca6b));
    return mix32(h ^ 0x1b873593);
  }
  h = mix32(h ^ 0x27d4eb2f);
  for (let i = 0; i < label.length; i++) h = mix32(h ^ Math.imul(label.charCodeAt(i) + 1, 0xcc9e2d51));
  return mix32(h ^ label.length);
}

/** Hashes a seed and a path of labels to four non-zero 32-bit words (a xoshiro128 state). */
export function seedState(seed: number, path: readonly (string | number)[]): Uint32Array {
  let h = hashLabel(0x6a09e667, seed);
  for (const label of path) h = hashLabel(h, label);
  const state = new Uint32Array(4);
  // SplitMix-style expansion of one word into four.
  let x = h;
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9) >>> 0;
    state[i] = mix32(x);
  }
  if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0) state[0] = 1;
  return state;
}
