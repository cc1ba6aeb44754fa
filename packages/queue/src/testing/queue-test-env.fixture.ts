import { fileURLToPath } from 'node:url';
import { REDIS_MISSING, redisServerAvailable } from './redis-server.fixture.js';

/** controller-es's benchmark evaluator module (−f(params) + seeded noise, optional busy delay), by path. */
export const BENCHMARK_EVALUATOR = fileURLToPath(new URL('../../../controller-es/src/evaluators/benchmark-evaluator.ts', import.meta.url));

/** This package's checkpoint-reading test evaluator, by path. */
export const CHECKPOINT_EVALUATOR = fileURLToPath(new URL('./checkpoint-evaluator.fixture.ts', import.meta.url));

/** Whether the queue tests can run here; prints why not once when they cannot. */
export const HAVE_REDIS = redisServerAvailable();
if (!HAVE_REDIS) process.stderr.write(`${REDIS_MISSING}\n`);

/** Worker flags for tests: short locks so a killed worker's job is retried within a few seconds. */
export function testWorkerArgs(url: string, extra: string[] = []): string[] {
  return ['--redis', url, '--concurrency', '1', '--lock-duration', '1500', '--stalled-interval', '1000', '--reconnect-timeout', '30000', ...extra];
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
