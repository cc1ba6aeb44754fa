import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Rng } from '../random/rng.js';
import { sha256Hex } from '../io/checksum.js';
import { readJsonFile } from '../io/read-json.js';
import { CorruptEpisodeError } from './corrupt-episode-error.js';
import { type DatasetManifest, type EpisodeEntry, datasetManifestSchema, episodeEntrySchema, episodeStem, formatZodError } from './manifest.js';
import { type NdArray, type TypedArray, allocate, sizeOf } from './ndarray.js';
import { decodeNpz } from './npz.js';

export interface Episode {
  entry: EpisodeEntry;
  /** Arrays with a leading time axis: observations [T, H, W, C], actions [T, A], ... */
  arrays: Record<string, NdArray>;
}

export interface FrameBatch {
  /** [count, ...frameShape] flat in C order. */
  data: TypedArray;
  /** Alias of `data` when the key is 'observations'. */
  observations: TypedArray;
  count: number;
  shape: number[];
  epoch: number;
}

export interface SequenceBatch {
  /** One array per key: [count, seqLen, ...stepShape] flat in C order. */
  arrays: Record<string, TypedArray>;
  count: number;
  seqLen: number;
  /** Episode id and start step of each sequence. */
  sources: { id: string; start: number }[];
  epoch: number;
}

export interface FramesOptions {
  batchSize: number;
  rng: Rng;
  /** Passes over the data (default 1). */
  epochs?: number;
  /** Which per-step array holds the frames (default 'observations'). */
  key?: string;
  /** Frames held in memory at once for shuffling (default 20,000); episodes are loaded in chunks of about this size. */
  bufferFrames?: number;
  /** Drop a final batch smaller than batchSize (default false). */
  dropLast?: boolean;
}

export interface SequencesOptions {
  batchSize: number;
  seqLen: number;
  rng: Rng;
  epochs?: number;
  /** Per-step arrays to cut (default all). */
  keys?: string[];
  /** Episodes held in memory at once (default 64). */
  bufferEpisodes?: number;
  dropLast?: boolean;
}

/** What to do on a corrupt episode while streaming: by default it is reported once on stderr and skipped. */
export type CorruptHandler = (error: CorruptEpisodeError) => void;

/**
 * Reads a data set written by {@link DatasetWriter}. Episode files are verified against their
 * recorded size and SHA-256 when read; streaming readers report and skip corrupt episodes and
 * never hold more than a buffer's worth of episodes in memory.
 */
export class DatasetReader {
  /** Sidecars that could not be read (reported, never used). */
  readonly problems: string[];
  private readonly reported = new Set<string>();

  private constructor(
    readonly dir: string,
    readonly manifest: DatasetManifest,
    readonly episodes: EpisodeEntry[],
    problems: string[],
    private readonly onCorrupt: CorruptHandler,
    /** Episodes directory of each episode id (a union's episodes live in several sets); the set's own by default. */
    private readonly episodeDirs: ReadonlyMap<string, string> = new Map(),
  ) {
    this.problems = problems;
  }

  /**
   * One reader over several data sets holding the same arrays (e.g. every round's collected
   * rollouts), as if they were one set: each part's episode ids get its `prefix` (ids must stay
   * unique), files are read where they lie. The parts' own corrupt-episode handling carries over.
   */
  static union(parts: readonly { reader: DatasetReader; prefix: string }[]): DatasetReader {
    if (parts.length === 0) throw new Error('a union of data sets needs at least one set');
    const first = parts[0]!.reader;
    const signature = (m: DatasetManifest) => JSON.stringify(Object.entries(m.arrays).sort(([a], [b]) => (a < b ? -1 : 1)));
    const episodes: EpisodeEntry[] = [];
    const dirs = new Map<string, string>();
    for (const { reader, prefix } of parts) {
      if (signature(reader.manifest) !== signature(first.manifest)) {
        throw new Error(`data set ${reader.dir} holds other arrays than ${first.dir}: ${describeArrays(reader.manifest)} vs ${describeArrays(first.manifest)}`);
      }
      if (reader.manifest.env !== first.manifest.env) throw new Error(`data set ${reader.dir} is of env ${String(reader.manifest.env)}, ${first.dir} of ${String(first.manifest.env)}`);
      for (const entry of reader.episodes) {
        const id = `${prefix}${entry.id}`;
        if (dirs.has(id)) throw new Error(`episode id '${id}' is in two of the united data sets (${reader.dir} and another); give them other prefixes`);
        dirs.set(id, reader.episodesDir(entry));
        episodes.push({ ...entry, id });
      }
    }
    const problems = parts.flatMap((p) => p.reader.problems);
    return new DatasetReader(parts.map((p) => p.reader.dir).join(' + '), first.manifest, episodes, problems, first.onCorrupt, dirs);
  }

