import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCheckpointDir } from '@worldmodels/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointContentHash, publishCheckpoint, resolveCheckpoint } from './checkpoint-ref.js';

let root: string;
let server: Server;
let base: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'wm-queue-ckpt-'));
  // Serves files under `root` on loopback; `/broken/...` flips a byte of every non-manifest file.
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
    const broken = path.startsWith('/broken/');
    const file = join(root, broken ? path.slice('/broken'.length) : path);
    readFile(file).then(
      (bytes) => {
        if (broken && !file.endsWith('checkpoint.json')) bytes[0] = bytes[0]! ^ 0xff;
        res.end(bytes);
      },
      () => {
        res.statusCode = 404;
        res.end();
      },
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await rm(root, { recursive: true, force: true });
});

describe('checkpoint references', () => {
  it('name a checkpoint by content (not by its time stamp) and reach a worker by path or verified download', async () => {
    const files = { 'weights.bin': new Uint8Array([1, 2, 3, 4, 5]), 'model.json': '{"a":1}' };
    const dir = join(root, 'vae');
    const manifest = await writeCheckpointDir(dir, files, { weights: [{ name: 'w', shape: [5], dtype: 'uint8' }], metadata: { kind: 'test' } });
    const ref = await publishCheckpoint(dir, { url: `${base}/vae` });
    expect(ref).toEqual({ sha256: checkpointContentHash(manifest), path: dir, url: `${base}/vae` });
    // The same content saved again later (another createdAt) has the same hash; other content does not.
    const again = await writeCheckpointDir(join(root, 'vae-copy'), files, { weights: manifest.weights, metadata: manifest.metadata });
    expect(again.createdAt === manifest.createdAt && again === manifest).toBe(false);
    expect(checkpointContentHash(again)).toBe(ref.sha256);
    const other = await writeCheckpointDir(join(root, 'other'), { ...files, 'model.json': '{"a":2}' }, { weights: manifest.weights, metadata: manifest.metadata });
    expect(checkpointContentHash(other)).not.toBe(ref.sha256);

    const cacheDir = join(root, 'cache');
    // Shared disk: the path itself.
    expect(await resolveCheckpoint(ref, { cacheDir })).toBe(dir);
    // No shared disk: downloaded, verified, cached under the hash; the next call uses the cache.
    const remote = { sha256: ref.sha256, url: `${base}/vae/` };
    const local = await resolveCheckpoint(remote, { cacheDir });
    expect(local).toBe(join(cacheDir, ref.sha256));
    expect(new Uint8Array(await readFile(join(local, 'weights.bin')))).toEqual(files['weights.bin']);
    await rm(join(root, 'vae-copy'), { recursive: true });
    expect(await resolveCheckpoint({ sha256: ref.sha256, url: `${base}/gone` }, { cacheDir })).toBe(local);
  });

  it('refuse other content, corrupted downloads and missing checkpoints with errors naming them', async () => {
    const dir = join(root, 'rnn');
    await writeCheckpointDir(dir, { 'weights.bin': new Uint8Array([9, 9, 9]) }, { weights: [], metadata: {} });
    const ref = await publishCheckpoint(dir);
    const cacheDir = join(root, 'cache2');
    // Saved again with other weights after the job was made: the path no longer matches.
    await writeCheckpointDir(dir, { 'weights.bin': new Uint8Array([7, 7, 7]) }, { weights: [], metadata: {} });
    await expect(resolveCheckpoint(ref, { cacheDir })).rejects.toThrow(new RegExp(`not available here: ${dir.replace(/[/.]/g, '\\$&')} holds checkpoint .*, not ${ref.sha256.slice(0, 12)}`));
    // A download whose bytes fail the manifest's checksum is not written.
    await writeCheckpointDir(dir, { 'weights.bin': new Uint8Array([9, 9, 9]) }, { weights: [], metadata: {} });
    await expect(resolveCheckpoint({ sha256: ref.sha256, url: `${base}/broken/rnn` }, { cacheDir })).rejects.toThrow(/weights\.bin fails its SHA-256 checksum/);
    await expect(resolveCheckpoint({ sha256: 'f'.repeat(64), url: `${base}/rnn` }, { cacheDir })).rejects.toThrow(/has content hash [0-9a-f]{64}, the job expects f{64}/);
    await expect(resolveCheckpoint({ sha256: ref.sha256, url: `${base}/nothing` }, { cacheDir })).rejects.toThrow(/cannot download .*checkpoint\.json: HTTP 404/);
    await expect(resolveCheckpoint({ sha256: ref.sha256, path: '/no/such/dir' }, { cacheDir })).rejects.toThrow(/\/no\/such\/dir does not exist on this machine/);
    await expect(resolveCheckpoint({ sha256: 'abc' }, { cacheDir })).rejects.toThrow(/64-hex-digit sha256/);
    await writeFile(join(root, 'x'), '');
  });
});
