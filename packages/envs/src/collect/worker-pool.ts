import type { Worker } from 'node:worker_threads';
import type { EpisodeJobConfig, EpisodeSummary } from './episode-job.js';
import type { WorkerReply } from './rollout-worker-main.js';
import { startRolloutWorker } from './worker-entry.js';

/**
 * Runs episode indices over `size` worker threads, handing each worker the next index as soon as
 * it finishes one. The first error (from an episode, a worker that fails to start, or a worker
 * that dies) stops every worker and rejects with a message naming the episode.
 */
export async function runOnWorkers(
  config: EpisodeJobConfig,
  indices: readonly number[],
  size: number,
  onDone: (summary: EpisodeSummary) => void | Promise<void>,
): Promise<void> {
  if (indices.length === 0) return;
  const queue = [...indices];
  const workers: Worker[] = [];
  let finished = 0;
  let failed = false;

  await new Promise<void>((resolve, reject) => {
    const fail = (message: string): void => {
      if (failed) return;
      failed = true;
      for (const w of workers) void w.terminate();
      reject(new Error(message));
    };
    const feed = (w: Worker): void => {
      const index = queue.shift();
      if (index !== undefined) w.postMessage({ type: 'run', index });
    };
    const count = Math.min(size, indices.length);
    for (let k = 0; k < count; k++) {
      let w: Worker;
      try {
        w = startRolloutWorker({ workerData: config });
      } catch (error) {
        fail(`could not start rollout worker ${k}: ${(error as Error).message}`);
        return;
      }
      workers.push(w);
      w.on('message', (msg: WorkerReply) => {
        if (failed) return;
        if (msg.type === 'ready') {
          feed(w);
        } else if (msg.type === 'done') {
          Promise.resolve(onDone(msg.summary)).then(
            () => {
              finished++;
              if (finished === indices.length) {
                for (const x of workers) void x.terminate();
                resolve();
              } else feed(w);
            },
            (error: unknown) => fail(`after episode ${msg.summary.index}: ${(error as Error).message}`),
          );
        } else if (msg.type === 'error') {
          fail(msg.index === null ? `rollout worker ${k} failed to start: ${msg.message}` : `episode ${msg.index} failed: ${msg.message}`);
        }
      });
      w.on('error', (error) => fail(`rollout worker ${k} crashed: ${error.stack ?? error.message}`));
      w.on('exit', (code) => {
        if (!failed && finished < indices.length) fail(`rollout worker ${k} exited (code ${code}) before the collection finished`);
      });
    }
  });
}
