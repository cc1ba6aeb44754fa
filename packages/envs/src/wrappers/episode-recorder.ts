import type { Env, Info, ResetResult, StepResult } from '../env.js';
import { Box } from '../spaces.js';
import { Wrapper } from './wrapper.js';

/**
 * One recorded episode in the layout of core's data set store (`DatasetWriter.writeEpisode`):
 * observations[t] is the frame the action at t was taken on; rewards[t] and dones[t] follow it.
 */
export interface EpisodeRecord {
  env: string;
  seed: number | undefined;
  /** uint8 [T, H, W, C], flat. */
  observations: Uint8Array;
  /** float32 [T, A], flat (A = 1 for discrete actions). */
  actions: Float32Array;
  /** float32 [T]. */
  rewards: Float32Array;
  /** uint8 [T]: 1 on the last step of an episode that terminated or was truncated. */
  dones: Uint8Array;
  observationShape: number[];
  actionShape: number[];
  length: number;
  /** The final observation (after the last action), not part of `observations`. */
  finalObservation: Uint8Array | null;
  terminated: boolean;
  truncated: boolean;
  totalReward: number;
  info: Info;
}

export interface EpisodeRecorderOptions {
  /** Called with each finished episode (terminated or truncated). */
  onEpisode?: (episode: EpisodeRecord) => void;
}

/**
 * Records observations, actions, rewards and done flags of every episode; each finished episode
 * is passed to `onEpisode` and kept as `lastEpisode`. `current()` gives the episode so far.
 */
export class EpisodeRecorder<A = Float32Array | number[] | number> extends Wrapper<Uint8Array, A> {
  private observations: Uint8Array[] = [];
  private actions: number[][] = [];
  private rewards: number[] = [];
  private dones: number[] = [];
  private pendingObservation: Uint8Array | null = null;
  private seed: number | undefined;
  private lastInfo: Info = {};
  private ended = { terminated: false, truncated: false };
  /** The last finished episode, or null. */
  lastEpisode: EpisodeRecord | null = null;
  private readonly actionSize: number;

  constructor(
    env: Env<Uint8Array, A>,
    private readonly options: EpisodeRecorderOptions = {},
  ) {
    super(env);
    this.actionSize = env.actionSpace instanceof Box ? env.actionSpace.size : 1;
  }

  override reset(options?: { seed?: number }): ResetResult<Uint8Array> {
    const r = this.env.reset(options) as ResetResult<Uint8Array>;
    this.observations = [];
    this.actions = [];
    this.rewards = [];
    this.dones = [];
    this.seed = options?.seed;
    this.ended = { terminated: false, truncated: false };
    this.pendingObservation = r.observation.slice();
    this.lastInfo = r.info;
    return r;
  }

  override step(action: A): StepResult<Uint8Array> {
    const r = this.env.step(action) as StepResult<Uint8Array>;
    // Only steps the inner env accepted are recorded.
    this.observations.push(this.pendingObservation!);
    this.actions.push(typeof action === 'number' ? [action] : Array.from(action as ArrayLike<number>));
    this.rewards.push(r.reward);
    const done = r.terminated || r.truncated;
    this.dones.push(done ? 1 : 0);
    this.pendingObservation = r.observation.slice();
    this.lastInfo = r.info;
    if (done) {
      this.ended = { terminated: r.terminated, truncated: r.truncated };
      const episode = this.current();
      this.lastEpisode = episode;
      this.options.onEpisode?.(episode);
    }
    return r;
  }

  /** The episode recorded so far (all steps since the last reset). */
  current(): EpisodeRecord {
    const T = this.observations.length;
    const shape = [...this.observationSpace.shape];
    const frameSize = shape.reduce((a, b) => a * b, 1);
    const observations = new Uint8Array(T * frameSize);
    this.observations.forEach((o, t) => observations.set(o, t * frameSize));
    const actions = new Float32Array(T * this.actionSize);
    this.actions.forEach((a, t) => actions.set(a, t * this.actionSize));
    const rewards = Float32Array.from(this.rewards);
    return {
      env: this.id,
      seed: this.seed,
      observations,
      actions,
      rewards,
      dones: Uint8Array.from(this.dones),
      observationShape: shape,
      actionShape: [this.actionSize],
      length: T,
      finalObservation: this.pendingObservation,
      terminated: this.ended.terminated,
      truncated: this.ended.truncated,
      totalReward: this.rewards.reduce((a, b) => a + b, 0),
      info: this.lastInfo,
    };
  }
}
