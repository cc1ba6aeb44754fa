import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DatasetReader, DatasetWriter, writeNpz } from '@worldmodels/core/dataset';
import { ProgressReporter } from '@worldmodels/core/progress';
import { ENV_KINDS } from '../config/env-kinds.js';
import type { RunConfig } from '../config/schema.js';
import { actionAdapter } from '../controller/action-adapter.js';
import { loadVision } from '../models/load-models.js';
import type { Stage } from '../run/stage.js';
import { DATA_DIR, INITIAL_Z_FILE, SERIES_DIR, stageDir, stageName } from './stage-paths.js';

/**
 * Encodes every collected episode with V into a series for M: per step mu and logvar of q(z|x)
 * (z is sampled from them while M trains, as the reference), the action as M receives it, the
 * reward and the done flag. Also writes the first frames' (mu, logvar) as the dream's initial
 * latents. Episodes already encoded are kept when a killed stage resumes.
 */
export function seriesStage(config: RunConfig, iteration: number): Stage {
  const collect = stageName('collect', iteration);
  const vae = stageName('vae', iteration);
  return {
    name: stageName('series', iteration),
    dir: stageDir('series', iteration),
    inputs: [collect, vae],
    settings: { minEpisodeLength: config.collect.minEpisodeLength },
    async run(ctx) {
      const adapter = actionAdapter(config.env);
      const reader = await DatasetReader.open(join(ctx.inputs[collect]!, DATA_DIR));
      const model = await loadVision(ctx.inputs[vae]!);
      const Z = model.config.zSize;
      const A = adapter.memoryActionSize;
      const storedWidth = reader.manifest.arrays.actions?.shape[0] ?? 1;
      const out = join(ctx.dir, SERIES_DIR);
      const writer = await DatasetWriter.open(out, {
        env: ENV_KINDS[config.env].envId,
        arrays: {
          mu: { dtype: 'float32', shape: [Z] },
          logvar: { dtype: 'float32', shape: [Z] },
          actions: { dtype: 'float32', shape: [A] },
          rewards: { dtype: 'float32', shape: [] },
          dones: { dtype: 'uint8', shape: [] },
        },
      });
      const done = new Set((await DatasetReader.open(out)).episodes.map((e) => e.id));
      const episodes = reader.episodes.filter((e) => e.length > config.collect.minEpisodeLength);
      const progress = new ProgressReporter({ total: episodes.length, label: 'series' });
      const firstMu: number[] = [];
      const firstLogvar: number[] = [];
      let encoded = 0;
      try {
        for (const [index, entry] of episodes.entries()) {
          const episode = await reader.readEpisode(entry);
          const T = entry.length;
          const frames = episode.arrays.observations!.data as Uint8Array; // [T, 64, 64, 3]
          const mu = new Float32Array(T * Z);
          const logvar = new Float32Array(T * Z);
          for (let start = 0; start < T; start += config.series.batchSize) {
            const n = Math.min(config.series.batchSize, T - start);
            const [m, lv] = tf.tidy(() => {
              const x = tf.div(tf.tensor4d(frames.subarray(start * 12288, (start + n) * 12288), [n, 64, 64, 3], 'float32'), 255); // [n, 64, 64, 3]
              const q = model.encode(x); // [n, Z] each
              return [q.mu.dataSync() as Float32Array, q.logvar.dataSync() as Float32Array];
            });
            mu.set(m!, start * Z);
            logvar.set(lv!, start * Z);
          }
          firstMu.push(...mu.subarray(0, Z));
          firstLogvar.push(...logvar.subarray(0, Z));
          if (!done.has(entry.id)) {
            const stored = episode.arrays.actions!.data as Float32Array; // [T, storedWidth]
            const actions = new Float32Array(T * A);
            for (let t = 0; t < T; t++) adapter.memoryActionFromStored(stored.subarray(t * storedWidth, (t + 1) * storedWidth), actions, t * A);
            await writer.writeEpisode(
              { mu, logvar, actions, rewards: episode.arrays.rewards!.data, dones: episode.arrays.dones!.data },
              { id: entry.id },
            );
            encoded++;
          }
          progress.update(index + 1);
        }
      } finally {
        progress.stop();
        model.dispose();
      }
      if (firstMu.length === 0) throw new Error(`no episode longer than collect.minEpisodeLength = ${config.collect.minEpisodeLength} steps to encode`);
      const N = firstMu.length / Z;
      await writeNpz(join(ctx.dir, INITIAL_Z_FILE), {
        mu: { data: Float32Array.from(firstMu), shape: [N, Z], dtype: 'float32' },
        logvar: { data: Float32Array.from(firstLogvar), shape: [N, Z], dtype: 'float32' },
      });
      return { episodes: episodes.length, encoded, initialLatents: N };
    },
  };
}
