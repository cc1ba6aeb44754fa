import { describe, expect, it } from 'vitest';
import { parseRedisUrl, redactRedisUrl } from './redis-url.js';
import { RedisTarget } from './redis-target.js';
import { freePort } from '../testing/redis-server.fixture.js';

describe('parseRedisUrl', () => {
  it('reads host, port, db, credentials and TLS, and hides the password in messages', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6390/2')).toMatchObject({ host: '127.0.0.1', port: 6390, db: 2, tls: false });
    expect(parseRedisUrl('redis://localhost')).toMatchObject({ host: 'localhost', port: 6379, db: 0 });
    expect(parseRedisUrl('redis://[::1]:7000')).toMatchObject({ host: '::1', port: 7000 });
    const p = parseRedisUrl('rediss://user:s%40cret@127.0.0.1:6380');
    expect(p).toMatchObject({ username: 'user', password: 's@cret', tls: true, display: 'rediss://user:***@127.0.0.1:6380' });
    expect(redactRedisUrl('redis://:pw@127.0.0.1:1')).toBe('redis://:***@127.0.0.1:1');
  });

  it('names the problem with a bad URL', () => {
    expect(() => parseRedisUrl('')).toThrow(/Redis URL is required/);
    expect(() => parseRedisUrl('http://127.0.0.1:6379')).toThrow(/scheme must be redis:\/\/ or rediss:\/\/, got http:/);
    expect(() => parseRedisUrl('127.0.0.1:6379')).toThrow(/not a Redis URL: '127\.0\.0\.1:6379' \(expected redis:\/\/host:port/);
    expect(() => parseRedisUrl('redis://127.0.0.1:6379/x')).toThrow(/database number, got '\/x'/);
    expect(() => parseRedisUrl('redis://u:pw@127.0.0.1:6379/x')).toThrow(/u:\*\*\*@/);
  });

  it('fails fast, naming the URL, when nothing listens there', async () => {
    const port = await freePort();
    const started = Date.now();
    await expect(new RedisTarget(`redis://127.0.0.1:${port}`).probe()).rejects.toThrow(new RegExp(`cannot reach Redis at redis://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    expect(Date.now() - started).toBeLessThan(4_000);
  });
});
