import * as tf from '@tensorflow/tfjs-core';
import { DatasetReader, DatasetWriter, float32ToFloat16, type ArraySpec } from '@worldmodels/core/dataset';
import { ProgressReporter, type ProgressOptions } from '@worldmodels/core/progress';
import type { ConvVAE } from './conv-vae.js';
import { checkFrameShape, framesToTensor } from './frames.js';

/** Marks a data set written by {@link encodeDataset} (in its manifest's `info.kind`). */
export const SERIES_KIND = 'worldmodels-series';

export interface EncodeDatasetOptions {
  vae: ConvVAE;
  /** Rollout data set (directory or open reader) with observations uint8 [64, 64, 3]. */
  dataset: string | DatasetReader;
  /** Output directory: a data set of per-episode series. */
  outDir: string;
  /** Frames encoded per call (default 100). */
  batchSize?: number;
  /** Storage type of mu and logvar (default float32; float16 halves the size). */
  dtype?: 'float32' | 'float16';
  /** Progress display (default on; false for silence). */
  progress?: boolean | Omit<ProgressOptions, 'total'>;
}

export interface EncodeDatasetResult {
  /** Episodes encoded by this call. */
  encoded: number;
  /** Episodes already present in outDir (a resumed encoding skips them). */
  skipped: number;
}

/**
 * Encodes every episode of a rollout set with V into the series M trains on (the reference's
 * `series.npz`, one file per episode here): `mu`, `logvar` [T, z] (float32 or float16),
 * `actions` [T, A], `rewards` [T], `dones` [T]. The output is a core data set (npz per episode,
 * `dataset.json` manifest, checksummed sidecars), written one episode at a time, so memory stays
 * at one episode and a killed run continues where it stopped. M samples z = mu + σ·ε from it.
 */
export async function encodeDataset(options: EncodeDatasetOptions): Promise<EncodeDatasetResult> {
  const { vae } = options;
  const batchSize = options.batchSize ?? 100;
  const dtype = options.dtype ?? 'float32';
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`encodeDataset batchSize must be a positive integer, got ${batchSize}`);
  if (dtype !== 'float32' && dtype !== 'float16') throw new Error(`encodeDataset dtype must be 'float32' or 'float16', got ${String(dtype)}`);
  const reader = typeof options.dataset === 'string' ? await DatasetReader.open(options.dataset) : options.dataset;
  const specs = reader.manifest.arrays;
  checkFrameShape(specs.observations?.shape, `data set ${reader.dir}`);
  for (const key of ['actions', 'rewards', 'dones']) {
    if (!specs[key]) throw new Error(`data set ${reader.dir} has no '${key}' array; encodeDataset needs observations, actions, rewards and dones`);
  }
  const zSize = vae.config.zSize;
  const arrays: Record<string, ArraySpec> = {
    mu: { dtype, shape: [zSize] },
    logvar: { dtype, shape: [zSize] },
    actions: { dtype: 'float32', shape: specs.actions!.shape },
    rewards: { dtype: 'float32', shape: [] },
    dones: { dtype: 'uint8', shape: [] },
  };
  const writer = await DatasetWriter.open(options.outDir, {
    ...(reader.manifest.env !== undefined && { env: reader.manifest.env }),
    arrays,
    info: { kind: SERIES_KIND, zSize, source: reader.dir, vae: { ...vae.config } },
  });
  const done = new Set(await writer.completedIds());
  const progressOptions = options.progress === false ? { silent: true } : options.progress === true || options.progress === undefined ? {} : options.progress;
  const progress = new ProgressReporter({ label: 'encode', ...progressOptions, total: reader.episodes.length });
  let encoded = 0;
  let skipped = 0;
  try {
    for (const entry of reader.episodes) {
      if (done.has(entry.id)) {
        skipped++;
        progress.update(encoded + skipped);
        continue;
      }
      const episode = await reader.readEpisode(entry);
      const T = entry.length;
      const frames = episode.arrays.observations!.data as Uint8Array;
      const mu = new Float32Array(T * zSize);
      const logvar = new Float32Array(T * zSize);
      for (let start = 0; start < T; start += batchSize) {
        const count = Math.min(batchSize, T - start);
        const frameBytes = 64 * 64 * 3;
        tf.tidy(() => {
          const x = framesToTensor(frames.subarray(start * frameBytes, (start + count) * frameBytes), count); // [n, 64, 64, 3]
          const out = vae.encode(x);
          mu.set(out.mu.dataSync(), start * zSize);
          logvar.set(out.logvar.dataSync(), start * zSize);
        });
      }
      await writer.writeEpisode(
        {
          mu: dtype === 'float16' ? float32ToFloat16(mu) : mu,
          logvar: dtype === 'float16' ? float32ToFloat16(logvar) : logvar,
          actions: toFloat32(episode.arrays.actions!.data),
          rewards: toFloat32(episode.arrays.rewards!.data),
          dones: toUint8(episode.arrays.dones!.data),
        },
        { id: entry.id, ...(entry.seed !== undefined && { seed: entry.seed }) },
      );
      encoded++;
      progress.update(encoded + skipped);
    }
  } finally {
    progress.stop();
  }
  return { encoded, skipped };
}

function toFloat32(data: ArrayLike<number>): Float32Array {
  return data instanceof Float32Array ? data : Float32Array.from(data);
}

function toUint8(data: ArrayLike<number>): Uint8Array {
  return data instanceof Uint8Array ? data : Uint8Array.from(data, (v) => (v ? 1 : 0));
}
