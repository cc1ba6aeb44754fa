import type { Job } from 'bullmq';
import type { QueueConnection } from './queue-connection.js';

/** Unfinished jobs looked at per poll tick. */
const POLL_BATCH = 200;

/** One job for {@link runJobs}: its id is a content hash, so adding it twice is harmless. */
export interface QueuedJob<D> {
  id: string;
  name: string;
  data: D;
  /** Names the job in errors. */
  label: string;
}

export interface RunJobsOptions {
  /** Attempts per job, counting failures and stalls (default 3). */
  maxAttempts?: number;
  /** Delay before a failed job is retried, ms (default 200). */
  backoffMs?: number;
  /** How often unfinished jobs are checked directly, up to 200 per tick (results normally arrive as events), ms (default 1 000). */
  pollIntervalMs?: number;
  /** Warn through `log` when nothing finished for this long and no worker is connected, ms (default 30 000). */
  idleWarningMs?: number;
  log?: (message: string) => void;
}

/**
 * Adds `jobs` to the queue and resolves with their return values in order, once every job has a
 * result; `onResult` is called as each arrives. Results come as QueueEvents `completed` events and,
 * as a fallback, from polling unfinished jobs; a job that vanished (Redis restarted without its
 * data) is added again. BullMQ retries failed and stalled jobs up to `maxAttempts`; after that
 * this rejects naming the job and its last error. It never resolves with a result missing.
 */
export async function runJobs<D, R>(
  connection: QueueConnection,
  jobs: readonly QueuedJob<D>[],
  onResult: (index: number, value: R) => void,
  options: RunJobsOptions = {},
): Promise<R[]> {
  const maxAttempts = options.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error(`maxAttempts must be an integer ≥ 1, got ${maxAttempts}`);
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const idleWarningMs = options.idleWarningMs ?? 30_000;
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const jobOptions = {
    attempts: maxAttempts,
    backoff: { type: 'fixed', delay: options.backoffMs ?? 200 },
    removeOnComplete: { age: 24 * 3600 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };

  const results = new Array<R>(jobs.length);
  const pending = new Map<string, { job: QueuedJob<D>; indices: number[] }>();
  jobs.forEach((job, index) => {
    const entry = pending.get(job.id);
    if (entry) entry.indices.push(index);
    else pending.set(job.id, { job, indices: [index] });
  });
  if (pending.size === 0) return results;
  const { queue, events } = connection;

  return new Promise<R[]>((resolve, reject) => {
    let finished = false;
    let lastProgress = Date.now();
    let warned = false;
    let timer: NodeJS.Timeout | null = null;
    let cursor = 0;

    const finish = (error: Error | null): void => {
      if (finished) return;
      finished = true;
      if (timer) clearTimeout(timer);
      events.off('completed', onCompleted);
      events.off('failed', onFailed);
      unsubscribe();
      if (error) reject(error);
      else resolve(results);
    };
    const settle = (id: string, raw: unknown): void => {
      const entry = pending.get(id);
      if (!entry || finished) return;
      let value: R;
      try {
        value = (typeof raw === 'string' ? JSON.parse(raw) : raw) as R;
      } catch (error) {
        finish(new Error(`${entry.job.label}: unreadable result ${String(raw).slice(0, 80)}: ${(error as Error).message}`));
        return;
      }
      if (value === null || value === undefined) return; // not a result (yet): the poll looks again
      pending.delete(id);
      lastProgress = Date.now();
      for (const index of entry.indices) {
        results[index] = value;
        try {
          onResult(index, value);
        } catch (error) {
          finish(error as Error);
          return;
        }
      }
      void queue.remove(id).catch(() => {});
      if (pending.size === 0) finish(null);
    };
    const failWith = (id: string, reason: string): void => {
      const entry = pending.get(id);
      if (!entry) return;
      finish(new Error(`${entry.job.label} failed after ${maxAttempts} attempt(s) on the queue '${connection.name}' at ${connection.target.display}: ${reason}`));
    };
    /** Looks at one job in Redis: takes its result, fails the run, or adds it again if Redis lost it. */
    const inspect = async (id: string): Promise<void> => {
      const entry = pending.get(id);
      if (!entry) return;
      const job: Job | undefined = await queue.getJob(id);
      if (!pending.has(id) || finished) return;
      if (!job) {
        await queue.add(entry.job.name, entry.job.data, { ...jobOptions, jobId: id });
        return;
      }
      const state = await job.getState();
      if (state === 'completed') settle(id, job.returnvalue);
      else if (state === 'failed') failWith(id, job.failedReason ?? 'unknown error');
    };
    const onCompleted = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }): void => settle(jobId, returnvalue);
    const onFailed = ({ jobId }: { jobId: string }): void => {
      // A failed attempt that will be retried also reports here: look at the job's state.
      if (pending.has(jobId)) void inspect(jobId).catch((error: Error) => finish(connection.lost ?? error));
    };
    const unsubscribe = connection.onLost((error) => finish(error));
    events.on('completed', onCompleted);
    events.on('failed', onFailed);

    const poll = async (): Promise<void> => {
      timer = null;
      if (finished) return;
      try {
        // A slice of the unfinished jobs per tick (round robin): results normally come as events,
        // so this only catches what events missed (a Redis restart) without flooding Redis.
        const ids = [...pending.keys()];
        if (cursor >= ids.length) cursor = 0;
        const slice = ids.slice(cursor, cursor + POLL_BATCH);
        cursor += POLL_BATCH;
        await Promise.all(slice.map((id) => inspect(id)));
        if (!finished && !warned && Date.now() - lastProgress > idleWarningMs && (await queue.getWorkersCount()) === 0) {
          warned = true;
          log(`waiting for workers: none is connected to queue '${connection.name}' at ${connection.target.display} (start one with: worldmodels worker --redis ${connection.target.display} --queue ${connection.name})`);
        }
      } catch (error) {
        finish(connection.lost ?? (error as Error));
        return;
      }
      if (!finished) timer = setTimeout(() => void poll(), pollIntervalMs);
    };

    const start = async (): Promise<void> => {
      // A job left failed by an earlier run with the same content would fail this run at once: clear it.
      const existing = await Promise.all([...pending.keys()].map(async (id) => [id, await queue.getJob(id)] as const));
      for (const [id, job] of existing) if (job && (await job.getState()) === 'failed') await job.remove();
      const adds = [...pending.values()].map(({ job }) => ({ name: job.name, data: job.data, opts: { ...jobOptions, jobId: job.id } }));
      for (let i = 0; i < adds.length; i += 500) await queue.addBulk(adds.slice(i, i + 500));
      // Jobs that completed before this call (the same content, or a coordinator restarted mid-run) are taken now.
      await poll();
    };
    start().catch((error: Error) => finish(connection.lost ?? connection.target.unreachable(error, 'adding jobs failed on Redis')));
  });
}
