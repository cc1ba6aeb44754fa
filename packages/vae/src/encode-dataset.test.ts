import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DatasetReader, float16ToFloat32 } from '@worldmodels/core/dataset';
import { decodePng } from '@worldmodels/core/image';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConvVAE } from './conv-vae.js';
import { SERIES_KIND, encodeDataset } from './encode-dataset.js';
import { framesToTensor } from './frames.js';
import { writeReconstructionGrid } from './reconstruction-grid.js';
import { useTestBackend } from './test-backend.js';
import { syntheticFrames, writeSyntheticRollouts } from './test-fixtures.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'wm-encode-'));

beforeAll(async () => {
  await useTestBackend();
});

describe('encodeDataset', () => {
  it('writes per-episode series (mu, logvar, actions, rewards, dones) equal to V.encode, and resumes', async () => {
    const rollouts = join(tmp(), 'rollouts');
    await writeSyntheticRollouts(rollouts, 3, 5);
    const vae = new ConvVAE({ zSize: 4, width: 0.125, seed: 2 });
    const out = join(tmp(), 'series');
    const first = await encodeDataset({ vae, dataset: rollouts, outDir: out, batchSize: 2, progress: false });
    expect(first).toEqual({ encoded: 3, skipped: 0 });
    const again = await encodeDataset({ vae, dataset: rollouts, outDir: out, batchSize: 2, progress: false });
    expect(again).toEqual({ encoded: 0, skipped: 3 });

    const source = await DatasetReader.open(rollouts);
    const series = await DatasetReader.open(out);
    expect(series.manifest.info).toMatchObject({ kind: SERIES_KIND, zSize: 4 });
    expect(series.episodes.map((e) => e.id)).toEqual(source.episodes.map((e) => e.id));
    const ep = await series.readEpisode(source.episodes[1]!.id);
    const src = await source.readEpisode(source.episodes[1]!.id);
    expect(ep.arrays.mu!.shape).toEqual([5, 4]);
    expect(Array.from(ep.arrays.actions!.data)).toEqual(Array.from(src.arrays.actions!.data));
    expect(Array.from(ep.arrays.dones!.data)).toEqual([0, 0, 0, 0, 1]);
    const expected = tf.tidy(() => vae.encode(framesToTensor(src.arrays.observations!.data as Uint8Array)).mu.dataSync());
    const got = ep.arrays.mu!.data as Float32Array;
    for (let i = 0; i < expected.length; i++) expect(got[i]).toBeCloseTo(expected[i]!, 5);

    const half = join(tmp(), 'series16');
    await encodeDataset({ vae, dataset: rollouts, outDir: half, dtype: 'float16', progress: false });
    const ep16 = await (await DatasetReader.open(half)).readEpisode(source.episodes[1]!.id);
    expect(ep16.arrays.logvar!.dtype).toBe('float16');
    const lv = float16ToFloat32(ep16.arrays.logvar!.data as Uint16Array);
    const lv32 = ep.arrays.logvar!.data as Float32Array;
    for (let i = 0; i < lv.length; i++) expect(Math.abs(lv[i]! - lv32[i]!)).toBeLessThan(2e-3 * Math.max(1, Math.abs(lv32[i]!)));
    await expect(encodeDataset({ vae, dataset: out, outDir: join(tmp(), 'x'), progress: false })).rejects.toThrow(/frames of shape \[none\]/);
    vae.dispose();
  });
});

describe('reconstruction grid', () => {
  it('writes originals over reconstructions as a PNG', async () => {
    const vae = new ConvVAE({ zSize: 4, width: 0.125 });
    const frames = syntheticFrames(3, 5);
    const path = join(tmp(), 'grid.png');
    await writeReconstructionGrid(path, vae, frames, { gap: 2 });
    const png = decodePng(new Uint8Array(readFileSync(path)));
    expect([png.width, png.height]).toEqual([3 * 64 + 2 * 2, 2 * 64 + 2]);
    // Top-left tile is the first original frame.
    const row0 = Array.from(png.data.subarray(0, 64 * png.channels)).filter((_, i) => png.channels === 3 || i % 4 !== 3);
    expect(row0).toEqual(Array.from(frames.subarray(0, 64 * 3)));
    vae.dispose();
  });
});
