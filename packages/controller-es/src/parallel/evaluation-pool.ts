import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { type Evaluator, type WorkerSpec, isTypeScriptModule, loadEvaluator, moduleUrl, resolveTsxEsmApi } from './worker-spec.js';

/** One episode to score: a parameter vector and the episode's seed. */
export interface EvaluationJob {
  params: Float64Array;
  seed: number;
  /** Shown in error messages, e.g. `member 3 episode 1`. */
  label?: string;
}

export interface EvaluationPoolOptions {
  /** The module every worker imports to build its evaluator. */
  makeWorker: WorkerSpec;
  /** Worker threads (default: available parallelism); 0 evaluates in this thread. */
  workers?: number;
  /** Attempts per job before the run fails (default 3). A job whose worker throws or dies is retried on a fresh worker. */
  maxAttempts?: number;
  /**
   * Extra Node flags for the workers. By default workers inherit this process's flags, and a
   * TypeScript worker module adds `--conditions=worldmodels-source` so workspace packages resolve
   * to their sources.
   */
  execArgv?: string[];
  /** Per-worker heap limit in MiB (optional). */
  maxOldGenerationSizeMb?: number;
}

/**
 * A pool of worker threads (piscina), each holding its own evaluator built once from
 * `makeWorker` — its own env and models — and scoring (params, seed) jobs. A job that throws, or
 * whose worker crashes or exits, is retried (piscina replaces the dead worker), up to
 * `maxAttempts`; results never depend on which worker ran a job.
 */
export class EvaluationPool {
  readonly workers: number;
  readonly maxAttempts: number;
  private readonly spec: WorkerSpec;
  private readonly piscina: Piscina | null;
  private inline: Promise<Evaluator> | null = null;
  private closed = false;

  constructor(options: EvaluationPoolOptions) {
    const workers = options.workers ?? availableParallelism();
    if (!Number.isInteger(workers) || workers < 0) throw new Error(`workers must be an integer ≥ 0, got ${workers}`);
    const maxAttempts = options.maxAttempts ?? 3;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error(`maxAttempts must be an integer ≥ 1, got ${maxAttempts}`);
    if (!options.makeWorker || typeof options.makeWorker !== 'object') throw new Error('makeWorker must be { module, options?, exportName? }');
    this.workers = workers;
    this.maxAttempts = maxAttempts;
    this.spec = options.makeWorker;
    const url = moduleUrl(options.makeWorker.module);
    if (workers === 0) {
      this.piscina = null;
      return;
    }
    const typescript = isTypeScriptModule(url);
    const inherited = options.execArgv ?? process.execArgv.filter((a) => !a.startsWith('--cpu-prof') && !a.startsWith('--inspect'));
    const execArgv = [...inherited];
    if (typescript && !execArgv.some((a) => a.startsWith('--conditions') || a === '-C')) execArgv.push('--conditions=worldmodels-source');
    this.piscina = new Piscina({
      filename: new URL('./evaluation-worker.mjs', import.meta.url).href,
      minThreads: workers,
      maxThreads: workers,
      concurrentTasksPerWorker: 1,
      idleTimeout: 2 ** 31 - 1,
      execArgv,
      resourceLimits: options.maxOldGenerationSizeMb ? { maxOldGenerationSizeMb: options.maxOldGenerationSizeMb } : undefined,
      workerData: {
        module: url,
        options: options.makeWorker.options,
        exportName: options.makeWorker.exportName ?? 'createEvaluator',
        // Loader hooks of this thread (e.g. `--import tsx`) do not reach worker threads: register tsx there.
        tsxApi: typescript ? resolveTsxEsmApi() : null,
      },
    });
    // A worker that dies between tasks must not crash this process; its tasks are retried.
    this.piscina.on('error', () => {});
  }

  /**
   * Scores every job; resolves to the scores in job order. `onDone` is called after each job.
   * Throws (naming the job and the last error) when a job fails `maxAttempts` times.
   */
  async run(jobs: readonly EvaluationJob[], onDone?: (index: number, score: number) => void): Promise<number[]> {
    if (this.closed) throw new Error('EvaluationPool.run() after close()');
    const scores = new Array<number>(jobs.length);
    await Promise.all(
      jobs.map(async (job, index) => {
        let lastError: unknown = null;
        for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
          try {
            const score = await this.runOne(job);
            scores[index] = score;
            onDone?.(index, score);
            return;
          } catch (error) {
            lastError = error;
          }
        }
        const reason = lastError instanceof Error ? lastError.message : String(lastError);
        throw new Error(`evaluation of ${job.label ?? `job ${index}`} (seed ${job.seed}) failed after ${this.maxAttempts} attempts: ${reason}`);
      }),
    );
    return scores;
  }

  private async runOne(job: EvaluationJob): Promise<number> {
    if (!this.piscina) {
      if (!this.inline) {
        this.inline = loadEvaluator(this.spec);
        this.inline.catch(() => {
          this.inline = null;
        });
      }
      const evaluate = await this.inline;
      const score = await evaluate(job.params.slice(), job.seed);
      if (typeof score !== 'number' || Number.isNaN(score)) throw new Error(`evaluator returned ${String(score)} for seed ${job.seed}; expected a number`);
      return score;
    }
    return (await this.piscina.run({ params: job.params, seed: job.seed })) as number;
  }

  /** Stops the worker threads. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.piscina) await this.piscina.destroy();
  }
}
