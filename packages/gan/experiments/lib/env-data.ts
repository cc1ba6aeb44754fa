import { existsSync } from 'node:fs';
import { readNpz, writeNpz, ndarray, type NdArray } from '@worldmodels/core/dataset';
import { Rng } from '@worldmodels/core/rng';
import { CarRacingEnv, PongEnv, resizeBilinear, SEMANTIC_CLASSES, type CarRacingThemeName } from '@worldmodels/envs';
import { downscaleArea, downscaleLabels } from '../../src/data/images.js';

/** How 96×96 CarRacing frames become training images: area downscale by 3 (32×32), a bilinear resize to 64×64, or a 64×64 crop around the car without the indicator bar. */
export type CarRacingPrep = 'area32' | 'resize64' | 'crop64';

export function prepSize(prep: CarRacingPrep): number {
  return prep === 'area32' ? 32 : 64;
}

/** Rows 20–83 and columns 16–79 of the 96×96 frame: the car (row 72) near the bottom, the bar left out. */
const CROP = { top: 20, left: 16, size: 64 };

function crop(data: Uint8Array, count: number, channels: number): Uint8Array {
  const out = new Uint8Array(count * CROP.size * CROP.size * channels);
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < CROP.size; y++) {
      const src = ((n * 96 + CROP.top + y) * 96 + CROP.left) * channels;
      out.set(data.subarray(src, src + CROP.size * channels), ((n * CROP.size + y) * CROP.size) * channels);
    }
  }
  return out;
}

/** Prepares 96×96 frames [N, 96, 96, 3] for training. */
export function prepareFrames(frames: Uint8Array, count: number, prep: CarRacingPrep): Uint8Array {
  if (prep === 'area32') return downscaleArea(frames, count, 96, 96, 3, 3);
  if (prep === 'crop64') return crop(frames, count, 3);
  const out = new Uint8Array(count * 64 * 64 * 3);
  for (let n = 0; n < count; n++) out.set(resizeBilinear(frames.subarray(n * 96 * 96 * 3, (n + 1) * 96 * 96 * 3), 96, 96, 3, 64, 64), n * 64 * 64 * 3);
  return out;
}

/** Prepares 96×96 label maps [N, 96, 96] the same way (majority per block, the same crop); 'resize64' is not aligned exactly and is refused. */
export function prepareLabels(labels: Uint8Array, count: number, prep: CarRacingPrep, numClasses: number): Uint8Array {
  if (prep === 'area32') return downscaleLabels(labels, count, 96, 96, 3, numClasses);
  if (prep === 'crop64') return crop(labels, count, 1);
  throw new Error("label maps need 'area32' or 'crop64' (a bilinear resize does not keep classes aligned)");
}

export interface CarRacingCollectOptions {
  count: number;
  seed: number;
  theme?: CarRacingThemeName;
  /** Also capture the semantic map of every kept frame. */
  semantic?: boolean;
  /** Steps skipped at the start of an episode (the camera zooms in over the first second). */
  skipFirst?: number;
  /** Keep one frame in this many. */
  every?: number;
  episodeSteps?: number;
  /**
   * 'road' (default): a noisy controller that steers towards the road ahead, so frames show the
   * track; 'random': World Models' random driving (the car soon leaves the track).
   */
  policy?: 'road' | 'random';
}

const ROAD = SEMANTIC_CLASSES.indexOf('road');

/**
 * Frames (and semantic maps) of CarRacing driven by `policy`. Returns 96×96 frames
 * [N, 96, 96, 3] and labels [N, 96, 96] (empty without `semantic`).
 */
export function collectCarRacing(o: CarRacingCollectOptions): { frames: Uint8Array; labels: Uint8Array } {
  const rng = new Rng(o.seed).derive('carracing-frames');
  const env = new CarRacingEnv({ theme: o.theme ?? 'default' });
  const frames = new Uint8Array(o.count * 96 * 96 * 3);
  const labels = new Uint8Array(o.semantic ? o.count * 96 * 96 : 0);
  const skipFirst = o.skipFirst ?? 50;
  const every = o.every ?? 5;
  const episodeSteps = o.episodeSteps ?? 400;
  let got = 0;
  try {
    while (got < o.count) {
      env.reset({ seed: rng.nextSeed() });
      const action = new Float32Array(3);
      for (let t = 0; t < episodeSteps && got < o.count; t++) {
        if (o.policy === 'random') {
          if (t % 5 === 0) {
            action[0] = rng.uniform(-1, 1);
            action[1] = rng.random() < 0.8 ? rng.uniform(0.3, 1) : 0;
            action[2] = rng.random() < 0.1 ? rng.uniform(0, 0.5) : 0;
          }
        } else {
          // Steer towards the road ahead (rows 50–65 of the label map; the car sits at column 48), with noise.
          const map = env.renderSemantic().labels;
          let sum = 0;
          let road = 0;
          for (let y = 50; y < 66; y++) for (let x = 0; x < 96; x++) if (map[y * 96 + x] === ROAD) (sum += x), road++;
          const target = road > 0 ? sum / road : 48;
          action[0] = Math.max(-1, Math.min(1, (target - 48) / 12 + rng.normal(0, 0.3)));
          action[1] = rng.random() < 0.7 ? rng.uniform(0.1, 0.4) : 0;
          action[2] = 0;
        }
        const r = env.step(action);
        if (t >= skipFirst && (t - skipFirst) % every === 0) {
          frames.set(r.observation, got * 96 * 96 * 3);
          if (o.semantic) labels.set(env.renderSemantic().labels, got * 96 * 96);
          got++;
        }
        if (r.terminated || r.truncated) break;
      }
    }
  } finally {
    env.close();
  }
  return { frames, labels };
}

/** Pong frames [N, 64, 64, 3] under a random policy that repeats each action a few steps, with the ball's column (info.ballX). */
export function collectPong(count: number, seed: number, every = 3): { frames: Uint8Array; ballX: Float32Array } {
  const rng = new Rng(seed).derive('pong-frames');
  const env = new PongEnv();
  const frames = new Uint8Array(count * 64 * 64 * 3);
  const ballX = new Float32Array(count);
  let got = 0;
  try {
    while (got < count) {
      env.reset({ seed: rng.nextSeed() });
      let action = 0;
      for (let t = 0; t < 1000 && got < count; t++) {
        if (t % 4 === 0) action = rng.int(3);
        const r = env.step(action);
        if (t % every === 0) {
          ballX[got] = Number(r.info.ballX);
          frames.set(r.observation, got++ * 64 * 64 * 3);
        }
        if (r.terminated || r.truncated) break;
      }
    }
  } finally {
    env.close();
  }
  return { frames, ballX };
}

/** Builds arrays once and caches them as an `.npz` (atomically written) for resumed runs. */
export async function cachedArrays(path: string, build: () => Record<string, NdArray>): Promise<Record<string, NdArray>> {
  if (existsSync(path)) return readNpz(path);
  const arrays = build();
  await writeNpz(path, arrays);
  return arrays;
}

export { ndarray };
