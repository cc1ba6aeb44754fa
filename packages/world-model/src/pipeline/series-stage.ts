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
 * With `mdnrnn.alignEpisodeEnds`, each training episode gets one extra terminal step (a copy of
 * its last latent) and drops its first (L + 1) mod (seqLen + 1) steps, so its last training
 * window ends on the extra step and the real last step's done flag is a target. Without this a
 * done head cannot learn: the last stored step has no next z, so no window can use its done flag
 * as a target (only the inputs' flags are targets), and random-offset windows rarely come near
 * an episode's end anyway. (The Doom reference padded every episode for the same reason.)
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
          // Aligned: one terminal step is appended (a copy of the last latent) so the last real
          // step's done flag has a next z and becomes a training target, then the start is trimmed
          // so the windows end on that appended step.
          const length = align ? entry.length + 1 : entry.length;
          const skip = align ? length % windowLength : 0;
          if (length - skip > 0 && !written.has(entry.id)) {
            const trimmed: Record<string, unknown> = {};
            for (const [key, nd] of Object.entries(episode.arrays)) {
              const step = nd.data.length / entry.length;
              let data = nd.data;
              if (align) {
                const padded = new (data.constructor as new (n: number) => typeof data)(data.length + step);
                padded.set(data as never);
                if (key !== 'rewards') padded.set(data.subarray(data.length - step) as never, data.length); // mu, logvar, actions, dones (1) repeat
                data = padded;
              }
              trimmed[key] = data.subarray(skip * step);
            }
            await writer.writeEpisode(trimmed, { id: entry.id });
          }
          kept += length - skip;
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
