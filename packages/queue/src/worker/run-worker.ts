import { availableParallelism, homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { type Job, WaitingError, Worker } from 'bullmq';
import { decodeFloat64, encodeFloat64 } from '../jobs/float64-codec.js';
import { paramsHash } from '../jobs/content-hash.js';
import {
  DEFAULT_QUEUE, EVALUATE_JOB, ROLLOUT_JOB,
  type EvaluateJobData, type EvaluateJobResult, type RolloutJobData, type RolloutJobResult,
} from '../jobs/job-types.js';
import { RedisTarget, type RedisTargetOptions } from '../redis/redis-target.js';
import { EvaluatorPools } from './evaluator-pools.js';
import { RolloutThreads } from './rollout-threads.js';

export interface RunWorkerOptions extends RedisTargetOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379`. */
  redis: string;
  /** Queue name (default `worldmodels`). */
  queue?: string;
  /** BullMQ key prefix (default `bull`). */
  prefix?: string;
  /** Jobs processed at once, and worker threads per evaluator (default: available parallelism). */
  concurrency?: number;
  /** This worker's name, shown as the job's `processedBy` (default `<hostname>-<pid>`). */
  name?: string;
  /** How long a job's lock lasts without renewal, ms (default 30 000): a dead worker's job is retried after about this long. */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs (locks that expired), ms (default 30 000). */
  stalledIntervalMs?: number;
  /** Stalls a job may have before it fails (default 2). */
  maxStalledCount?: number;
  /** Where checkpoints downloaded by URL are kept (default `$XDG_CACHE_HOME/worldmodels/checkpoints`). */
  cacheDir?: string;
  /** Log lines (default: stderr). */
  log?: (message: string) => void;
}

export interface WorkerHandle {
  readonly name: string;
  readonly queue: string;
  /** Resolves when the worker has stopped; rejects when Redis was lost for good. */
  readonly closed: Promise<void>;
  /** Jobs completed so far. */
  readonly completed: number;
  /**
   * Stops taking jobs and lets the running ones finish; after `timeoutMs` (default: no limit)
   * the running jobs are released back to the queue for another worker instead.
   */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

/**
 * Runs a queue worker in this process: takes `evaluate` and `rollout` jobs from the BullMQ queue
 * and runs them on worker threads (controller-es's EvaluationPool, envs's rollout worker), keeping
 * this thread free to renew job locks. Fails fast, naming the URL, when Redis is unreachable;
 * rides out a Redis restart for up to `reconnectTimeoutMs`.
 */
export async function runWorker(options: RunWorkerOptions): Promise<WorkerHandle> {
  if (!options || typeof options !== 'object') throw new Error('runWorker needs options { redis: URL, ... }');
  const target = new RedisTarget(options.redis, options);
  const queueName = options.queue ?? DEFAULT_QUEUE;
  if (typeof queueName !== 'string' || queueName === '' || queueName.includes(':')) throw new Error(`queue name must be a non-empty string without ':', got ${JSON.stringify(queueName)}`);
  const concurrency = options.concurrency ?? availableParallelism();
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be an integer ≥ 1, got ${options.concurrency}`);
  const lockDuration = options.lockDurationMs ?? 30_000;
  const stalledInterval = options.stalledIntervalMs ?? 30_000;
  const maxStalledCount = options.maxStalledCount ?? 2;
  for (const [k, v, min] of [['lockDurationMs', lockDuration, 100], ['stalledIntervalMs', stalledInterval, 100], ['maxStalledCount', maxStalledCount, 0]] as const) {
    if (!Number.isInteger(v) || v < min) throw new Error(`${k} must be an integer ≥ ${min}, got ${v}`);
  }
  const name = options.name ?? `${hostname()}-${process.pid}`;
  const cacheDir = options.cacheDir ?? join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'worldmodels', 'checkpoints');
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));

  await target.probe();

  const evaluators = new EvaluatorPools(concurrency, cacheDir);
  const rollouts = new RolloutThreads(concurrency);
  let completed = 0;

  const processJob = async (job: Job, token?: string, signal?: AbortSignal): Promise<EvaluateJobResult | RolloutJobResult> => {
    const work = job.name === EVALUATE_JOB ? evaluate(job.data as EvaluateJobData) : job.name === ROLLOUT_JOB ? rollout(job.data as RolloutJobData) : null;
    if (!work) throw new Error(`unknown job name '${job.name}' (this worker runs '${EVALUATE_JOB}' and '${ROLLOUT_JOB}' jobs)`);
    if (!signal) return work;
    work.catch(() => {});
    const released = new Promise<'released'>((resolve) => {
      if (signal.aborted) resolve('released');
      else signal.addEventListener('abort', () => resolve('released'), { once: true });
    });
    const outcome = await Promise.race([work, released]);
    if (outcome === 'released') {
      // Shutting down: hand the job back to the queue for another worker (attempts are not counted).
      await job.moveToWait(token);
      throw new WaitingError();
    }
    return outcome;
  };

  const evaluate = async (data: EvaluateJobData): Promise<EvaluateJobResult> => {
    const params = decodeFloat64(data.params, 'job parameters');
    if (paramsHash(params) !== data.paramsSha256) throw new Error('job parameters do not match their SHA-256: the job data is damaged');
    if (!Array.isArray(data.seeds) || data.seeds.length === 0) throw new Error('evaluate job has no seeds');
    const scores = await evaluators.use(data.evaluator, data.evaluatorHash, (pool) =>
      pool.run(data.seeds.map((seed, k) => ({ params, seed, label: data.labels?.[k] ?? `seed ${seed}` }))),
    );
    return { returns: encodeFloat64(scores) };
  };

  const rollout = (data: RolloutJobData): Promise<RolloutJobResult> => {
    if (!data?.config || !Number.isInteger(data.index)) throw new Error('rollout job needs { config, configHash, index }');
    return rollouts.run(data.config, data.configHash, data.index);
  };

  const worker = new Worker(queueName, processJob, {
    connection: target.connectionOptions(),
    ...(options.prefix !== undefined && { prefix: options.prefix }),
    concurrency,
    name,
    lockDuration,
    stalledInterval,
    maxStalledCount,
    autorun: false,
  });

  let lastErrorLog = 0;
  worker.on('error', (error) => {
    // Connection errors repeat while Redis restarts: log at most one line per 5 s.
    if (Date.now() - lastErrorLog > 5_000) {
      lastErrorLog = Date.now();
      log(`worker ${name}: ${error.message}`);
    }
  });
  worker.on('failed', (job, error) => {
    if (job && !(error instanceof WaitingError)) log(`worker ${name}: job ${job.id} (${job.name}) attempt ${job.attemptsMade} failed: ${error.message.split('\n')[0]}`);
  });
  worker.on('completed', () => {
    completed++;
  });

  let stopping: Promise<void> | null = null;
  let rejectClosed!: (e: Error) => void;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((res, rej) => {
    resolveClosed = res;
    rejectClosed = rej;
  });
  closed.catch(() => {});

  const shutdown = (timeoutMs?: number): Promise<void> => {
    if (stopping) return stopping;
    stopping = (async () => {
      let timer: NodeJS.Timeout | null = null;
      if (timeoutMs !== undefined && Number.isFinite(timeoutMs)) {
        timer = setTimeout(() => worker.cancelAllJobs('worker shutting down'), Math.max(0, timeoutMs));
      }
      try {
        await worker.close();
      } finally {
        if (timer) clearTimeout(timer);
        await Promise.allSettled([evaluators.close(), rollouts.close()]);
      }
    })();
    return stopping;
  };

  try {
    await worker.waitUntilReady();
    const client = await worker.client;
    client.on('end', () => {
      if (stopping) return;
      const error = target.unreachable('the connection closed and could not be re-established', `lost Redis for more than ${target.reconnectTimeoutMs} ms`);
      log(`worker ${name}: ${error.message}`);
      void shutdown(0).finally(() => rejectClosed(error));
    });
  } catch (error) {
    await shutdown(0);
    throw target.unreachable(error);
  }
  const running = worker.run();
  running.then(
    () => void (stopping ?? Promise.resolve()).then(() => resolveClosed()),
    (error: Error) => void shutdown(0).finally(() => rejectClosed(target.unreachable(error, 'worker stopped on Redis'))),
  );
  log(`worker ${name} ready: queue '${queueName}' at ${target.display}, concurrency ${concurrency}`);

  return {
    name,
    queue: queueName,
    closed,
    get completed() {
      return completed;
    },
    async close(opts: { timeoutMs?: number } = {}) {
      await shutdown(opts.timeoutMs);
      await running.catch(() => {});
      resolveClosed();
      await closed;
    },
  };
}
