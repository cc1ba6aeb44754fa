import { Queue, QueueEvents } from 'bullmq';
import { DEFAULT_QUEUE } from '../jobs/job-types.js';
import { RedisTarget } from '../redis/redis-target.js';

/** Where the jobs go: a Redis URL and a queue name (the same on the coordinator and the workers). */
export interface QueueConnectionOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379` (or `rediss://user:pass@host:port/db`). */
  redis: string;
  /** Queue name (default `worldmodels`). */
  queue?: string;
  /** BullMQ key prefix (default `bull`). */
  prefix?: string;
  /** How long a lost connection may take to come back (Redis restarting) before failing, ms (default 60 000). */
  reconnectTimeoutMs?: number;
  /** Time limit of the first connection, ms (default 5 000). */
  connectTimeoutMs?: number;
}

/**
 * The coordinator's side of the queue: a BullMQ `Queue` to add jobs and a `QueueEvents` stream to
 * hear of results, on connections that fail fast when Redis is not there and ride out a restart.
 */
export class QueueConnection {
  private lostError: Error | null = null;
  private readonly lostListeners = new Set<(error: Error) => void>();
  private closed = false;

  private constructor(
    readonly target: RedisTarget,
    readonly name: string,
    readonly queue: Queue,
    readonly events: QueueEvents,
  ) {}

  /** Connects (failing fast, with the URL in the message, when Redis cannot be reached). */
  static async open(options: QueueConnectionOptions): Promise<QueueConnection> {
    if (!options || typeof options !== 'object') throw new Error('queue options must be { redis: URL, queue?: name }');
    const target = new RedisTarget(options.redis, options);
    const name = options.queue ?? DEFAULT_QUEUE;
    if (typeof name !== 'string' || name === '' || name.includes(':')) throw new Error(`queue name must be a non-empty string without ':', got ${JSON.stringify(name)}`);
    await target.probe();
    const common = { connection: target.connectionOptions(), ...(options.prefix !== undefined && { prefix: options.prefix }) };
    const queue = new Queue(name, common);
    const events = new QueueEvents(name, common);
    const connection = new QueueConnection(target, name, queue, events);
    queue.on('error', () => {}); // connection trouble surfaces through 'end' below or failed commands
    events.on('error', () => {});
    try {
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
      for (const client of [await queue.client, await events.client]) {
        client.on('end', () => connection.lose(target.unreachable('the connection closed and could not be re-established', `lost Redis for more than ${target.reconnectTimeoutMs} ms`)));
      }
    } catch (error) {
      await connection.close();
      throw target.unreachable(error);
    }
    return connection;
  }

  /** The error that ended the connection, if it ended. */
  get lost(): Error | null {
    return this.lostError;
  }

  /** Calls `listener` once if the connection is lost for good; returns an unsubscribe function. */
  onLost(listener: (error: Error) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  private lose(error: Error): void {
    if (this.closed || this.lostError) return;
    this.lostError = error;
    for (const l of this.lostListeners) l(error);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([this.events.close(), this.queue.close()]);
  }
}
