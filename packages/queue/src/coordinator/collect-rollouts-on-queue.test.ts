import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetReader, decodeNpz, episodeStem } from '@worldmodels/core/dataset';
import { type CollectOptions, collectRollouts } from '@worldmodels/envs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRedis } from '../testing/redis-server.fixture.js';
import { WorkerProcess } from '../testing/worker-process.fixture.js';
import { HAVE_REDIS, testWorkerArgs } from '../testing/queue-test-env.fixture.js';
import { collectRolloutsOnQueue } from './collect-rollouts-on-queue.js';

/** Each episode's arrays as text (npz headers carry a time stamp, so files are compared by content). */
async function episodeContents(out: string, n: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const arrays = decodeNpz(new Uint8Array(await readFile(join(out, 'episodes', `${episodeStem(i)}.npz`))));
      return ['observations', 'actions', 'rewards', 'dones']
        .map((k) => `${k}${JSON.stringify(arrays[k]!.shape)}:${Buffer.from(arrays[k]!.data.buffer, arrays[k]!.data.byteOffset, arrays[k]!.data.byteLength).toString('base64')}`)
        .join('|');
    }),
  );
}

describe.skipIf(!HAVE_REDIS)('collectRolloutsOnQueue with 2 worker processes', () => {
  let redis: TestRedis;
  let tmp: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    redis = await TestRedis.start();
    tmp = await mkdtemp(join(tmpdir(), 'wm-queue-collect-'));
    workers.push(...(await Promise.all(['r0', 'r1'].map((name) => WorkerProcess.start(name, testWorkerArgs(redis.url))))));
  });
  afterAll(async () => {
    const codes = await Promise.all(workers.map((w) => w.stop()));
    await redis?.dispose();
    await rm(tmp, { recursive: true, force: true });
    expect(codes).toEqual([0, 0]);
  });

  it('collects the same Pong data set as a local collection, and resumes the same way', async () => {
    const base = (out: string): CollectOptions => ({ env: 'Pong-v0', policy: 'held', episodes: 4, seed: 7, maxSteps: 30, out, progress: false });
    const local = join(tmp, 'local');
    const queued = join(tmp, 'queued');
    await collectRollouts({ ...base(local), workers: 0 });
    const seen: number[] = [];
    const r = await collectRolloutsOnQueue({ ...base(queued), queue: { redis: redis.url, pollIntervalMs: 250 }, onEpisode: (s) => seen.push(s.index) });
    expect(r).toMatchObject({ collected: 4, kept: 0, repaired: [], steps: 4 * 30 });
    expect(seen.sort()).toEqual([0, 1, 2, 3]);
    const a = await episodeContents(queued, 4);
    const b = await episodeContents(local, 4);
    for (let i = 0; i < 4; i++) expect(a[i] === b[i]).toBe(true);
    expect(a[0] === a[1]).toBe(false);
    const [ra, rb] = await Promise.all([DatasetReader.open(queued), DatasetReader.open(local)]);
    expect(ra.episodes.map((e) => [e.id, e.length, e.seed])).toEqual(rb.episodes.map((e) => [e.id, e.length, e.seed]));
    expect(ra.manifest.info).toEqual(rb.manifest.info);

    // A lost episode file is collected again on the queue, identical; the others are kept.
    await rm(join(queued, 'episodes', `${episodeStem(2)}.npz`));
    const again = await collectRolloutsOnQueue({ ...base(queued), queue: { redis: redis.url, pollIntervalMs: 250 } });
    expect(again).toMatchObject({ collected: 1, kept: 3, repaired: [2] });
    expect((await episodeContents(queued, 4))[2] === b[2]).toBe(true);
    // envs's own checks still hold: other settings are refused rather than mixed in.
    await expect(collectRolloutsOnQueue({ ...base(queued), seed: 8, queue: { redis: redis.url } })).rejects.toThrow(/collected with other settings/);
  });
});
