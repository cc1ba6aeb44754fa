import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EpisodeSummary } from '@worldmodels/envs';
import type { RolloutConfig } from '../jobs/job-types.js';
import { runningFromSource, threadExecArgv, tsxEsmApiUrl } from './thread-loader.js';

type Reply = { type: 'ready' } | { type: 'done'; summary: EpisodeSummary } | { type: 'error'; index: number | null; message: string };

interface Task {
  index: number;
  resolve: (s: EpisodeSummary) => void;
  reject: (e: Error) => void;
}

/** The thread entry file: beside this module (sources, or a dist chunk), or one level up (a dist/bin bundle). */
function rolloutThreadEntry(): URL {
  for (const candidate of ['./rollout-thread.mjs', '../rollout-thread.mjs']) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  throw new Error(`cannot find rollout-thread.mjs beside ${fileURLToPath(import.meta.url)}`);
}

/** One rollout thread: envs's `runRolloutWorker` for one collection config, one episode at a time. */
class RolloutThread {
  private readonly worker: Worker;
  private readyPromise: Promise<void>;
  private task: Task | null = null;
  dead = false;

  constructor(config: RolloutConfig, onDeath: (t: RolloutThread) => void) {
    const workerData = { ...config, __queueBootstrap: { tsxApi: runningFromSource() ? tsxEsmApiUrl() : null } };
    this.worker = new Worker(rolloutThreadEntry(), { workerData, execArgv: threadExecArgv() });
    let ready!: () => void;
    let failed!: (e: Error) => void;
    this.readyPromise = new Promise<void>((res, rej) => {
      ready = res;
      failed = rej;
    });
    this.readyPromise.catch(() => {});
    const die = (error: Error): void => {
      if (this.dead) return;
      this.dead = true;
      failed(error);
      this.task?.reject(error);
      this.task = null;
      onDeath(this);
      void this.worker.terminate();
    };
    this.worker.on('message', (msg: Reply) => {
      if (msg.type === 'ready') ready();
      else if (msg.type === 'done') {
        const t = this.task;
        this.task = null;
        t?.resolve(msg.summary);
      } else if (msg.type === 'error') {
        if (msg.index === null) die(new Error(`rollout thread failed to start: ${msg.message}`));
        else {
          const t = this.task;
          this.task = null;
          t?.reject(new Error(`episode ${msg.index} failed: ${msg.message}`));
        }
      }
    });
    this.worker.on('error', (error) => die(new Error(`rollout thread crashed: ${error.stack ?? error.message}`)));
    this.worker.on('exit', (code) => die(new Error(`rollout thread exited (code ${code})`)));
  }

  get busy(): boolean {
    return this.task !== null;
  }

  async run(task: Task): Promise<void> {
    this.task = task;
    try {
      await this.readyPromise;
    } catch {
      return; // die() rejected the task
    }
    if (!this.dead) this.worker.postMessage({ type: 'run', index: task.index });
  }

  async terminate(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
  }
}

/**
 * Threads that collect episodes for a queue worker, per collection config (its hash): up to
 * `size` threads each, built lazily; a thread that dies fails its episode (BullMQ retries the job)
 * and is replaced on the next one. Only the most recent configs keep their threads.
 */
export class RolloutThreads {
  private readonly pools = new Map<string, { config: RolloutConfig; threads: RolloutThread[]; waiting: Task[] }>();

  constructor(
    private readonly size: number,
    private readonly keepConfigs = 2,
  ) {}

  run(config: RolloutConfig, configHash: string, index: number): Promise<EpisodeSummary> {
    let pool = this.pools.get(configHash);
    if (!pool) {
      pool = { config, threads: [], waiting: [] };
      this.pools.set(configHash, pool);
      this.evict();
    } else {
      this.pools.delete(configHash);
      this.pools.set(configHash, pool); // most recently used last
    }
    const p = pool;
    return new Promise<EpisodeSummary>((resolve, reject) => {
      const task: Task = {
        index,
        resolve: (s) => {
          resolve(s);
          this.dispatch(p);
        },
        reject: (e) => {
          reject(e);
          this.dispatch(p);
        },
      };
      p.waiting.push(task);
      this.dispatch(p);
    });
  }

  private dispatch(pool: { config: RolloutConfig; threads: RolloutThread[]; waiting: Task[] }): void {
    while (pool.waiting.length > 0) {
      let thread = pool.threads.find((t) => !t.busy && !t.dead);
      if (!thread) {
        if (pool.threads.length >= this.size) return;
        thread = new RolloutThread(pool.config, (dead) => {
          pool.threads = pool.threads.filter((t) => t !== dead);
        });
        pool.threads.push(thread);
      }
      void thread.run(pool.waiting.shift()!);
    }
  }

  private evict(): void {
    for (const [hash, pool] of this.pools) {
      if (this.pools.size <= this.keepConfigs) break;
      if (pool.waiting.length > 0 || pool.threads.some((t) => t.busy)) continue;
      this.pools.delete(hash);
      for (const t of pool.threads) void t.terminate();
    }
  }

  async close(): Promise<void> {
    const all = [...this.pools.values()];
    this.pools.clear();
    for (const pool of all) for (const task of pool.waiting) task.reject(new Error('the worker is shutting down'));
    await Promise.all(all.flatMap((pool) => pool.threads.map((t) => t.terminate())));
  }
}
