import { runWorker, type RunWorkerOptions } from './run-worker.js';

/**
 * Options of `worldmodels worker` as a command-line parser hands them over: numbers may still be
 * strings. `redis` falls back to the environment variable WORLDMODELS_REDIS_URL.
 */
export interface WorkerCommandOptions {
  redis?: string;
  queue?: string;
  prefix?: string;
  concurrency?: number | string;
  name?: string;
  lockDuration?: number | string;
  stalledInterval?: number | string;
  maxStalledCount?: number | string;
  reconnectTimeout?: number | string;
  connectTimeout?: number | string;
  shutdownTimeout?: number | string;
  cacheDir?: string;
}

/** The flags of `worldmodels worker` (for the CLI's help and for the standalone bin). */
export const WORKER_FLAGS: readonly { flag: string; key: keyof WorkerCommandOptions; description: string }[] = [
  { flag: '--redis <url>', key: 'redis', description: 'Redis URL, e.g. redis://127.0.0.1:6379 (default: $WORLDMODELS_REDIS_URL)' },
  { flag: '--queue <name>', key: 'queue', description: "queue name (default 'worldmodels')" },
  { flag: '--prefix <prefix>', key: 'prefix', description: "BullMQ key prefix (default 'bull')" },
  { flag: '--concurrency <n>', key: 'concurrency', description: 'jobs at once, and threads per evaluator (default: number of CPUs)' },
  { flag: '--name <name>', key: 'name', description: 'worker name shown on its jobs (default <hostname>-<pid>)' },
  { flag: '--lock-duration <ms>', key: 'lockDuration', description: "job lock time; a dead worker's job is retried after about this long (default 30000)" },
  { flag: '--stalled-interval <ms>', key: 'stalledInterval', description: 'how often to look for stalled jobs (default 30000)' },
  { flag: '--max-stalled-count <n>', key: 'maxStalledCount', description: 'stalls a job may have before it fails (default 2)' },
  { flag: '--reconnect-timeout <ms>', key: 'reconnectTimeout', description: 'how long Redis may be gone (restarting) before the worker exits (default 60000)' },
  { flag: '--connect-timeout <ms>', key: 'connectTimeout', description: 'time limit of the first connection (default 5000)' },
  { flag: '--shutdown-timeout <ms>', key: 'shutdownTimeout', description: 'on SIGINT/SIGTERM, how long running jobs may take to finish before they are handed back to the queue (default 30000)' },
  { flag: '--cache-dir <dir>', key: 'cacheDir', description: 'where checkpoints downloaded by URL are kept' },
];

function integer(value: number | string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < min || (typeof value === 'string' && !/^\d+$/.test(value.trim()))) throw new Error(`${flag} must be an integer ≥ ${min}, got '${value}'`);
  return n;
}

/** Turns parsed flags into {@link RunWorkerOptions}; errors name the flag. */
export function workerOptionsFromFlags(flags: WorkerCommandOptions, env: NodeJS.ProcessEnv = process.env): RunWorkerOptions & { shutdownTimeoutMs: number } {
  const redis = flags.redis ?? env.WORLDMODELS_REDIS_URL;
  if (!redis) throw new Error('worldmodels worker needs --redis <url> (or WORLDMODELS_REDIS_URL), e.g. --redis redis://127.0.0.1:6379');
  const pick = <T>(v: T | undefined) => v;
  const out: RunWorkerOptions & { shutdownTimeoutMs: number } = { redis, shutdownTimeoutMs: integer(flags.shutdownTimeout, '--shutdown-timeout', 0) ?? 30_000 };
  const set = <K extends keyof RunWorkerOptions>(k: K, v: RunWorkerOptions[K] | undefined) => {
    if (v !== undefined) (out as RunWorkerOptions)[k] = v;
  };
  set('queue', pick(flags.queue));
  set('prefix', pick(flags.prefix));
  set('name', pick(flags.name));
  set('cacheDir', pick(flags.cacheDir));
  set('concurrency', integer(flags.concurrency, '--concurrency', 1));
  set('lockDurationMs', integer(flags.lockDuration, '--lock-duration', 100));
  set('stalledIntervalMs', integer(flags.stalledInterval, '--stalled-interval', 100));
  set('maxStalledCount', integer(flags.maxStalledCount, '--max-stalled-count', 0));
  set('reconnectTimeoutMs', integer(flags.reconnectTimeout, '--reconnect-timeout', 0));
  set('connectTimeoutMs', integer(flags.connectTimeout, '--connect-timeout', 1));
  return out;
}

/**
 * `worldmodels worker --redis URL`: runs a queue worker until SIGINT/SIGTERM. The first signal
 * stops taking jobs and lets running ones finish (handing them back to the queue after
 * `--shutdown-timeout`); a second signal hands them back at once. Resolves with the exit code:
 * 0 after a clean shutdown, 1 when Redis was lost for good.
 */
export async function workerCommand(flags: WorkerCommandOptions): Promise<number> {
  const { shutdownTimeoutMs, ...options } = workerOptionsFromFlags(flags);
  const handle = await runWorker(options);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
    if (signals === 1) {
      log(`worker ${handle.name}: ${signal}: finishing running jobs (up to ${shutdownTimeoutMs} ms), then exiting`);
      void handle.close({ timeoutMs: shutdownTimeoutMs }).catch(() => {});
    } else {
      log(`worker ${handle.name}: ${signal} again: handing running jobs back to the queue`);
      void handle.close({ timeoutMs: 0 }).catch(() => {});
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await handle.closed;
    return 0;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
