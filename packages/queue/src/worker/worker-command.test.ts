import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CMAES, evaluatePopulation } from '@worldmodels/controller-es';
import { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueEvaluationPool } from '../coordinator/queue-evaluation-pool.js';
import { evaluatePopulationOnQueue } from '../coordinator/evaluate-population-on-queue.js';
import { freePort, TestRedis } from '../testing/redis-server.fixture.js';
import { WorkerProcess } from '../testing/worker-process.fixture.js';
import { BENCHMARK_EVALUATOR, HAVE_REDIS, sleep, testWorkerArgs } from '../testing/queue-test-env.fixture.js';
import { runWorker } from './run-worker.js';
import { workerOptionsFromFlags } from './worker-command.js';

const BIN = fileURLToPath(new URL('../bin/worldmodels-worker.ts', import.meta.url));

describe('worker flags', () => {
  it('turn into runWorker options, with errors naming the flag', () => {
    expect(workerOptionsFromFlags({ redis: 'redis://127.0.0.1:1', concurrency: '3', lockDuration: '1500', queue: 'q' }, {})).toEqual({
      redis: 'redis://127.0.0.1:1', concurrency: 3, lockDurationMs: 1500, queue: 'q', shutdownTimeoutMs: 30_000,
    });
    expect(workerOptionsFromFlags({}, { WORLDMODELS_REDIS_URL: 'redis://127.0.0.1:2' }).redis).toBe('redis://127.0.0.1:2');
    expect(() => workerOptionsFromFlags({}, {})).toThrow(/needs --redis <url> \(or WORLDMODELS_REDIS_URL\)/);
    expect(() => workerOptionsFromFlags({ redis: 'redis://127.0.0.1:1', concurrency: 'two' }, {})).toThrow(/--concurrency must be an integer ≥ 1, got 'two'/);
    expect(() => workerOptionsFromFlags({ redis: 'redis://127.0.0.1:1', lockDuration: '5' }, {})).toThrow(/--lock-duration must be an integer ≥ 100/);
  });

  it('fail fast, naming the URL, when Redis is unreachable (runWorker and the bin)', async () => {
    const port = await freePort();
    await expect(runWorker({ redis: `redis://127.0.0.1:${port}`, concurrency: 1, log: () => {} })).rejects.toThrow(new RegExp(`cannot reach Redis at redis://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    await expect(QueueEvaluationPool.open({ redis: `redis://127.0.0.1:${port}`, makeWorker: { module: BENCHMARK_EVALUATOR } })).rejects.toThrow(/cannot reach Redis at redis:\/\/127\.0\.0\.1/);
    const child = spawn(process.execPath, ['--conditions=worldmodels-source', '--import', 'tsx', BIN, '--redis', `redis://127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(1);
    expect(err).toMatch(new RegExp(`worldmodels-worker: cannot reach Redis at redis://127\\.0\\.0\\.1:${port}`));
  });
});

describe.skipIf(!HAVE_REDIS)('worker shutdown on SIGTERM', () => {
  let redis: TestRedis;
  const started: WorkerProcess[] = [];
  const pools: QueueEvaluationPool[] = [];

  beforeAll(async () => {
    redis = await TestRedis.start();
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
    await Promise.all(started.map((w) => w.stop()));
    await redis?.dispose();
  });

  const slow = (ms: number) => ({ module: BENCHMARK_EVALUATOR, options: { function: 'sphere', noise: 0.1, delayMs: ms } });

  async function activeOn(pool: QueueEvaluationPool, worker: string): Promise<Job> {
    for (;;) {
      const job = (await pool.connection.queue.getActive()).find((j) => j.processedBy === worker);
      if (job) return job;
      await sleep(20);
    }
  }

  it('finishes the running job, then exits 0', async () => {
    const w = await WorkerProcess.start('finisher', testWorkerArgs(redis.url, ['--queue', 'finish']));
    started.push(w);
    const pool = await QueueEvaluationPool.open({ redis: redis.url, queue: 'finish', makeWorker: slow(1500), pollIntervalMs: 200 });
    pools.push(pool);
    const candidates = new CMAES({ dim: 3, sigma: 1, popSize: 4, seed: 1 }).ask().slice(0, 1);
    const running = evaluatePopulationOnQueue({ candidates, seed: 2, queue: pool });
    await activeOn(pool, 'finisher');
    w.kill('SIGTERM');
    const result = await running;
    expect(await w.exited).toBe(0);
    expect(w.output).toMatch(/SIGTERM: finishing running jobs/);
    expect(result).toEqual(await evaluatePopulation({ candidates, seed: 2, makeWorker: slow(0), workers: 0 }));
  });

  it('hands the running job back to the queue after --shutdown-timeout, for another worker to finish', async () => {
    const quitter = await WorkerProcess.start('quitter', testWorkerArgs(redis.url, ['--queue', 'release', '--shutdown-timeout', '200']));
    started.push(quitter);
    const pool = await QueueEvaluationPool.open({ redis: redis.url, queue: 'release', makeWorker: slow(4000), pollIntervalMs: 200 });
    pools.push(pool);
    const candidates = new CMAES({ dim: 3, sigma: 1, popSize: 4, seed: 3 }).ask().slice(0, 1);
    const running = evaluatePopulationOnQueue({ candidates, seed: 5, queue: pool });
    const job = await activeOn(pool, 'quitter');
    const t0 = Date.now();
    quitter.kill('SIGTERM');
    expect(await quitter.exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(3_500); // did not wait for the 4 s episode
    const back = await Job.fromId(pool.connection.queue, job.id!);
    expect(await back!.getState()).toBe('waiting');
    expect(back!.attemptsMade).toBe(0); // released, not failed
    const heir = await WorkerProcess.start('heir', testWorkerArgs(redis.url, ['--queue', 'release']));
    started.push(heir);
    const result = await running;
    expect(result).toEqual(await evaluatePopulation({ candidates, seed: 5, makeWorker: slow(0), workers: 0 }));
  });
});
