import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { addonPath } from './addon.js';
import { NATIVE } from './test-util/setup.js';
// @ts-expect-error: a plain ES module shared with the worker threads (no type declarations)
import { convLoop } from './test-util/conv-loop.worker.mjs';

const WORKER = fileURLToPath(new URL('./test-util/conv-loop.worker.mjs', import.meta.url));

function inWorker(seed: number, iterations: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: { addonPath: addonPath(), seed, iterations } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

describe.skipIf(!NATIVE)('the addon called from several Node worker threads at once', () => {
  it('gives every thread the results it gets alone (no shared scratch buffers)', async () => {
    const iterations = 60;
    const alone = [1, 2, 3].map((seed) => convLoop(addonPath(), seed, iterations) as number[]);
    const together = await Promise.all([1, 2, 3].map((seed) => inWorker(seed, iterations)));
    for (let s = 0; s < 3; s++) {
      expect(together[s]!.every(Number.isFinite)).toBe(true);
      expect(together[s]).toEqual(alone[s]);
    }
  });
});
