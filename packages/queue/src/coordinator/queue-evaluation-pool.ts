import type { EvaluationJob, WorkerSpec } from '@worldmodels/controller-es';
import type { CheckpointRef } from '../checkpoints/checkpoint-ref.js';
import { encodeFloat64, decodeFloat64 } from '../jobs/float64-codec.js';
import { paramsHash, sha256, stableJson } from '../jobs/content-hash.js';
import { EVALUATE_JOB, type EvaluateJobData, type EvaluateJobResult, type EvaluatorRef } from '../jobs/job-types.js';
import { jobModuleSpecifier } from '../jobs/module-specifier.js';
import { QueueConnection, type QueueConnectionOptions } from './queue-connection.js';
import { runJobs, type QueuedJob, type RunJobsOptions } from './run-jobs.js';

export interface QueueEvaluationPoolOptions extends QueueConnectionOptions, Omit<RunJobsOptions, 'maxAttempts'> {
  /** The worker module every queue worker builds its evaluator from (controller-es's convention). */
  makeWorker: WorkerSpec;
  /** V/M checkpoints by content hash ({@link publishCheckpoint}); each becomes evaluator option `name` on the worker. */
  checkpoints?: Record<string, CheckpointRef>;
  /**
   * At most this many consecutive episodes of one candidate per job (default 16; 0 = no limit).
   * A job's episodes run in parallel on one worker's threads; smaller batches spread one
   * candidate (e.g. 1024 evaluation episodes of the mean) over more machines.
   */
  episodesPerJob?: number;
  /** Attempts per job, failures and stalls counted (default 3). */
  maxAttempts?: number;
}

/**
 * controller-es's `EvaluationPool`, on a BullMQ queue: the same `run(jobs, onDone)` and `close()`,
 * so `evaluatePopulation({ pool })` and `trainController({ pool })` use it unchanged. The
 * consecutive episodes of one candidate are batched into one job (up to `episodesPerJob`); the
 * job carries the parameters (float64, with their SHA-256) and the episode seeds, and any number
 * of `worldmodels worker` processes score it with the very evaluator code of the local pool, so
 * the scores are identical to a local run.
 */
export class QueueEvaluationPool {
  readonly maxAttempts: number;
  readonly episodesPerJob: number;
  private readonly evaluator: EvaluatorRef;
  private readonly evaluatorHash: string;
  private closed = false;

  private constructor(
    readonly connection: QueueConnection,
    private readonly options: QueueEvaluationPoolOptions,
  ) {
    const spec = options.makeWorker;
    this.evaluator = {
      module: jobModuleSpecifier(spec.module),
      ...(spec.options !== undefined && { options: spec.options }),
      ...(spec.exportName !== undefined && { exportName: spec.exportName }),
      ...(options.checkpoints !== undefined && { checkpoints: options.checkpoints }),
    };
    this.evaluatorHash = sha256(stableJson(this.evaluator));
    this.maxAttempts = options.maxAttempts ?? 3;
    this.episodesPerJob = options.episodesPerJob ?? 16;
  }

  /** Connects to Redis (failing fast with the URL when it is unreachable). */
  static async open(options: QueueEvaluationPoolOptions): Promise<QueueEvaluationPool> {
    if (!options?.makeWorker || typeof options.makeWorker !== 'object') throw new Error('QueueEvaluationPool needs makeWorker: { module, options?, exportName? }');
    const per = options.episodesPerJob ?? 16;
    if (!Number.isInteger(per) || per < 0) throw new Error(`episodesPerJob must be an integer ≥ 0, got ${per}`);
    const attempts = options.maxAttempts ?? 3;
    if (!Number.isInteger(attempts) || attempts < 1) throw new Error(`maxAttempts must be an integer ≥ 1, got ${attempts}`);
    try {
      JSON.stringify(options.makeWorker.options);
    } catch (error) {
      throw new Error(`makeWorker.options must be plain JSON data to travel in a job: ${(error as Error).message}`);
    }
    const connection = await QueueConnection.open(options);
    return new QueueEvaluationPool(connection, options);
  }

  /**
   * Scores every job; resolves to the scores in job order. `onDone(index, score)` is called for
   * each episode as its batch's result arrives. Rejects naming the job when it fails
   * `maxAttempts` times, or when Redis is lost for longer than `reconnectTimeoutMs`.
   */
  async run(jobs: readonly EvaluationJob[], onDone?: (index: number, score: number) => void): Promise<number[]> {
    if (this.closed) throw new Error('QueueEvaluationPool.run() after close()');
    const batches = this.batch(jobs);
    const scores = new Array<number>(jobs.length);
    const queued: QueuedJob<EvaluateJobData>[] = batches.map(({ params, indices }) => {
      const seeds = indices.map((i) => jobs[i]!.seed);
      const hash = paramsHash(params);
      const data: EvaluateJobData = {
        evaluator: this.evaluator,
        evaluatorHash: this.evaluatorHash,
        params: encodeFloat64(params),
        paramsSha256: hash,
        seeds,
        labels: indices.map((i) => jobs[i]!.label ?? `job ${i}`),
      };
      const first = jobs[indices[0]!]!;
      const label = indices.length === 1 ? (first.label ?? `job ${indices[0]}`) : `${first.label ?? `job ${indices[0]}`} (+${indices.length - 1} more episodes, seeds ${seeds.join(', ')})`;
      return { id: `ev-${sha256(`${this.evaluatorHash}|${hash}|${seeds.join(',')}`).slice(0, 40)}`, name: EVALUATE_JOB, data, label };
    });
    await runJobs<EvaluateJobData, EvaluateJobResult>(
      this.connection,
      queued,
      (b, result) => {
        const returns = decodeFloat64(result.returns, `result of ${queued[b]!.label}`);
        const { indices } = batches[b]!;
        if (returns.length !== indices.length) throw new Error(`${queued[b]!.label}: the worker returned ${returns.length} scores for ${indices.length} episodes`);
        indices.forEach((index, k) => {
          scores[index] = returns[k]!;
          onDone?.(index, returns[k]!);
        });
      },
      { ...this.options, maxAttempts: this.maxAttempts },
    );
    return scores;
  }

  /** Groups consecutive jobs of the same candidate (same parameters) into batches. */
  private batch(jobs: readonly EvaluationJob[]): { params: Float64Array; indices: number[] }[] {
    const batches: { params: Float64Array; indices: number[] }[] = [];
    let current: { params: Float64Array; indices: number[] } | null = null;
    jobs.forEach((job, index) => {
      if (!(job.params instanceof Float64Array)) throw new Error(`job ${index} (${job.label ?? ''}): params must be a Float64Array`);
      if (!Number.isInteger(job.seed)) throw new Error(`job ${index} (${job.label ?? ''}): seed must be an integer, got ${job.seed}`);
      const full = current !== null && this.episodesPerJob > 0 && current.indices.length >= this.episodesPerJob;
      if (current && !full && sameParams(current.params, job.params)) current.indices.push(index);
      else {
        current = { params: job.params, indices: [index] };
        batches.push(current);
      }
    });
    return batches;
  }

  /** Closes the Redis connections (the queue and its workers stay). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.connection.close();
  }
}

function sameParams(a: Float64Array, b: Float64Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
