import * as tf from '@tensorflow/tfjs-core';
import { DatasetReader } from '@worldmodels/core/dataset';
import { disposeOutputHeads, disposeState, zeroState } from '../models/memory-state.js';
import type { MemoryModel, MemoryState } from '../models/model-types.js';

export interface DoneHeadCheckOptions {
  /** M with a done head. */
  mdnrnn: MemoryModel;
  /** A series data set (mu, actions, dones; `restarts` when it holds streams of episodes). */
  series: string;
  /** The weight w of positive done targets M was trained with: the hazard is σ(logit − log w). */
  donePositiveWeight: number;
  /** Check at most this many episodes, the last ones of the data set (default all). */
  episodes?: number;
  /** Steps per row of the table (default 100). */
  bucket?: number;
  /** Episodes stepped together (default 64). */
  batchSize?: number;
}

/** One stretch of an episode's steps: how often the head fired and its mean hazard there. */
export interface DoneHeadBucket {
  from: number;
  to: number;
  /** Episode steps in this stretch. */
  steps: number;
  /** Fraction of them with logit > 0 (where the threshold rule ends a dream). */
  fireRate: number;
  /** Mean σ(logit − log w): M's probability that the episode ends at the step. */
  hazard: number;
}

export interface DoneHeadCheck {
  episodes: number;
  /** Episodes that ended in a death (done on their last step); the rest were cut. */
  deaths: number;
  /** The sum of every step's hazard: the deaths the 'sample' rule expects on these episodes. */
  expectedDeaths: number;
  /** Episodes whose head fired before their last step (a threshold dream would end them early). */
  firedEarly: number;
  /** Deaths the head did not fire on at all. */
  missedDeaths: number;
  /** Median step of the first firing among the episodes where it fired early. */
  medianEarlyFire: number | null;
  buckets: DoneHeadBucket[];
  perEpisode: { length: number; died: boolean; firstFire: number | null }[];
}

interface Span {
  mu: Float32Array; // [L, Z]
  actions: Float32Array; // [L, A]
  died: boolean;
}

/**
 * M's done head on real episodes (teacher forcing: the recorded z means and actions, the LSTM
 * from a zero state at each episode's start): when it fires against when the episode ended, and
 * its hazard by episode step. A head that fires at about the same step whatever happened (a
 * clock learned from capped data) or never reaches its threshold makes a dream whose deaths
 * are wrong, and a controller trained there learns the wrong thing.
 */
export async function doneHeadCheck(options: DoneHeadCheckOptions): Promise<DoneHeadCheck> {
  const { mdnrnn, donePositiveWeight } = options;
  const bucket = options.bucket ?? 100;
  const batchSize = options.batchSize ?? 64;
  if (!(donePositiveWeight > 0)) throw new Error(`doneHeadCheck: donePositiveWeight must be positive, got ${donePositiveWeight}`);
  if (!Number.isInteger(bucket) || bucket < 1) throw new Error(`doneHeadCheck: bucket must be a positive integer, got ${bucket}`);
  const spans = await readSpans(options.series, mdnrnn.config.zSize, mdnrnn.config.actionSize, options.episodes);
  if (spans.length === 0) throw new Error(`doneHeadCheck: ${options.series} holds no episodes`);
  const shift = Math.log(donePositiveWeight);
  const rows = new Map<number, { steps: number; fired: number; hazard: number }>();
  const perEpisode: DoneHeadCheck['perEpisode'] = [];
  let expectedDeaths = 0;
  for (let start = 0; start < spans.length; start += batchSize) {
    const batch = spans.slice(start, start + batchSize);
    const logits = stepBatch(mdnrnn, batch); // [T][B]
    batch.forEach((span, b) => {
      const L = span.mu.length / mdnrnn.config.zSize;
      let firstFire: number | null = null;
      for (let t = 0; t < L; t++) {
        const logit = logits[t]![b]!;
        const hazard = 1 / (1 + Math.exp(-(logit - shift)));
        const key = Math.floor(t / bucket);
        const row = rows.get(key) ?? { steps: 0, fired: 0, hazard: 0 };
        row.steps++;
        row.hazard += hazard;
        if (logit > 0) {
          row.fired++;
          firstFire ??= t;
        }
        rows.set(key, row);
        expectedDeaths += hazard;
      }
      perEpisode.push({ length: L, died: span.died, firstFire });
    });
  }
  const early = perEpisode.filter((e) => e.firstFire !== null && e.firstFire < e.length - 1).map((e) => e.firstFire!).sort((a, b) => a - b);
  return {
    episodes: perEpisode.length,
    deaths: perEpisode.filter((e) => e.died).length,
    expectedDeaths,
    firedEarly: early.length,
    missedDeaths: perEpisode.filter((e) => e.died && e.firstFire === null).length,
    medianEarlyFire: early.length ? early[Math.floor(early.length / 2)]! : null,
    buckets: [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([k, r]) => ({ from: k * bucket, to: (k + 1) * bucket - 1, steps: r.steps, fireRate: r.fired / r.steps, hazard: r.hazard / r.steps })),
    perEpisode,
  };
}

