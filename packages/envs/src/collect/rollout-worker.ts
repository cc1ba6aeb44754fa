/**
 * Worker-thread entry of rollout collection. It receives an {@link EpisodeJobConfig} as
 * `workerData`, answers `{ type: 'ready' }`, then collects the episode index of every
 * `{ type: 'run', index }` message and answers `{ type: 'done', summary }` or
 * `{ type: 'error', index, message }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EpisodeJob, type EpisodeJobConfig } from './episode-job.js';

export type WorkerRequest = { type: 'run'; index: number };
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'done'; summary: import('./episode-job.js').EpisodeSummary }
  | { type: 'error'; index: number | null; message: string };

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('rollout-worker must run in a worker thread');
  let job: EpisodeJob;
  try {
    job = await EpisodeJob.create(workerData as EpisodeJobConfig);
  } catch (error) {
    port.postMessage({ type: 'error', index: null, message: describeError(error) } satisfies WorkerReply);
    return;
  }
  // Episodes run one at a time: a request arriving during a run waits its turn.
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

void main();
