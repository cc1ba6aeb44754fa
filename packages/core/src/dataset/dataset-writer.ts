import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWriteJson } from '../io/atomic-write.js';
import { sha256Hex } from '../io/checksum.js';
import { readJsonFile } from '../io/read-json.js';
import {
  type ArraySpec, type DatasetManifest, type EpisodeEntry, DATASET_FORMAT, DATASET_VERSION,
  datasetManifestSchema, episodeStem, formatZodError,
} from './manifest.js';
import { type DType, type NdArray, type TypedArray, sizeOf } from './ndarray.js';
import { writeNpz } from './npz.js';

export interface DatasetWriterOptions {
  /** Env id recorded in the manifest. */
  env?: string;
  /** Shorthand for a rollout set: observations uint8 [H, W, C]. */
  observationShape?: number[];
  /** Shorthand for a rollout set: actions float32 [A]. */
  actionShape?: number[];
  /** Full per-step array specs; merged over the rollout shorthand. */
  arrays?: Record<string, ArraySpec>;
  /** Deflate episode files (numpy.savez_compressed); default true. */
  compress?: boolean;
  info?: Record<string, unknown>;
}

export interface EpisodeInput {
  /** Per-step arrays, flat in C order: each holds T × prod(spec.shape) elements. */
  [name: string]: unknown;
}

export interface WriteEpisodeOptions {
  /** Episode id: a non-negative integer (file ep-000042.npz) or a string; default a fresh unique id. */
  id?: string | number;
  seed?: number;
  info?: Record<string, unknown>;
}

const EXPECTED_CTOR: Record<DType, string> = {
  uint8: 'Uint8Array', int8: 'Int8Array', uint16: 'Uint16Array', int16: 'Int16Array', uint32: 'Uint32Array',
  int32: 'Int32Array', float16: 'Uint16Array', float32: 'Float32Array', float64: 'Float64Array', bool: 'Uint8Array',
};

/** The per-step arrays of a rollout set made from the shorthand options. */
function rolloutSpecs(options: DatasetWriterOptions): Record<string, ArraySpec> {
  const arrays: Record<string, ArraySpec> = {};
  if (options.observationShape) arrays.observations = { dtype: 'uint8', shape: options.observationShape };
  if (options.actionShape) arrays.actions = { dtype: 'float32', shape: options.actionShape };
  if (options.observationShape || options.actionShape) {
    arrays.rewards = { dtype: 'float32', shape: [] };
    arrays.dones = { dtype: 'uint8', shape: [] };
  }
  return { ...arrays, ...options.arrays };
}

/**
 * Writes a rollout data set: one episode per `.npz` file under `episodes/`, each completed by a
 * JSON sidecar with its length and SHA-256. Both are written atomically, the sidecar last, so a
 * killed writer leaves no episode half-written; several processes may write into one directory.
 */
export class DatasetWriter {
  private constructor(readonly dir: string, readonly manifest: DatasetManifest) {}

  /** Opens (creating if needed) a data set directory; an existing one must have the same array specs. */
  static async open(dir: string, options: DatasetWriterOptions = {}): Promise<DatasetWriter> {
    const arrays = rolloutSpecs(options);
    const manifestPath = join(dir, 'dataset.json');
    let existing: DatasetManifest | undefined;
    try {
      const parsed = datasetManifestSchema.safeParse(await readJsonFile(manifestPath, 'data set manifest'));
      if (!parsed.success) throw new Error(`data set manifest ${manifestPath} is invalid: ${formatZodError(parsed.error)}`);
      existing = parsed.data;
    } catch (error) {
      if (!(error as Error).message.startsWith('data set manifest not found')) throw error;
    }
    if (existing) {
      if (Object.keys(arrays).length > 0 && JSON.stringify(sortKeys(existing.arrays)) !== JSON.stringify(sortKeys(arrays))) {
        throw new Error(`data set ${dir} holds arrays ${JSON.stringify(existing.arrays)}, not the requested ${JSON.stringify(arrays)}`);
      }
      return new DatasetWriter(dir, existing);
    }
    if (Object.keys(arrays).length === 0) throw new Error(`new data set ${dir} needs observationShape/actionShape or arrays`);
    const manifest: DatasetManifest = {
      format: DATASET_FORMAT, version: DATASET_VERSION, arrays, compress: options.compress ?? true,
      ...(options.env !== undefined && { env: options.env }), ...(options.info !== undefined && { info: options.info }),
    };
    await atomicWriteJson(manifestPath, manifest);
    return new DatasetWriter(dir, manifest);
  }

