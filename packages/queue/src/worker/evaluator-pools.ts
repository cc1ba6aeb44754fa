import { EvaluationPool } from '@worldmodels/controller-es';
import { resolveCheckpoint } from '../checkpoints/checkpoint-ref.js';
import { sha256, stableJson } from '../jobs/content-hash.js';
import type { EvaluatorRef } from '../jobs/job-types.js';
import { resolveModuleSpecifier } from './thread-loader.js';

interface Entry {
  pool: Promise<EvaluationPool>;
  running: number;
}

/**
 * The evaluator pools of a queue worker, one per evaluator (keyed by its content hash): each is
 * controller-es's own `EvaluationPool` with `threads` worker threads built from the job's
 * evaluator module, with its checkpoints resolved to verified local directories first. Only the
 * most recently used evaluators keep their threads.
 */
export class EvaluatorPools {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly threads: number,
    private readonly cacheDir: string,
    private readonly keep = 2,
  ) {}

  /** Runs `fn` with the pool of `ref` (built on first use). */
  async use<T>(ref: EvaluatorRef, hash: string, fn: (pool: EvaluationPool) => Promise<T>): Promise<T> {
    const actual = sha256(stableJson(ref));
    if (actual !== hash) throw new Error(`evaluator description does not match its hash (${hash.slice(0, 12)}… expected, ${actual.slice(0, 12)}… computed): the job data is damaged`);
    let entry = this.entries.get(hash);
    if (entry) {
      this.entries.delete(hash);
      this.entries.set(hash, entry);
    } else {
      entry = { pool: this.build(ref), running: 0 };
      this.entries.set(hash, entry);
      const failed = entry;
      entry.pool.catch(() => {
        if (this.entries.get(hash) === failed) this.entries.delete(hash); // let a retry build it again
      });
      this.evict();
    }
    entry.running++;
    try {
      return await fn(await entry.pool);
    } finally {
      entry.running--;
    }
  }

  private async build(ref: EvaluatorRef): Promise<EvaluationPool> {
    if (!ref || typeof ref.module !== 'string') throw new Error('job has no evaluator module');
    const options = ref.options === undefined ? {} : ref.options;
    let resolved: unknown = options;
    if (ref.checkpoints && Object.keys(ref.checkpoints).length > 0) {
      if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new Error('evaluator options must be an object when the job names checkpoints');
      const paths: Record<string, string> = {};
      for (const [name, cref] of Object.entries(ref.checkpoints)) paths[name] = await resolveCheckpoint(cref, { cacheDir: this.cacheDir });
      resolved = { ...(options as Record<string, unknown>), ...paths };
    }
    return new EvaluationPool({
      makeWorker: { module: resolveModuleSpecifier(ref.module), options: resolved, ...(ref.exportName !== undefined && { exportName: ref.exportName }) },
      workers: this.threads,
      maxAttempts: 1, // BullMQ retries the job
    });
  }

  private evict(): void {
    for (const [hash, entry] of this.entries) {
      if (this.entries.size <= this.keep) break;
      if (entry.running > 0) continue;
      this.entries.delete(hash);
      void entry.pool.then((p) => p.close()).catch(() => {});
    }
  }

  async close(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.allSettled(all.map(async (e) => (await e.pool).close()));
  }
}
