import type { RedisOptions } from 'ioredis';

/** The parts of a `redis://` / `rediss://` URL that a connection needs. */
export interface ParsedRedisUrl {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
  /** The URL with any password replaced by `***`, for messages and logs. */
  display: string;
}

/**
 * Parses `redis://[user:password@]host[:port][/db]` (or `rediss://` for TLS). Errors name the
 * URL (with the password hidden) and what is wrong with it.
 */
export function parseRedisUrl(url: string): ParsedRedisUrl {
  if (typeof url !== 'string' || url.trim() === '') throw new Error('a Redis URL is required, e.g. redis://127.0.0.1:6379');
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`not a Redis URL: '${redactRedisUrl(url)}' (expected redis://host:port[/db])`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`not a Redis URL: '${redactRedisUrl(url)}' (the scheme must be redis:// or rediss://, got ${u.protocol}//)`);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new Error(`Redis URL '${redactRedisUrl(url)}' has no host`);
  const port = u.port === '' ? 6379 : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`Redis URL '${redactRedisUrl(url)}' has an invalid port`);
  const path = u.pathname.replace(/^\//, '');
  const db = path === '' ? 0 : Number(path);
  if (!Number.isInteger(db) || db < 0) throw new Error(`Redis URL '${redactRedisUrl(url)}': the path must be a database number, got '/${path}'`);
  return {
    host,
    port,
    db,
    ...(u.username !== '' && { username: decodeURIComponent(u.username) }),
    ...(u.password !== '' && { password: decodeURIComponent(u.password) }),
    tls: u.protocol === 'rediss:',
    display: redactRedisUrl(url),
  };
}

/** The URL with its password (if any) replaced by `***`. */
export function redactRedisUrl(url: string): string {
  return String(url).replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

/** ioredis options for a parsed URL (no retry policy: see {@link connectionOptions}). */
export function ioredisOptions(parsed: ParsedRedisUrl): RedisOptions {
  return {
    host: parsed.host,
    port: parsed.port,
    db: parsed.db,
    ...(parsed.username !== undefined && { username: parsed.username }),
    ...(parsed.password !== undefined && { password: parsed.password }),
    ...(parsed.tls && { tls: {} }),
  };
}
