import { type EvaluatePopulationOptions, type EvaluationPool, type PopulationFitness, evaluatePopulation } from '@worldmodels/controller-es';
import { QueueEvaluationPool, type QueueEvaluationPoolOptions } from './queue-evaluation-pool.js';

export interface EvaluatePopulationOnQueueOptions extends Omit<EvaluatePopulationOptions, 'pool' | 'workers' | 'maxAttempts'> {
  /** An open {@link QueueEvaluationPool} (kept open), or the queue to open one on for this call (`makeWorker` is then required). */
  queue: QueueEvaluationPool | Omit<QueueEvaluationPoolOptions, 'makeWorker'>;
}

/**
 * `evaluatePopulation` of controller-es with the episodes scored by queue workers: the same seeds
 * (derived from seed, generation, member, episode), the same fitness arithmetic (it is
 * controller-es's own function, given a queue pool), and so the same result as a local run.
 */
export async function evaluatePopulationOnQueue(options: EvaluatePopulationOnQueueOptions): Promise<PopulationFitness> {
  const { queue, ...rest } = options;
  if (!queue || typeof queue !== 'object') throw new Error('evaluatePopulationOnQueue needs queue: an open QueueEvaluationPool or { redis: URL, queue?: name }');
  const own = !(queue instanceof QueueEvaluationPool);
  if (own && !options.makeWorker) throw new Error('evaluatePopulationOnQueue needs makeWorker (the evaluator module the workers build) when queue is not an open pool');
  const pool = queue instanceof QueueEvaluationPool ? queue : await QueueEvaluationPool.open({ ...queue, makeWorker: options.makeWorker! });
  try {
    // evaluatePopulation only calls pool.run(jobs, onDone); QueueEvaluationPool has that method.
    return await evaluatePopulation({ ...rest, pool: pool as unknown as EvaluationPool });
  } finally {
    if (own) await pool.close();
  }
}
