import { parentPort, workerData } from 'node:worker_threads';
import { EpisodeJob, type EpisodeJobConfig, type EpisodeSummary } from './episode-job.js';

export type WorkerRequest = { type: 'run'; index: number };
export type WorkerReply = { type: 'ready' } | { type: 'done'; summary: EpisodeSummary } | { type: 'error'; index: number | null; message: string };

/**
 * The body of a rollout worker thread (used by `collectRollouts`; not for direct use). It reads
 * an {@link EpisodeJobConfig} from `workerData`, answers `{ type: 'ready' }`, then collects the
 * episode of every `{ type: 'run', index }` message, one at a time, and answers
 * `{ type: 'done', summary }` or `{ type: 'error', index, message }`.
 */
export async function runRolloutWorker(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('runRolloutWorker must run in a worker thread');
  let job: EpisodeJob;
  try {
    job = await EpisodeJob.create(workerData as EpisodeJobConfig);
  } catch (error) {
    port.postMessage({ type: 'error', index: null, message: describeError(error) } satisfies WorkerReply);
    return;
  }
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (msg: WorkerRequest) => {
    if (msg?.type !== 'run') return;
    chain = chain.then(async () => {
      try {
        const summary = await job.run(msg.index);
        port.postMessage({ type: 'done', summary } satisfies WorkerReply);
      } catch (error) {
        port.postMessage({ type: 'error', index: msg.index, message: describeError(error) } satisfies WorkerReply);
      }
    });
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
}

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