/** Done logits of a batch of episodes stepped together: [T][B] (steps past an episode's end are ignored). */
function stepBatch(mdnrnn: MemoryModel, batch: Span[]): Float32Array[] {
  const { zSize: Z, actionSize: A, hiddenSize } = mdnrnn.config;
  const B = batch.length;
  const lengths = batch.map((s) => s.mu.length / Z);
  const T = Math.max(...lengths);
  const out: Float32Array[] = [];
  let state: MemoryState = zeroState(B, hiddenSize);
  const z = new Float32Array(B * Z);
  const a = new Float32Array(B * A);
  try {
    for (let t = 0; t < T; t++) {
      z.fill(0);
      a.fill(0);
      batch.forEach((s, b) => {
        if (t >= lengths[b]!) return;
        z.set(s.mu.subarray(t * Z, (t + 1) * Z), b * Z);
        a.set(s.actions.subarray(t * A, (t + 1) * A), b * A);
      });
      const zt = tf.tensor2d(z, [B, Z]); // [B, Z]
      const at = tf.tensor2d(a, [B, A]); // [B, A]
      const restart = t === 0 && mdnrnn.config.restartInput ? tf.ones([B]) : undefined; // [B]
      const step = mdnrnn.step(zt, at, state, restart);
      tf.dispose([zt, at, ...(restart ? [restart] : [])]);
      disposeState(state);
      state = step.state;
      if (!step.doneLogit) {
        disposeOutputHeads(step);
        throw new Error('doneHeadCheck needs M with a done head (mdnrnn.doneHead: true)');
      }
      out.push(Float32Array.from(step.doneLogit.dataSync() as Float32Array));
      disposeOutputHeads(step);
    }
  } finally {
    disposeState(state);
  }
  return out;
}

/** The data set's episodes (streams split at their restart flags), the last `limit` of them. */
async function readSpans(dir: string, Z: number, A: number, limit: number | undefined): Promise<Span[]> {
  const reader = await DatasetReader.open(dir);
  const spans: Span[] = [];
  // Newest episodes are read first (a run's latest round is last), then put back in order.
  for (let i = reader.episodes.length - 1; i >= 0 && (limit === undefined || spans.length < limit); i--) {
    const { arrays } = await reader.readEpisode(reader.episodes[i]!);
    const { mu, actions, dones, restarts } = arrays;
    if (!mu || !actions || !dones) throw new Error(`doneHeadCheck: ${dir} episode ${reader.episodes[i]!.id} lacks mu, actions or dones (is it a series data set?)`);
    if (mu.shape[1] !== Z || (actions.shape[1] ?? 1) !== A) throw new Error(`doneHeadCheck: ${dir} holds z of width ${mu.shape[1]} and actions of width ${actions.shape[1] ?? 1}; M takes ${Z} and ${A}`);
    const T = mu.shape[0]!;
    const starts = [0];
    if (restarts) for (let t = 1; t < T; t++) if (restarts.data[t]) starts.push(t);
    starts.push(T);
    const pieces: Span[] = [];
    for (let k = 0; k + 1 < starts.length; k++) {
      const [s, e] = [starts[k]!, starts[k + 1]!];
      pieces.push({ mu: (mu.data as Float32Array).slice(s * Z, e * Z), actions: (actions.data as Float32Array).slice(s * A, e * A), died: dones.data[e - 1] === 1 });
    }
    for (let k = pieces.length - 1; k >= 0 && (limit === undefined || spans.length < limit); k--) spans.push(pieces[k]!);
  }
  return spans.reverse();
}