  static async open(dir: string, options: { onCorrupt?: CorruptHandler } = {}): Promise<DatasetReader> {
    const manifestPath = join(dir, 'dataset.json');
    const parsed = datasetManifestSchema.safeParse(await readJsonFile(manifestPath, 'data set manifest'));
    if (!parsed.success) throw new Error(`data set manifest ${manifestPath} is invalid: ${formatZodError(parsed.error)}`);
    let names: string[] = [];
    try {
      names = await readdir(join(dir, 'episodes'));
    } catch {
      names = [];
    }
    const episodes: EpisodeEntry[] = [];
    const problems: string[] = [];
    for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()) {
      const path = join(dir, 'episodes', name);
      try {
        const entry = episodeEntrySchema.safeParse(await readJsonFile(path, 'episode sidecar'));
        if (!entry.success) throw new Error(`episode sidecar ${path} is invalid: ${formatZodError(entry.error)}`);
        episodes.push(entry.data);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    const onCorrupt = options.onCorrupt ?? ((e: CorruptEpisodeError) => process.stderr.write(`worldmodels: skipping ${e.message}\n`));
    for (const p of problems) process.stderr.write(`worldmodels: skipping ${p}\n`);
    return new DatasetReader(dir, parsed.data, episodes, problems, onCorrupt);
  }

  /** Total steps over all episodes. */
  get totalSteps(): number {
    return this.episodes.reduce((n, e) => n + e.length, 0);
  }

  /** Reads and verifies one episode; throws {@link CorruptEpisodeError} on any mismatch. */
  async readEpisode(idOrEntry: string | number | EpisodeEntry): Promise<Episode> {
    const entry = typeof idOrEntry === 'object' ? idOrEntry : this.episodes.find((e) => e.id === episodeStem(idOrEntry));
    if (!entry) throw new Error(`data set ${this.dir} has no episode ${String(idOrEntry)}`);
    const path = join(this.episodesDir(entry), entry.file);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch (error) {
      throw new CorruptEpisodeError(path, `cannot read file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    if (bytes.length !== entry.bytes) throw new CorruptEpisodeError(path, `size ${bytes.length} bytes, expected ${entry.bytes} (truncated?)`);
    if (sha256Hex(bytes) !== entry.sha256) throw new CorruptEpisodeError(path, 'SHA-256 checksum mismatch');
    let arrays: Record<string, NdArray>;
    try {
      arrays = decodeNpz(bytes, path);
    } catch (error) {
      throw new CorruptEpisodeError(path, (error as Error).message);
    }
    for (const [name, spec] of Object.entries(this.manifest.arrays)) {
      const a = arrays[name];
      if (!a) throw new CorruptEpisodeError(path, `missing array '${name}'`);
      const expected = [entry.length, ...spec.shape];
      if (a.dtype !== spec.dtype || a.shape.join(',') !== expected.join(',')) {
        throw new CorruptEpisodeError(path, `array '${name}' is ${a.dtype} [${a.shape.join(', ')}], expected ${spec.dtype} [${expected.join(', ')}]`);
      }
    }
    return { entry, arrays };
  }

  /** Checks every episode; returns the corrupt ones (nothing is skipped silently). */
  async verify(): Promise<{ ok: number; corrupt: CorruptEpisodeError[] }> {
    const corrupt: CorruptEpisodeError[] = [];
    let ok = 0;
    for (const e of this.episodes) {
      try {
        await this.readEpisode(e);
        ok++;
      } catch (error) {
        if (error instanceof CorruptEpisodeError) corrupt.push(error);
        else throw error;
      }
    }
    return { ok, corrupt };
  }

  /**
   * Streams shuffled minibatches of single steps (frames). Each epoch visits the episodes in a
   * random order, loads them in chunks of about `bufferFrames` frames, and shuffles the frames
   * of a chunk together with the remainder of the previous chunk.
   */
  async *frames(options: FramesOptions): AsyncGenerator<FrameBatch> {
    const key = options.key ?? 'observations';
    const spec = this.spec(key);
    const frameSize = sizeOf(spec.shape);
    const { batchSize } = options;
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
    const bufferFrames = Math.max(options.bufferFrames ?? 20_000, batchSize);
    for (let epoch = 0; epoch < (options.epochs ?? 1); epoch++) {
      const order = options.rng.shuffle([...this.episodes]);
      let carry: TypedArray[] = []; // single frames left over from the previous chunk
      let next = this.loadChunk(order, 0, bufferFrames, (e) => e.length);
      while (true) {
        const { loaded, end } = await next;
        if (loaded.length === 0 && carry.length === 0) break;
        next = this.loadChunk(order, end, bufferFrames, (e) => e.length); // prefetch while this chunk is served
        const pool: TypedArray[] = carry;
        for (const ep of loaded) {
          const a = ep.arrays[key]!;
          for (let t = 0; t < ep.entry.length; t++) pool.push(a.data.subarray(t * frameSize, (t + 1) * frameSize) as TypedArray);
        }
        options.rng.shuffle(pool);
        const last = end >= order.length;
        let i = 0;
        while (pool.length - i >= batchSize || (last && pool.length - i > 0 && !options.dropLast)) {
          const count = Math.min(batchSize, pool.length - i);
          const data = allocate(spec.dtype, count * frameSize);
          for (let b = 0; b < count; b++) data.set(pool[i + b] as never, b * frameSize);
          i += count;
          yield { data, observations: data, count, shape: [count, ...spec.shape], epoch };
        }
        carry = pool.slice(i);
        if (last) break;
      }
    }
  }

  /**
   * Streams shuffled minibatches of fixed-length sequences (for M's teacher forcing). Each epoch
   * cuts every episode into non-overlapping windows of `seqLen` steps from a random offset;
   * windows of a chunk of `bufferEpisodes` episodes are shuffled together. Episodes shorter than
   * `seqLen` are skipped.
   */
  async *sequences(options: SequencesOptions): AsyncGenerator<SequenceBatch> {
    const { batchSize, seqLen } = options;
    if (!Number.isInteger(seqLen) || seqLen <= 0) throw new Error(`seqLen must be a positive integer, got ${seqLen}`);
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
    const keys = options.keys ?? Object.keys(this.manifest.arrays);
    const specs = keys.map((k) => [k, this.spec(k)] as const);
    const bufferEpisodes = options.bufferEpisodes ?? 64;
    const usable = this.episodes.filter((e) => e.length >= seqLen);
    for (let epoch = 0; epoch < (options.epochs ?? 1); epoch++) {
      const order = options.rng.shuffle([...usable]);
      type Window = { ep: Episode; start: number };
      let carry: Window[] = [];
      let next = this.loadChunk(order, 0, bufferEpisodes, () => 1);
      while (true) {
        const { loaded, end } = await next;
        if (loaded.length === 0 && carry.length === 0) break;
        next = this.loadChunk(order, end, bufferEpisodes, () => 1);
        const pool = carry;
        for (const ep of loaded) {
          const windows = Math.floor(ep.entry.length / seqLen);
          const offset = options.rng.int(ep.entry.length - windows * seqLen + 1);
          for (let w = 0; w < windows; w++) pool.push({ ep, start: offset + w * seqLen });
        }
        options.rng.shuffle(pool);
        const last = end >= order.length;
        let i = 0;
        while (pool.length - i >= batchSize || (last && pool.length - i > 0 && !options.dropLast)) {
          const count = Math.min(batchSize, pool.length - i);
          const arrays: Record<string, TypedArray> = {};
          for (const [key, spec] of specs) {
            const step = sizeOf(spec.shape);
            const out = allocate(spec.dtype, count * seqLen * step);
            for (let b = 0; b < count; b++) {
              const { ep, start } = pool[i + b]!;
              out.set(ep.arrays[key]!.data.subarray(start * step, (start + seqLen) * step) as never, b * seqLen * step);
            }
            arrays[key] = out;
          }
          const sources = pool.slice(i, i + count).map((w) => ({ id: w.ep.entry.id, start: w.start }));
          i += count;
          yield { arrays, count, seqLen, sources, epoch };
        }
        carry = pool.slice(i);
        if (last) break;
      }
    }
  }

  private episodesDir(entry: EpisodeEntry): string {
    return this.episodeDirs.get(entry.id) ?? join(this.dir, 'episodes');
  }

  private spec(key: string) {
    const spec = this.manifest.arrays[key];
    if (!spec) throw new Error(`data set ${this.dir} has no array '${key}' (it holds ${Object.keys(this.manifest.arrays).join(', ')})`);
    return spec;
  }

  /** Loads episodes from `order[start]` on until `budget` (measured by `cost`) is reached, skipping corrupt ones. */
  private async loadChunk(order: EpisodeEntry[], start: number, budget: number, cost: (e: EpisodeEntry) => number): Promise<{ loaded: Episode[]; end: number }> {
    const loaded: Episode[] = [];
    let used = 0;
    let i = start;
    while (i < order.length && (used < budget || loaded.length === 0)) {
      const entry = order[i++]!;
      try {
        loaded.push(await this.readEpisode(entry));
        used += cost(entry);
      } catch (error) {
        if (!(error instanceof CorruptEpisodeError)) throw error;
        if (!this.reported.has(entry.id)) {
          this.reported.add(entry.id);
          this.onCorrupt(error);
        }
      }
    }
    return { loaded, end: i };
  }
}

function describeArrays(manifest: DatasetManifest): string {
  return Object.entries(manifest.arrays).map(([k, a]) => `${k} ${a.dtype} [${a.shape.join(', ')}]`).join(', ');
}
