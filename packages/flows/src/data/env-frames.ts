import { Rng } from '@worldmodels/core/rng';
import { downscaleArea } from './resize.js';

/** The part of a Gymnasium-style env (as `@worldmodels/envs` makes them) that frame collection uses. */
export interface FrameSource {
  reset(options?: { seed?: number }): { observation: Uint8Array };
  step(action: Float32Array): { observation: Uint8Array; terminated: boolean; truncated: boolean };
  close(): void;
}

export interface CollectFramesOptions {
  /** Frames to return. */
  count: number;
  /** The env's observation [H, W, C] (CarRacing: [96, 96, 3]). */
  observationShape: [number, number, number];
  /** Output side length (an integer divisor of H and W). */
  size: number;
  seed: number;
  /** Steps skipped at the start of each episode (CarRacing zooms in over its first ~50 frames). */
  skipFirst?: number;
  /** Keep one frame in this many. */
  every?: number;
  /** Steps per episode before a new one starts. */
  episodeSteps?: number;
}

/**
 * Frames from rollouts of a random driving policy (World Models' data collection: steering held
 * for a few steps, mostly accelerating, sometimes braking), area-downscaled to size×size.
 * Returns [count, size, size, C] uint8.
 */
export function collectEnvFrames(makeEnv: () => FrameSource, options: CollectFramesOptions): Uint8Array {
  const { count, observationShape, size, seed } = options;
  const [h, w, c] = observationShape;
  const skipFirst = options.skipFirst ?? 50;
  const every = options.every ?? 4;
  const episodeSteps = options.episodeSteps ?? 300;
  if (!Number.isInteger(count) || count < 1) throw new Error(`collectEnvFrames: count must be a positive integer, got ${count}`);
  const rng = new Rng(seed).derive('env-frames');
  const raw = new Uint8Array(count * h * w * c);
  const env = makeEnv();
  let got = 0;
  try {
    for (let episode = 0; got < count; episode++) {
      let { observation } = env.reset({ seed: rng.nextSeed() });
      const action = new Float32Array(3);
      for (let t = 0; t < episodeSteps && got < count; t++) {
        if (t % 5 === 0) {
          action[0] = rng.uniform(-1, 1); // steer
          action[1] = rng.random() < 0.8 ? rng.uniform(0.3, 1) : 0; // gas
          action[2] = rng.random() < 0.1 ? rng.uniform(0, 0.5) : 0; // brake
        }
        const r = env.step(action);
        observation = r.observation;
        if (observation.length !== h * w * c) {
          throw new Error(`collectEnvFrames: observation has ${observation.length} values, expected ${h}×${w}×${c}`);
        }
        if (t >= skipFirst && (t - skipFirst) % every === 0) raw.set(observation, got++ * h * w * c);
        if (r.terminated || r.truncated) break;
      }
    }
  } finally {
    env.close();
  }
  return downscaleArea(raw, count, h, w, c, size);
}
