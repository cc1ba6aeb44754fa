import * as tf from '@tensorflow/tfjs-core';
import { DatasetReader } from '@worldmodels/core/dataset';

/** Next-frame prediction examples: k past frames, the action, the next frame (uint8, HWC). */
export interface Transitions {
  count: number;
  frameSize: number;
  channels: number;
  pastFrames: number;
  actionSize: number;
  /** [N, S, S, k·C]: the k past frames stacked along channels, oldest first. */
  past: Uint8Array;
  /** [N, A]: the action taken at the last past frame (one-hot for a discrete action). */
  actions: Float32Array;
  /** [N, S, S, C]: the frame `stride` steps after the last past frame. */
  next: Uint8Array;
  /** [N]: position of the example's episode in the data set's episode list. */
  episode: Int32Array;
  /** [N]: the step t of the example's last past frame in its episode. */
  time: Int32Array;
}

export interface TransitionOptions {
  /** Output side S; the stored frames' side must be an integer multiple of it (area downscaling). */
  frameSize: number;
  /** Past frames k. */
  pastFrames: number;
  /** Steps between the frames of one example (1 = consecutive). */
  stride?: number;
  /** Width of the one-hot action for a discrete action space (stored as an index); ignored for Box actions. */
  discreteActions?: number;
  /** Which episodes (positions in the reader's episode list); default all. */
  episodes?: number[];
}

/**
 * Builds next-frame examples from a rollout data set (core's store: `observations` uint8 [H, W, C],
 * `actions` [A]): every window t − (k−1)·stride, …, t → t + stride inside one episode.
 */
export async function transitionsFromDataset(source: string | DatasetReader, options: TransitionOptions): Promise<Transitions> {
  const reader = typeof source === 'string' ? await DatasetReader.open(source) : source;
  const obsShape = reader.manifest.arrays.observations?.shape;
  const actShape = reader.manifest.arrays.actions?.shape;
  if (!obsShape || obsShape.length !== 3) throw new Error(`data set ${reader.dir} has no observations of shape [H, W, C]`);
  if (!actShape || actShape.length !== 1) throw new Error(`data set ${reader.dir} has no actions of shape [A]`);
  const [height, width, channels] = obsShape as [number, number, number];
  const { frameSize: s, pastFrames: k } = options;
  const stride = options.stride ?? 1;
  if (!Number.isInteger(stride) || stride < 1) throw new Error(`transitions stride must be a positive integer, got ${stride}`);
  if (!Number.isInteger(k) || k < 1) throw new Error(`transitions pastFrames must be a positive integer, got ${k}`);
  if (height !== width || height % s !== 0) throw new Error(`data set ${reader.dir} frames are ${height}×${width}; frameSize ${s} must divide them`);
  const discrete = actShape[0] === 1 && options.discreteActions !== undefined;
  const actionSize = discrete ? options.discreteActions! : actShape[0]!;
  const entries = (options.episodes ?? reader.episodes.map((_, i) => i)).map((i) => {
    const e = reader.episodes[i];
    if (!e) throw new Error(`data set ${reader.dir} has ${reader.episodes.length} episodes, no episode at position ${i}`);
    return e;
  });
  const span = k * stride; // last past frame + stride ≤ T − 1
  const count = entries.reduce((n, e) => n + Math.max(0, e.length - span), 0);
  if (count === 0) throw new Error(`data set ${reader.dir}: no episode is longer than ${span} steps`);
  const frameBytes = s * s * channels;
  const past = new Uint8Array(count * frameBytes * k);
  const next = new Uint8Array(count * frameBytes);
  const actions = new Float32Array(count * actionSize);
  const episodeOf = new Int32Array(count);
  const time = new Int32Array(count);
  let n = 0;
  for (const [position, entry] of entries.entries()) {
    const episode = await reader.readEpisode(entry);
    const frames = downscale(episode.arrays.observations!.data as Uint8Array, entry.length, height, channels, s); // [T, S, S, C]
    const acts = episode.arrays.actions!.data as ArrayLike<number>;
    for (let t = (k - 1) * stride; t + stride < entry.length; t++) {
      for (let j = 0; j < k; j++) {
        const src = (t - (k - 1 - j) * stride) * frameBytes;
        for (let p = 0; p < s * s; p++) for (let c = 0; c < channels; c++) past[(n * s * s + p) * k * channels + j * channels + c] = frames[src + p * channels + c]!;
      }
      next.set(frames.subarray((t + stride) * frameBytes, (t + stride + 1) * frameBytes), n * frameBytes);
      episodeOf[n] = options.episodes?.[position] ?? position;
      time[n] = t;
      if (discrete) {
        const a = acts[t]!;
        if (!Number.isInteger(a) || a < 0 || a >= actionSize) throw new Error(`data set ${reader.dir} episode ${entry.id}: action ${a} at step ${t} is not an index below ${actionSize}`);
        actions[n * actionSize + a] = 1;
      } else {
        for (let i = 0; i < actionSize; i++) actions[n * actionSize + i] = acts[t * actionSize + i]!;
      }
      n++;
    }
  }
  return { count, frameSize: s, channels, pastFrames: k, actionSize, past, actions, next, episode: episodeOf, time };
}

/** The examples at `indices` as float32 tensors in [0, 1]: past [B, S, S, kC], action [B, A], next [B, S, S, C]. */
export function transitionBatch(data: Transitions, indices: readonly number[]): { past: tf.Tensor4D; action: tf.Tensor2D; next: tf.Tensor4D } {
  const { frameSize: s, channels: c, pastFrames: k, actionSize: a } = data;
  const frameBytes = s * s * c;
  const b = indices.length;
  const past = new Float32Array(b * frameBytes * k);
  const next = new Float32Array(b * frameBytes);
  const action = new Float32Array(b * a);
  indices.forEach((index, i) => {
    if (!Number.isInteger(index) || index < 0 || index >= data.count) throw new Error(`transition index ${index} is outside 0..${data.count - 1}`);
    for (let p = 0; p < frameBytes * k; p++) past[i * frameBytes * k + p] = data.past[index * frameBytes * k + p]! / 255;
    for (let p = 0; p < frameBytes; p++) next[i * frameBytes + p] = data.next[index * frameBytes + p]! / 255;
    action.set(data.actions.subarray(index * a, (index + 1) * a), i * a);
  });
  return { past: tf.tensor4d(past, [b, s, s, c * k]), action: tf.tensor2d(action, [b, a]), next: tf.tensor4d(next, [b, s, s, c]) };
}

/** Area downscaling of T square uint8 frames [T, H, H, C] → [T, S, S, C] (H a multiple of S). */
export function downscale(frames: Uint8Array, count: number, size: number, channels: number, out: number): Uint8Array {
  if (size === out) return frames.subarray(0, count * size * size * channels);
  const f = size / out;
  const result = new Uint8Array(count * out * out * channels);
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < out; y++) {
      for (let x = 0; x < out; x++) {
        for (let c = 0; c < channels; c++) {
          let sum = 0;
          for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) sum += frames[((n * size + y * f + dy) * size + x * f + dx) * channels + c]!;
          result[((n * out + y) * out + x) * channels + c] = Math.round(sum / (f * f));
        }
      }
    }
  }
  return result;
}