  /** Ids of the episodes already complete (for resuming a collection). */
  async completedIds(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(join(this.dir, 'episodes'));
    } catch {
      return [];
    }
    return names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).map((n) => n.slice(0, -5)).sort();
  }

  /** Whether an episode with this id is complete. */
  async has(id: string | number): Promise<boolean> {
    return (await this.completedIds()).includes(episodeStem(id));
  }

  /** Validates and writes one episode; returns its sidecar entry. */
  async writeEpisode(arrays: EpisodeInput, options: WriteEpisodeOptions = {}): Promise<EpisodeEntry> {
    const specs = this.manifest.arrays;
    let length: number | undefined;
    const nd: Record<string, NdArray> = {};
    for (const [name, spec] of Object.entries(specs)) {
      const value = arrays[name];
      if (value === undefined) throw new Error(`episode is missing array '${name}' (the data set holds ${Object.keys(specs).join(', ')})`);
      const data = coerce(value, spec.dtype, name);
      const perStep = sizeOf(spec.shape);
      if (perStep === 0 ? data.length !== 0 : data.length % perStep !== 0) {
        throw new Error(`episode array '${name}' has ${data.length} elements, not a multiple of one step's ${perStep} (shape [${spec.shape.join(', ')}])`);
      }
      const steps = perStep === 0 ? 0 : data.length / perStep;
      if (length === undefined) length = steps;
      else if (steps !== length) throw new Error(`episode array '${name}' has ${steps} steps but earlier arrays have ${length}`);
      nd[name] = { dtype: spec.dtype, shape: [steps, ...spec.shape], data };
    }
    for (const name of Object.keys(arrays)) {
      if (!(name in specs)) throw new Error(`episode array '${name}' is not in the data set (it holds ${Object.keys(specs).join(', ')})`);
    }
    const stem = options.id === undefined ? `ep-${Date.now().toString(36)}-${randomBytes(6).toString('hex')}` : episodeStem(options.id);
    const file = `${stem}.npz`;
    const bytes = await writeNpz(join(this.dir, 'episodes', file), nd, { compress: this.manifest.compress });
    const entry: EpisodeEntry = {
      id: stem, file, length: length ?? 0, bytes: bytes.length, sha256: sha256Hex(bytes),
      ...(options.seed !== undefined && { seed: options.seed }), ...(options.info !== undefined && { info: options.info }),
    };
    await atomicWriteJson(join(this.dir, 'episodes', `${stem}.json`), entry);
    return entry;
  }
}

function coerce(value: unknown, dtype: DType, name: string): TypedArray {
  const expected = EXPECTED_CTOR[dtype];
  if (ArrayBuffer.isView(value) && value.constructor.name === expected) return value as TypedArray;
  if (Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))) {
    if (dtype === 'float16') throw new Error(`episode array '${name}' is float16: pass half bits as a Uint16Array (see float32ToFloat16)`);
    const ctor = { uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array, uint32: Uint32Array, int32: Int32Array, float32: Float32Array, float64: Float64Array, bool: Uint8Array }[dtype];
    const src = value as ArrayLike<number>;
    for (let i = 0; i < src.length; i++) {
      if (typeof src[i] !== 'number' && typeof src[i] !== 'boolean') throw new Error(`episode array '${name}' element ${i} is not a number`);
    }
    return ctor.from(src as ArrayLike<number>);
  }
  throw new Error(`episode array '${name}' must be a ${expected} (or a number array), got ${typeof value}`);
}

function sortKeys<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]])) as T;
}
