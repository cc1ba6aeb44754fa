import { readFile } from 'node:fs/promises';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { atomicWriteFile } from '../io/atomic-write.js';
import type { NdArray } from './ndarray.js';
import { decodeNpy, encodeNpy } from './npy.js';

/**
 * NumPy `.npz` archives: a zip of `.npy` members, readable with `numpy.load(path)`.
 * `compress: true` matches `numpy.savez_compressed` (deflate), false matches `numpy.savez`.
 */
export interface NpzOptions {
  compress?: boolean;
  /** Deflate level 1–9 when compressing (default 3: close to the best ratio for frames at a fraction of the time). */
  level?: 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
}

const FIXED_MTIME = new Date('1980-01-01T00:00:00Z');

export function encodeNpz(arrays: Record<string, NdArray>, options: NpzOptions = {}): Uint8Array {
  const level = options.compress === false ? 0 : (options.level ?? 3);
  const members: Zippable = {};
  // A fixed time stamp makes the archive a function of its arrays alone (re-collected episodes are byte-identical).
  for (const [name, array] of Object.entries(arrays)) members[`${name}.npy`] = [encodeNpy(array), { level, mtime: FIXED_MTIME }];
  return zipSync(members);
}

export function decodeNpz(bytes: Uint8Array, name = 'npz'): Record<string, NdArray> {
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes);
  } catch (error) {
    throw new Error(`${name}: not a readable .npz archive (truncated or corrupted): ${(error as Error).message}`);
  }
  const out: Record<string, NdArray> = {};
  for (const [member, data] of Object.entries(members)) {
    if (!member.endsWith('.npy')) continue;
    const key = member.slice(0, -4);
    out[key] = decodeNpy(data, `${name}:${key}`);
  }
  return out;
}

/** Writes an `.npz` file atomically. */
export async function writeNpz(path: string, arrays: Record<string, NdArray>, options?: NpzOptions): Promise<Uint8Array> {
  const bytes = encodeNpz(arrays, options);
  await atomicWriteFile(path, bytes);
  return bytes;
}

/** Reads an `.npz` file. */
export async function readNpz(path: string): Promise<Record<string, NdArray>> {
  return decodeNpz(new Uint8Array(await readFile(path)), path);
}
