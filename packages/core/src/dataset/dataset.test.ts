import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { CorruptEpisodeError } from './corrupt-episode-error.js';
import { DatasetReader } from './dataset-reader.js';
import { DatasetWriter } from './dataset-writer.js';

const H = 4;
const W = 4;
const C = 3;
const FRAME = H * W * C;

/** An episode whose frame t of episode e is filled with the value e*16 + t, so frames identify themselves. */
function episode(e: number, T: number) {
  const observations = new Uint8Array(T * FRAME);
  for (let t = 0; t < T; t++) observations.fill(e * 16 + t, t * FRAME, (t + 1) * FRAME);
  const actions = Float32Array.from({ length: T * 3 }, (_, i) => e + i / 100);
  const rewards = Float32Array.from({ length: T }, (_, t) => t * 0.5);
  const dones = new Uint8Array(T);
  dones[T - 1] = 1;
  return { observations, actions, rewards, dones };
}

async function makeSet(episodes: number, T: (e: number) => number) {
  const dir = mkdtempSync(join(tmpdir(), 'wm-ds-'));
  const w = await DatasetWriter.open(dir, { env: 'Test-v0', observationShape: [H, W, C], actionShape: [3] });
  for (let e = 0; e < episodes; e++) await w.writeEpisode(episode(e, T(e)), { id: e, seed: 100 + e });
  return dir;
}

