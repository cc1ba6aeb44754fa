import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CMAES, EvaluationPool, type WorkerSpec } from '@worldmodels/controller-es';
import { writeCheckpointDir } from '@worldmodels/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishCheckpoint } from '../checkpoints/checkpoint-ref.js';
import { TestRedis } from '../testing/redis-server.fixture.js';
import { WorkerProcess } from '../testing/worker-process.fixture.js';
import { BENCHMARK_EVALUATOR, CHECKPOINT_EVALUATOR, HAVE_REDIS, sleep, testWorkerArgs } from '../testing/queue-test-env.fixture.js';
import { evaluatePopulationOnQueue } from './evaluate-population-on-queue.js';
import { QueueEvaluationPool } from './queue-evaluation-pool.js';

describe.skipIf(!HAVE_REDIS)('evaluatePopulationOnQueue with 3 worker processes', () => {
  let redis: TestRedis;
  let tmp: string;
  const workers: WorkerProcess[] = [];
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    redis = await TestRedis.start();
    tmp = await mkdtemp(join(tmpdir(), 'wm-queue-eval-'));
    workers.push(...(await Promise.all(['w0', 'w1', 'w2'].map((name) => WorkerProcess.start(name, testWorkerArgs(redis.url, ['--cache-dir', join(tmp, `cache-${name}`)]))))));
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
    const codes = await Promise.all(workers.map((w) => w.stop()));
    await redis?.dispose();
    await rm(tmp, { recursive: true, force: true });
    // Every worker still running at the end shuts down cleanly on SIGTERM.
    expect(codes.filter((c, i) => workers[i]!.name !== 'w1')).toEqual(codes.filter((_, i) => workers[i]!.name !== 'w1').map(() => 0));
  });

  async function pools(spec: WorkerSpec, extra: Partial<Parameters<typeof QueueEvaluationPool.open>[0]> = {}): Promise<{ queue: QueueEvaluationPool; local: EvaluationPool }> {
    const queue = await QueueEvaluationPool.open({ redis: redis.url, makeWorker: spec, pollIntervalMs: 250, ...extra });
    const local = new EvaluationPool({ makeWorker: spec, workers: 2 });
    closers.push(() => queue.close(), () => local.close());
    return { queue, local };
  }

  it('scores CMA-ES generations exactly as the local worker-thread pool', async () => {
    const spec = { module: BENCHMARK_EVALUATOR, options: { function: 'rosenbrock', noise: 0.3, delayMs: 15 } };
    const { queue, local } = await pools(spec);
    expect(await queue.connection.queue.getWorkersCount()).toBe(3);
    const completedJobs = new Set<string>();
    queue.connection.events.on('completed', ({ jobId }) => completedJobs.add(jobId));
    const onQueue = new CMAES({ dim: 8, sigma: 0.4, popSize: 12, seed: 21 });
    const here = new CMAES({ dim: 8, sigma: 0.4, popSize: 12, seed: 21 });
    for (let g = 0; g < 2; g++) {
      const candidates = onQueue.ask();
      const q = await evaluatePopulationOnQueue({ candidates, episodes: 3, seed: 7, generation: g, queue });
      const { evaluatePopulation } = await import('@worldmodels/controller-es');
      const l = await evaluatePopulation({ candidates: here.ask(), episodes: 3, seed: 7, generation: g, pool: local });
      expect(q.fitness).toHaveLength(12);
      expect(q.returns.every((r) => r.length === 3)).toBe(true);
      expect(q).toEqual(l); // fitness, per-episode returns and seeds, bit for bit
      expect(new Set(q.fitness).size).toBe(12);
      onQueue.tell(q.fitness);
      here.tell(l.fitness);
    }
    expect(Array.from(onQueue.mean)).toEqual(Array.from(here.mean));
    expect(completedJobs.size).toBe(2 * 12); // one job per candidate and generation (3 episodes ≤ episodesPerJob 16)
    // One job per candidate here (episodes batched), or per episode with episodesPerJob: 1.
    const perEpisode = await QueueEvaluationPool.open({ redis: redis.url, makeWorker: spec, episodesPerJob: 1 });
    closers.push(() => perEpisode.close());
    const candidates = onQueue.ask();
    const perEpisodeJobs = new Set<string>();
    perEpisode.connection.events.on('completed', ({ jobId }) => perEpisodeJobs.add(jobId));
    const a = await evaluatePopulationOnQueue({ candidates, episodes: 2, seed: 8, generation: 2, commonSeeds: true, queue: perEpisode });
    expect(perEpisodeJobs.size).toBe(12 * 2);
    const { evaluatePopulation } = await import('@worldmodels/controller-es');
    expect(a).toEqual(await evaluatePopulation({ candidates, episodes: 2, seed: 8, generation: 2, commonSeeds: true, pool: local }));
  });

  it('finishes a generation with every result when a worker is killed mid-job (its stalled job goes to another worker)', async () => {
    const spec = { module: BENCHMARK_EVALUATOR, options: { function: 'rastrigin', noise: 0.2, delayMs: 300 } };
    const { queue, local } = await pools(spec);
    const stalled: string[] = [];
    queue.connection.events.on('stalled', ({ jobId }) => stalled.push(jobId));
    const candidates = new CMAES({ dim: 6, sigma: 0.5, popSize: 9, seed: 5 }).ask();
    const running = evaluatePopulationOnQueue({ candidates, episodes: 1, seed: 3, generation: 4, queue });
    let victimJob: string | undefined;
    const deadline = Date.now() + 20_000;
    while (!victimJob && Date.now() < deadline) {
      victimJob = (await queue.connection.queue.getActive()).find((j) => j.processedBy === 'w1')?.id;
      if (!victimJob) await sleep(20);
    }
    expect(victimJob).toBeDefined();
    workers[1]!.kill('SIGKILL');
    const result = await running;
    expect(await workers[1]!.exited).toBe(null); // died by the signal
    expect(stalled).toContain(victimJob);
    expect(result.fitness.every((f) => Number.isFinite(f))).toBe(true);
    const { evaluatePopulation } = await import('@worldmodels/controller-es');
    expect(result).toEqual(await evaluatePopulation({ candidates, episodes: 1, seed: 3, generation: 4, pool: local }));
    workers.push(await WorkerProcess.start('w3', testWorkerArgs(redis.url, ['--cache-dir', join(tmp, 'cache-w3')])));
  });

  it('resumes after Redis restarts, between generations and in the middle of one', async () => {
    const spec = { module: BENCHMARK_EVALUATOR, options: { function: 'sphere', noise: 0.5, delayMs: 100 } };
    const { queue, local } = await pools(spec);
    const { evaluatePopulation } = await import('@worldmodels/controller-es');
    const es = new CMAES({ dim: 4, sigma: 0.3, popSize: 8, seed: 9 });
    for (let g = 0; g < 3; g++) {
      const candidates = es.ask();
      const running = evaluatePopulationOnQueue({ candidates, episodes: 2, seed: 1, generation: g, queue });
      if (g === 2) {
        // Mid-generation: wait until jobs are running, then lose every job and result in Redis.
        while ((await queue.connection.queue.getActiveCount()) === 0) await sleep(20);
        await redis.restart();
      }
      const q = await running;
      expect(q).toEqual(await evaluatePopulation({ candidates, episodes: 2, seed: 1, generation: g, pool: local }));
      es.tell(q.fitness);
      if (g === 0) await redis.restart(); // between generations
    }
    for (const w of workers.filter((w) => w.name !== 'w1')) expect(w.child.exitCode).toBe(null); // the workers rode out both restarts
  });

  it("runs controller-es's trainController on the queue pool unchanged, riding out a Redis restart between generations", async () => {
    const spec = { module: BENCHMARK_EVALUATOR, options: { function: 'ellipsoid', noise: 0.2 } };
    const { queue } = await pools(spec);
    const { trainController, RUN_FILES } = await import('@worldmodels/controller-es');
    const run = async (runDir: string, pool?: QueueEvaluationPool) =>
      trainController({
        es: new CMAES({ dim: 5, sigma: 0.5, popSize: 6, seed: 13 }),
        generations: 3, episodesPerMember: 2, evalEvery: 3, evalEpisodes: 4, seed: 6, runDir,
        evaluator: spec, workers: 0,
        // trainController only calls pool.run(jobs) and evaluatePopulation({ pool }); a typed
        // `pool?: { run, close }` in controller-es would drop this cast.
        ...(pool && { pool: pool as unknown as EvaluationPool }),
        onGeneration: async (record) => {
          if (pool && record.generation === 1) await redis.restart();
        },
      });
    const onQueue = await run(join(tmp, 'run-queue'), queue);
    const here = await run(join(tmp, 'run-local'));
    expect(Array.from(onQueue.es.mean)).toEqual(Array.from(here.es.mean));
    expect(onQueue.best?.score).toBe(here.best?.score);
    const read = async (dir: string) => JSON.parse(await readFile(join(tmp, dir, RUN_FILES.checkpoint), 'utf8')) as unknown;
    expect(await read('run-queue')).toEqual(await read('run-local'));
  });

  it('gets V/M checkpoints to workers by content hash from a URL, verified, and refuses corrupted ones', async () => {
    const target = Float64Array.from([0.5, -1, 2, 0.25]);
    const dir = join(tmp, 'model');
    await writeCheckpointDir(dir, { 'target.bin': new Uint8Array(target.buffer) }, { weights: [{ name: 'target', shape: [4], dtype: 'float64' }], metadata: {} });
    const server: Server = createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
      const broken = path.startsWith('/broken/');
      readFile(join(tmp, broken ? path.slice('/broken'.length) : path)).then(
        (bytes) => {
          if (broken && path.endsWith('.bin')) bytes[0] = bytes[0]! ^ 1;
          res.end(bytes);
        },
        () => {
          res.statusCode = 404;
          res.end();
        },
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    const published = await publishCheckpoint(dir, { url: `${base}/model` });
    const ref = { sha256: published.sha256, url: published.url! }; // no shared path: workers must download
    const queue = await QueueEvaluationPool.open({ redis: redis.url, makeWorker: { module: CHECKPOINT_EVALUATOR, options: {} }, checkpoints: { model: ref }, pollIntervalMs: 250 });
    closers.push(() => queue.close());
    const local = new EvaluationPool({ makeWorker: { module: CHECKPOINT_EVALUATOR, options: { model: dir } }, workers: 0 });
    const candidates = new CMAES({ dim: 4, sigma: 1, popSize: 6, seed: 2 }).ask();
    const { evaluatePopulation } = await import('@worldmodels/controller-es');
    const q = await evaluatePopulationOnQueue({ candidates, episodes: 2, seed: 4, queue });
    expect(q).toEqual(await evaluatePopulation({ candidates, episodes: 2, seed: 4, pool: local }));

    // Another checkpoint (not in any worker's cache yet), served with a flipped bit.
    const dir2 = join(tmp, 'model2');
    await writeCheckpointDir(dir2, { 'target.bin': new Uint8Array(Float64Array.from([1, 1, 1, 1]).buffer) }, { weights: [{ name: 'target', shape: [4], dtype: 'float64' }], metadata: {} });
    const other = await publishCheckpoint(dir2);
    const corrupted = await QueueEvaluationPool.open({
      redis: redis.url,
      makeWorker: { module: CHECKPOINT_EVALUATOR, options: {} },
      checkpoints: { model: { sha256: other.sha256, url: `${base}/broken/model2` } },
      maxAttempts: 2,
      pollIntervalMs: 250,
    });
    closers.push(() => corrupted.close());
    await expect(evaluatePopulationOnQueue({ candidates: candidates.slice(0, 1), episodes: 1, seed: 4, generation: 9, queue: corrupted })).rejects.toThrow(
      /generation 9 member 0 episode 0 failed after 2 attempt\(s\) on the queue 'worldmodels' at redis:\/\/127\.0\.0\.1:\d+: .*target\.bin fails its SHA-256 checksum/,
    );
  });
});
