/**
 * Benchmarks of @worldmodels/queue (`npm run bench -- --case queue-evaluate-pop16`):
 * - queue-evaluate-pop16: CarRacing-v0 episodes per second scoring a population of 16 linear pixel
 *   controllers through the BullMQ queue with 2 worker processes (1 thread each) on a local
 *   redis-server, against controller-es's local pool of 2 worker threads (`peer_per_s`), as in
 *   controller-es's evaluate-carracing-pop16 case. `ratio` = queue / local; `identical` says
 *   whether both gave the same fitness values.
 */
import { EvaluationPool, carRacingPixelParamCount, evaluatePopulation } from '@worldmodels/controller-es';
import { Rng } from '@worldmodels/core/rng';
import { QueueEvaluationPool } from '../src/coordinator/queue-evaluation-pool.js';
import { evaluatePopulationOnQueue } from '../src/coordinator/evaluate-population-on-queue.js';
import { REDIS_MISSING, TestRedis, redisServerAvailable } from '../src/testing/redis-server.fixture.js';
import { WorkerProcess } from '../src/testing/worker-process.fixture.js';

export interface BenchResult {
  case: string;
  unit: string;
  per_s: number;
  peer_per_s: number | null;
  ratio: number | null;
  [extra: string]: unknown;
}

export const benchCases: readonly string[] = ['queue-evaluate-pop16'];

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** Episodes per second of 16 CarRacing candidates on the queue (2 worker processes) vs the local pool (2 threads). */
export async function benchQueueEvaluatePop16(): Promise<BenchResult> {
  if (!redisServerAvailable()) throw new Error(REDIS_MISSING);
  // Resolved by each worker from its own installation (the package's export map).
  const makeWorker = { module: '@worldmodels/controller-es/carracing-evaluator', options: {} };
  const rng = new Rng(4);
  const candidates = Array.from({ length: 16 }, () => rng.fillNormal(new Float64Array(carRacingPixelParamCount()), 0, 0.1));

  // Local pool first, alone on the machine: warm-up generation (thread start, JIT) on another seed, then the timed one.
  const local = new EvaluationPool({ makeWorker: { module: new URL(import.meta.resolve(makeWorker.module)), options: {} }, workers: 2 });
  let localSeconds: number;
  let localFitness: number[];
  try {
    await evaluatePopulation({ candidates: candidates.slice(0, 2), seed: 99, pool: local });
    const t0 = performance.now();
    localFitness = (await evaluatePopulation({ candidates, seed: 1, pool: local })).fitness;
    localSeconds = (performance.now() - t0) / 1000;
  } finally {
    await local.close();
  }

  const redis = await TestRedis.start();
  const workers: WorkerProcess[] = [];
  let queue: QueueEvaluationPool | null = null;
  try {
    workers.push(...(await Promise.all(['bench-0', 'bench-1'].map((name) => WorkerProcess.start(name, ['--redis', redis.url, '--concurrency', '1'])))));
    queue = await QueueEvaluationPool.open({ redis: redis.url, makeWorker, pollIntervalMs: 500 });
    await evaluatePopulationOnQueue({ candidates: candidates.slice(0, 2), seed: 99, queue });
    const t0 = performance.now();
    const { fitness } = await evaluatePopulationOnQueue({ candidates, seed: 1, queue });
    const seconds = (performance.now() - t0) / 1000;
    const perS = 16 / seconds;
    const peer = 16 / localSeconds;
    return {
      case: 'queue-evaluate-pop16',
      unit: 'episodes/s',
      per_s: round(perS),
      peer_per_s: round(peer),
      ratio: round(perS / peer),
      workers: 2,
      identical: JSON.stringify(fitness) === JSON.stringify(localFitness),
    };
  } finally {
    await queue?.close();
    await Promise.all(workers.map((w) => w.stop()));
    await redis.dispose();
  }
}

export async function* runBenchCases(names?: string[]): AsyncIterable<BenchResult> {
  const wanted = names ?? [...benchCases];
  for (const name of wanted) {
    if (name === 'queue-evaluate-pop16') yield await benchQueueEvaluatePop16();
    else throw new Error(`unknown queue bench case '${name}' (known: ${benchCases.join(', ')})`);
  }
}
