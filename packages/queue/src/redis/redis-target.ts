import { Redis, type RedisOptions } from 'ioredis';
import { ioredisOptions, parseRedisUrl, type ParsedRedisUrl } from './redis-url.js';

export interface RedisTargetOptions {
  /** How long a connection that was up may stay down (Redis restarting) before giving up, in ms (default 60 000). */
  reconnectTimeoutMs?: number;
  /** Time limit of the first connection, in ms (default 5 000). */
  connectTimeoutMs?: number;
}

/**
 * One Redis server, named by URL, and the connection policy every worker and coordinator uses:
 * the first connection fails fast with the URL in the message (no endless reconnect loop when the
 * server is not there); a connection that was up reconnects with backoff while Redis restarts, and
 * gives up after `reconnectTimeoutMs`.
 */
export class RedisTarget {
  readonly parsed: ParsedRedisUrl;
  readonly reconnectTimeoutMs: number;
  readonly connectTimeoutMs: number;

  constructor(
    readonly url: string,
    options: RedisTargetOptions = {},
  ) {
    this.parsed = parseRedisUrl(url);
    this.reconnectTimeoutMs = options.reconnectTimeoutMs ?? 60_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    if (!(this.reconnectTimeoutMs >= 0)) throw new Error(`reconnectTimeoutMs must be ≥ 0, got ${options.reconnectTimeoutMs}`);
    if (!(this.connectTimeoutMs > 0)) throw new Error(`connectTimeoutMs must be > 0, got ${options.connectTimeoutMs}`);
  }

  /** The URL for messages (password hidden). */
  get display(): string {
    return this.parsed.display;
  }

  /**
   * Connection options for BullMQ's Queue, QueueEvents and Worker (each makes its own
   * connections from them): `maxRetriesPerRequest: null` as BullMQ requires, and a retry
   * strategy that gives up `reconnectTimeoutMs` after a connection went down.
   */
  connectionOptions(): RedisOptions {
    let downSince = 0;
    const limit = this.reconnectTimeoutMs;
    return {
      ...ioredisOptions(this.parsed),
      maxRetriesPerRequest: null,
      connectTimeout: this.connectTimeoutMs,
      retryStrategy: (times: number) => {
        if (times === 1) downSince = Date.now();
        if (Date.now() - downSince > limit) return null;
        return Math.min(100 * times, 1_000);
      },
    };
  }

  /**
   * Connects once, without retrying, and checks the server answers PING: the fail-fast check run
   * before anything else. Rejects with an error naming the URL.
   */
  async probe(): Promise<void> {
    const client = new Redis({
      ...ioredisOptions(this.parsed),
      lazyConnect: true,
      connectTimeout: this.connectTimeoutMs,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    let socketError: Error | null = null;
    client.on('error', (error: Error) => {
      socketError ??= error; // the cause (ECONNREFUSED, ETIMEDOUT, …) behind "Connection is closed"
    });
    try {
      await client.connect();
      const pong = await client.ping();
      if (pong !== 'PONG') throw new Error(`PING answered ${JSON.stringify(pong)}`);
    } catch (error) {
      throw this.unreachable(socketError ?? error);
    } finally {
      client.disconnect();
    }
  }

  /** The error for a server that cannot be reached (or was lost), naming the URL. */
  unreachable(cause: unknown, what = 'cannot reach Redis'): Error {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new Error(`${what} at ${this.display}: ${reason}`, { cause });
  }
}
