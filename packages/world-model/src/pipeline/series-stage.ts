import { join } from 'node:path';
import { DatasetReader, DatasetWriter, writeNpz, type NdArray } from '@worldmodels/core/dataset';
import { ProgressReporter } from '@worldmodels/core/progress';
import { encodeDataset } from '@worldmodels/vae';
import type { RunConfig } from '../config/schema.js';
import { loadVision } from '../models/load-models.js';
import type { Stage } from '../run/stage.js';
import { framesRounds, openRoundsFrames } from './collected-rounds.js';
import { ENCODED_DIR, INITIAL_Z_FILE, SERIES_DIR, stageDir, stageName } from './stage-paths.js';

/**
 * Encodes every collected episode with V (@worldmodels/vae's `encodeDataset`: per step mu and
 * logvar, with the actions, rewards and dones; resumable) into `encoded/`, writes the first
 * frames' (mu, logvar) as the dream's initial latents, and then the series M trains on
 * (`series/`).
 *
 * With `mdnrnn.padEpisodeEnds`, every episode of the training series is followed by seqLen
 * copies of its last step (done 1, reward 0), as the Doom reference padded its episodes. Without
 * padding a done head cannot learn: the last stored step has no next z, so its done flag is never
 * a target. (Aligning windows to the episode end instead teaches the done head the window
 * position: in the dream every episode then ended after about one window.)
 */
export function seriesStage(config: RunConfig, iteration: number, options: { aggregate?: boolean } = {}): Stage {
  const vae = stageName('vae', iteration);
  // Data aggregation (iterative procedure): round k's series also holds every earlier round's.
  // With a kept V the earlier series are copied (`aggregate: false`: the round before holds no
  // series, e.g. an imported agent); with a new V every round's frames are encoded anew.
  const rounds = framesRounds(config, iteration);
  const collects = rounds.map((round) => stageName('collect', round));
  const previous = iteration > 1 && config.iterative.aggregate && config.iterative.vision === 'keep' && options.aggregate !== false ? stageName('series', iteration - 1) : null;
  const concat = config.mdnrnn.concatEpisodes === true;
  const pad = config.mdnrnn.padEpisodeEnds && !concat ? config.mdnrnn.seqLen : 0;
  // A stream holds whole consecutive episodes, at least this many steps (many windows each).
  const streamSteps = STREAM_WINDOWS * (config.mdnrnn.seqLen + 1);
  return {
    name: stageName('series', iteration),
    dir: stageDir('series', iteration),
    inputs: previous ? [...collects, vae, previous] : [...collects, vae],
    settings: { ...(concat ? { pad, concat, streamSteps } : { pad }), ...(previous && { aggregates: previous }), ...(rounds.length > 1 && { encodes: collects }) },
    async run(ctx) {
      const model = await loadVision(ctx.inputs[vae]!);
      const encodedDir = join(ctx.dir, ENCODED_DIR);
      let result;
      try {
        result = await encodeDataset({ vae: model, dataset: await openRoundsFrames(ctx.inputs, rounds), outDir: encodedDir, batchSize: config.series.batchSize });
      } finally {
        model.dispose();
      }
      const encoded = await DatasetReader.open(encodedDir);
      const arrays = encoded.manifest.arrays;
      const Z = arrays.mu!.shape[0]!;
      const writer = await DatasetWriter.open(join(ctx.dir, SERIES_DIR), { env: encoded.manifest.env, arrays: concat ? { ...arrays, [RESTARTS]: { dtype: 'uint8', shape: [] } } : arrays });
      const written = new Set((await DatasetReader.open(join(ctx.dir, SERIES_DIR))).episodes.map((e) => e.id));
      const N = encoded.episodes.length;
      const mu = new Float32Array(N * Z);
      const logvar = new Float32Array(N * Z);
      let steps = 0;
      let streams = 0;
      const stream = new EpisodeStream();
      const progress = new ProgressReporter({ total: N, label: 'series' });
      try {
        for (const [i, entry] of encoded.episodes.entries()) {
          const episode = await encoded.readEpisode(entry);
          mu.set(toFloat32(episode.arrays.mu!).subarray(0, Z), i * Z);
          logvar.set(toFloat32(episode.arrays.logvar!).subarray(0, Z), i * Z);
          // Padded: `pad` copies of the last step follow it (same latent and action, reward 0,
          // done 1), so windows cut at random offsets contain the terminal step at any position and
          // its done flag (and the "still done" after it) are training targets.
          const length = entry.length + pad;
          if (concat) {
            stream.push(episode.arrays, entry.length);
            if (stream.steps >= streamSteps || i === N - 1) {
              const id = `stream-${String(streams).padStart(5, '0')}`;
              if (!written.has(id)) await writer.writeEpisode(stream.arrays(), { id });
              streams++;
              stream.clear();
            }
          } else if (!written.has(entry.id)) {
            const series: Record<string, unknown> = {};
            for (const [key, nd] of Object.entries(episode.arrays)) {
              const step = nd.data.length / entry.length;
              let data = nd.data;
              if (pad > 0) {
                const padded = new (data.constructor as new (n: number) => typeof data)(data.length + pad * step);
                padded.set(data as never);
                const last = data.subarray(data.length - step);
                for (let k = 0; k < pad; k++) {
                  if (key === 'rewards') continue; // zeros
                  if (key === 'dones') padded.fill(1, data.length + k * step, data.length + (k + 1) * step);
                  else padded.set(last as never, data.length + k * step);
                }
                data = padded;
              }
              series[key] = data;
            }
            await writer.writeEpisode(series, { id: entry.id });
          }
          steps += length;
          progress.update(i + 1);
        }
      } finally {
        progress.stop();
      }
      let aggregated = 0;
      if (previous) {
        const earlier = await DatasetReader.open(join(ctx.inputs[previous]!, SERIES_DIR));
        for (const entry of earlier.episodes) {
          const id = /^r\d+-/.test(entry.id) ? entry.id : `r${iteration - 1}-${entry.id}`;
          if (!written.has(id)) {
            const episode = await earlier.readEpisode(entry);
            await writer.writeEpisode(Object.fromEntries(Object.entries(episode.arrays).map(([key, nd]) => [key, nd.data])), { id });
          }
          steps += entry.length;
          aggregated++;
        }
      }
      await writeNpz(join(ctx.dir, INITIAL_Z_FILE), {
        mu: { data: mu, shape: [N, Z], dtype: 'float32' },
        logvar: { data: logvar, shape: [N, Z], dtype: 'float32' },
      });
      // Episodes of earlier rounds: copied series, or encoded anew (their ids carry the round).
      if (rounds.length > 1) aggregated = encoded.episodes.filter((e) => /^r\d+-/.test(e.id)).length;
      return { episodes: N, encoded: result.encoded, initialLatents: N, trainingSteps: steps, padding: pad, ...(concat && { streams }), ...((previous || rounds.length > 1) && { aggregated }) };
    },
  };
}

