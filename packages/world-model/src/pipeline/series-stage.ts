import { join } from 'node:path';
import { DatasetReader, DatasetWriter, writeNpz, type NdArray } from '@worldmodels/core/dataset';
import { ProgressReporter } from '@worldmodels/core/progress';
import { encodeDataset } from '@worldmodels/vae';
import type { RunConfig } from '../config/schema.js';
import { loadVision } from '../models/load-models.js';
import type { Stage } from '../run/stage.js';
import { DATA_DIR, ENCODED_DIR, INITIAL_Z_FILE, SERIES_DIR, stageDir, stageName } from './stage-paths.js';

/**
 * Encodes every collected episode with V (@worldmodels/vae's `encodeDataset`: per step mu and
 * logvar, with the actions, rewards and dones; resumable) into `encoded/`, writes the first
 * frames' (mu, logvar) as the dream's initial latents, and then the series M trains on
 * (`series/`).
 *
 * With `mdnrnn.alignEpisodeEnds`, each training episode drops its first L mod (seqLen + 1)
 * steps, so its training windows end exactly on its last step: every episode's terminal step
 * (its done flag) is in the data. Windows cut from a random offset (the store's default) contain
 * an episode's end only about once in seqLen + 1, and a done head then learns "never done" (the
 * Doom reference padded every episode to a fixed length for the same reason).
 */
export function seriesStage(config: RunConfig, iteration: number): Stage {
  const collect = stageName('collect', iteration);
  const vae = stageName('vae', iteration);
  const align = config.mdnrnn.alignEpisodeEnds;
  const windowLength = config.mdnrnn.seqLen + 1;
  return {
    name: stageName('series', iteration),
    dir: stageDir('series', iteration),
    inputs: [collect, vae],
    settings: { alignEpisodeEnds: align, ...(align && { windowLength }) },
    async run(ctx) {
      const model = await loadVision(ctx.inputs[vae]!);
      const encodedDir = join(ctx.dir, ENCODED_DIR);
      let result;
      try {
        result = await encodeDataset({ vae: model, dataset: join(ctx.inputs[collect]!, DATA_DIR), outDir: encodedDir, batchSize: config.series.batchSize });
      } finally {
        model.dispose();
      }
      const encoded = await DatasetReader.open(encodedDir);
      const arrays = encoded.manifest.arrays;
      const Z = arrays.mu!.shape[0]!;
      const writer = await DatasetWriter.open(join(ctx.dir, SERIES_DIR), { env: encoded.manifest.env, arrays });
      const written = new Set((await DatasetReader.open(join(ctx.dir, SERIES_DIR))).episodes.map((e) => e.id));
      const N = encoded.episodes.length;
      const mu = new Float32Array(N * Z);
      const logvar = new Float32Array(N * Z);
      let kept = 0;
      let dropped = 0;
      const progress = new ProgressReporter({ total: N, label: 'series' });
      try {
        for (const [i, entry] of encoded.episodes.entries()) {
          const episode = await encoded.readEpisode(entry);
          mu.set(toFloat32(episode.arrays.mu!).subarray(0, Z), i * Z);
          logvar.set(toFloat32(episode.arrays.logvar!).subarray(0, Z), i * Z);
          const skip = align ? entry.length % windowLength : 0;
          if (entry.length - skip > 0 && !written.has(entry.id)) {
            const trimmed: Record<string, unknown> = {};
            for (const [key, nd] of Object.entries(episode.arrays)) {
              const step = nd.data.length / entry.length;
              trimmed[key] = nd.data.subarray(skip * step);
            }
            await writer.writeEpisode(trimmed, { id: entry.id });
          }
          kept += entry.length - skip;
          dropped += skip;
          progress.update(i + 1);
        }
      } finally {
        progress.stop();
      }
      await writeNpz(join(ctx.dir, INITIAL_Z_FILE), {
        mu: { data: mu, shape: [N, Z], dtype: 'float32' },
        logvar: { data: logvar, shape: [N, Z], dtype: 'float32' },
      });
      return { episodes: N, encoded: result.encoded, initialLatents: N, trainingSteps: kept, droppedSteps: dropped };
    },
  };
}

function toFloat32(nd: NdArray): Float32Array {
  if (nd.dtype === 'float16') throw new Error('series stored as float16 are not read here; the series stage encodes float32');
  return nd.data instanceof Float32Array ? nd.data : Float32Array.from(nd.data as ArrayLike<number>);
}
