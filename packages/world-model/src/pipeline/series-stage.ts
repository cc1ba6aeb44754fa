import { join } from 'node:path';
import { DatasetReader, writeNpz } from '@worldmodels/core/dataset';
import { encodeDataset } from '@worldmodels/vae';
import type { RunConfig } from '../config/schema.js';
import { loadVision } from '../models/load-models.js';
import type { Stage } from '../run/stage.js';
import { DATA_DIR, INITIAL_Z_FILE, SERIES_DIR, stageDir, stageName } from './stage-paths.js';

/**
 * Encodes every collected episode with V (@worldmodels/vae's `encodeDataset`: per step mu and
 * logvar, with the actions, rewards and dones; resumable) into the series M trains on, then
 * writes the first frames' (mu, logvar) as the dream's initial latents.
 */
export function seriesStage(config: RunConfig, iteration: number): Stage {
  const collect = stageName('collect', iteration);
  const vae = stageName('vae', iteration);
  return {
    name: stageName('series', iteration),
    dir: stageDir('series', iteration),
    inputs: [collect, vae],
    settings: {},
    async run(ctx) {
      const model = await loadVision(ctx.inputs[vae]!);
      const out = join(ctx.dir, SERIES_DIR);
      let result;
      try {
        result = await encodeDataset({ vae: model, dataset: join(ctx.inputs[collect]!, DATA_DIR), outDir: out, batchSize: config.series.batchSize });
      } finally {
        model.dispose();
      }
      const reader = await DatasetReader.open(out);
      const Z = reader.manifest.arrays.mu!.shape[0]!;
      const mu = new Float32Array(reader.episodes.length * Z);
      const logvar = new Float32Array(reader.episodes.length * Z);
      for (const [i, entry] of reader.episodes.entries()) {
        const episode = await reader.readEpisode(entry);
        mu.set(toFloat32(episode.arrays.mu!.data, episode.arrays.mu!.dtype).subarray(0, Z), i * Z);
        logvar.set(toFloat32(episode.arrays.logvar!.data, episode.arrays.logvar!.dtype).subarray(0, Z), i * Z);
      }
      await writeNpz(join(ctx.dir, INITIAL_Z_FILE), {
        mu: { data: mu, shape: [reader.episodes.length, Z], dtype: 'float32' },
        logvar: { data: logvar, shape: [reader.episodes.length, Z], dtype: 'float32' },
      });
      return { episodes: reader.episodes.length, encoded: result.encoded, initialLatents: reader.episodes.length };
    },
  };
}

function toFloat32(data: ArrayLike<number>, dtype: string): Float32Array {
  if (dtype === 'float16') throw new Error('series stored as float16 are not read here; the series stage writes float32');
  return data instanceof Float32Array ? data : Float32Array.from(data);
}