/** Series array marking each episode's first step in a stream of concatenated episodes. */
export const RESTARTS = 'restarts';
const STREAM_WINDOWS = 8;

/** Consecutive episodes joined step by step, with a restart flag at each one's first step. */
class EpisodeStream {
  private parts: { arrays: Record<string, NdArray>; length: number }[] = [];
  steps = 0;

  push(arrays: Record<string, NdArray>, length: number): void {
    this.parts.push({ arrays, length });
    this.steps += length;
  }

  clear(): void {
    this.parts = [];
    this.steps = 0;
  }

  arrays(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const first = this.parts[0]!.arrays;
    for (const key of Object.keys(first)) {
      const total = this.parts.reduce((n, p) => n + p.arrays[key]!.data.length, 0);
      const joined = new (first[key]!.data.constructor as new (n: number) => NdArray['data'])(total);
      let offset = 0;
      for (const p of this.parts) {
        joined.set(p.arrays[key]!.data as never, offset);
        offset += p.arrays[key]!.data.length;
      }
      out[key] = joined;
    }
    const restarts = new Uint8Array(this.steps); // [T]
    let t = 0;
    for (const p of this.parts) {
      restarts[t] = 1;
      t += p.length;
    }
    out[RESTARTS] = restarts;
    return out;
  }
}

function toFloat32(nd: NdArray): Float32Array {
  if (nd.dtype === 'float16') throw new Error('series stored as float16 are not read here; the series stage encodes float32');
  return nd.data instanceof Float32Array ? nd.data : Float32Array.from(nd.data as ArrayLike<number>);
}