describe('data set store', () => {
  it('round-trips episodes bit-exactly with their metadata', async () => {
    const dir = await makeSet(3, () => 10);
    const r = await DatasetReader.open(dir);
    expect(r.manifest.env).toBe('Test-v0');
    expect(r.episodes.map((e) => e.id)).toEqual(['ep-000000', 'ep-000001', 'ep-000002']);
    const ep = await r.readEpisode(1);
    const src = episode(1, 10);
    expect(ep.entry.seed).toBe(101);
    expect(ep.arrays.observations!.shape).toEqual([10, H, W, C]);
    expect(Buffer.from(ep.arrays.observations!.data.buffer).equals(Buffer.from(src.observations.buffer))).toBe(true);
    expect(Array.from(ep.arrays.actions!.data)).toEqual(Array.from(src.actions));
    expect(Array.from(ep.arrays.dones!.data)).toEqual(Array.from(src.dones));
    expect(r.totalSteps).toBe(30);
  });

  it('rejects episodes that do not fit the set, naming the array', async () => {
    const dir = await makeSet(0, () => 0);
    const w = await DatasetWriter.open(dir);
    const ep = episode(0, 5);
    await expect(w.writeEpisode({ ...ep, actions: new Float32Array(14) })).rejects.toThrow(/'actions' has 14 elements/);
    await expect(w.writeEpisode({ ...ep, rewards: new Float32Array(4) })).rejects.toThrow(/'rewards' has 4 steps/);
    const { dones: _, ...noDones } = ep;
    await expect(w.writeEpisode(noDones)).rejects.toThrow(/missing array 'dones'/);
    await expect(DatasetWriter.open(dir, { observationShape: [8, 8, 3], actionShape: [3] })).rejects.toThrow(/holds arrays/);
  });

  it('detects a corrupted or truncated episode file and skips it while streaming', async () => {
    const dir = await makeSet(4, () => 6);
    const file = join(dir, 'episodes', 'ep-000002.npz');
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
    writeFileSync(file, bytes);
    writeFileSync(join(dir, 'episodes', 'ep-000003.npz'), readFileSync(join(dir, 'episodes', 'ep-000003.npz')).subarray(0, 50));
    const reported: CorruptEpisodeError[] = [];
    const r = await DatasetReader.open(dir, { onCorrupt: (e) => reported.push(e) });
    await expect(r.readEpisode(2)).rejects.toThrow(/ep-000002.npz: SHA-256 checksum mismatch/);
    await expect(r.readEpisode(3)).rejects.toThrow(/ep-000003.npz: size 50 bytes/);
    const { ok, corrupt } = await r.verify();
    expect(ok).toBe(2);
    expect(corrupt.map((c) => c.file)).toEqual([file, join(dir, 'episodes', 'ep-000003.npz')]);
    const seen = new Set<number>();
    for await (const b of r.frames({ batchSize: 5, rng: new Rng(1) })) for (let i = 0; i < b.count; i++) seen.add(b.data[i * FRAME]!);
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 16, 17, 18, 19, 20, 21]);
    expect(reported.map((e) => e.file).sort()).toEqual(corrupt.map((c) => c.file).sort());
  });

  it('ignores an episode whose writer died before its sidecar was written', async () => {
    const dir = await makeSet(2, () => 4);
    writeFileSync(join(dir, 'episodes', 'ep-000009.npz'), new Uint8Array(10)); // orphan data file, no sidecar
    const r = await DatasetReader.open(dir);
    expect(r.episodes.map((e) => e.id)).toEqual(['ep-000000', 'ep-000001']);
    const w = await DatasetWriter.open(dir);
    expect(await w.completedIds()).toEqual(['ep-000000', 'ep-000001']);
    expect(readdirSync(join(dir, 'episodes')).filter((n) => n.includes('.tmp'))).toEqual([]);
  });

  it('streams every frame exactly once per epoch, shuffled, with a small buffer', async () => {
    const dir = await makeSet(6, (e) => 5 + e);
    const r = await DatasetReader.open(dir);
    const values: number[] = [];
    let batches = 0;
    let maxBatch = 0;
    for await (const b of r.frames({ batchSize: 4, rng: new Rng(3), epochs: 2, bufferFrames: 8 })) {
      batches++;
      maxBatch = Math.max(maxBatch, b.count);
      expect(b.shape).toEqual([b.count, H, W, C]);
      for (let i = 0; i < b.count; i++) values.push(b.data[i * FRAME]!);
    }
    const expected = [...Array(6).keys()].flatMap((e) => Array.from({ length: 5 + e }, (_, t) => e * 16 + t));
    expect(values.length).toBe(2 * expected.length);
    expect(values.slice(0, expected.length).sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
    expect(values.slice(expected.length).sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
    expect(values.slice(0, expected.length)).not.toEqual(expected); // shuffled
    expect(maxBatch).toBe(4);
  });

  it('is deterministic for a seed', async () => {
    const dir = await makeSet(4, () => 7);
    const r = await DatasetReader.open(dir);
    const run = async (seed: number) => {
      const out: number[] = [];
      for await (const b of r.frames({ batchSize: 3, rng: new Rng(seed) })) for (let i = 0; i < b.count; i++) out.push(b.data[i * FRAME]!);
      return out;
    };
    expect(await run(5)).toEqual(await run(5));
    expect(await run(5)).not.toEqual(await run(6));
  });

  it('does not hold the whole set in memory while streaming frames', async () => {
    const dir = await makeSet(20, () => 10);
    const r = await DatasetReader.open(dir);
    const loaded: string[] = [];
    const original = r.readEpisode.bind(r);
    r.readEpisode = async (e) => {
      const ep = await original(e);
      loaded.push(ep.entry.id);
      return ep;
    };
    let served = 0;
    for await (const b of r.frames({ batchSize: 5, rng: new Rng(1), bufferFrames: 20 })) {
      served += b.count;
      // Episodes read so far never run more than two chunks (the current one and the prefetch) ahead of the frames served.
      expect(loaded.length * 10 - served).toBeLessThanOrEqual(2 * 20 + 10);
    }
    expect(served).toBe(200);
    expect(loaded.length).toBe(20);
  });

  it('cuts fixed-length sequences with every array aligned', async () => {
    const dir = await makeSet(5, (e) => (e === 0 ? 3 : 12));
    const r = await DatasetReader.open(dir);
    let count = 0;
    for await (const b of r.sequences({ batchSize: 3, seqLen: 5, rng: new Rng(2) })) {
      for (let i = 0; i < b.count; i++) {
        const { id, start } = b.sources[i]!;
        const e = Number(id.slice(3));
        for (let t = 0; t < 5; t++) {
          expect(b.arrays.observations![(i * 5 + t) * FRAME]).toBe(e * 16 + start + t);
          expect(b.arrays.rewards![i * 5 + t]).toBe((start + t) * 0.5);
          expect(b.arrays.actions![(i * 5 + t) * 3]).toBeCloseTo(e + ((start + t) * 3) / 100, 5);
        }
        count++;
      }
    }
    expect(count).toBe(4 * 2); // episode 0 is shorter than seqLen; each 12-step episode gives two windows
  });

  it('reads several sets as one (union): prefixed ids, files read where they lie, every frame streamed once', async () => {
    const a = await makeSet(2, () => 6);
    const b = mkdtempSync(join(tmpdir(), 'wm-ds-'));
    const wb = await DatasetWriter.open(b, { env: 'Test-v0', observationShape: [H, W, C], actionShape: [3] });
    for (let e = 5; e < 8; e++) await wb.writeEpisode(episode(e, 4), { id: e - 5 }); // same ids as set a
    const union = DatasetReader.union([
      { reader: await DatasetReader.open(a), prefix: '' },
      { reader: await DatasetReader.open(b), prefix: 'r1-' },
    ]);
    expect(union.episodes.map((e) => e.id)).toEqual(['ep-000000', 'ep-000001', 'r1-ep-000000', 'r1-ep-000001', 'r1-ep-000002']);
    expect(union.totalSteps).toBe(2 * 6 + 3 * 4);
    const fromB = await union.readEpisode('r1-ep-000001');
    expect(fromB.arrays.observations!.data[0]).toBe(6 * 16); // episode 6 of set b, not episode 1 of set a
    expect((await union.readEpisode('ep-000001')).arrays.observations!.data[0]).toBe(16);
    const seen: number[] = [];
    for await (const batch of union.frames({ batchSize: 5, rng: new Rng(3) })) {
      for (let i = 0; i < batch.count; i++) seen.push(batch.data[i * FRAME]!);
    }
    const expected = [0, 1].flatMap((e) => Array.from({ length: 6 }, (_, t) => e * 16 + t)).concat([5, 6, 7].flatMap((e) => Array.from({ length: 4 }, (_, t) => e * 16 + t)));
    expect(seen.sort((x, y) => x - y)).toEqual(expected.sort((x, y) => x - y));
    // Ids must stay unique; the sets must hold the same arrays.
    expect(() => DatasetReader.union([{ reader: union, prefix: '' }, { reader: union, prefix: '' }])).toThrow(/episode id 'ep-000000' is in two of the united data sets/);
    const other = mkdtempSync(join(tmpdir(), 'wm-ds-'));
    await DatasetWriter.open(other, { env: 'Test-v0', observationShape: [8, 8, 3], actionShape: [3] });
    await expect(DatasetReader.open(other).then((r) => DatasetReader.union([{ reader: union, prefix: '' }, { reader: r, prefix: 'x-' }]))).rejects.toThrow(/holds other arrays than .*observations uint8 \[8, 8, 3\]/);
    // A union of unions reads from the original directories.
    const nested = DatasetReader.union([{ reader: union, prefix: 'r2-' }]);
    expect((await nested.readEpisode('r2-r1-ep-000001')).arrays.observations!.data[0]).toBe(6 * 16);
  });
});
