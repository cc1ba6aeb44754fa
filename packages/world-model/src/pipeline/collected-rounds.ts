import { join } from 'node:path';
import { DatasetReader } from '@worldmodels/core/dataset';
import type { RunConfig } from '../config/schema.js';
import { DATA_DIR, stageName } from './stage-paths.js';

/**
 * The rounds whose frames V of round `iteration` trains on and its series encodes. One round
 * unless the rounds aggregate with a V that changes (`iterative.aggregate` with vision 'retrain'
 * or 'finetune'): then every round so far that collected (a run continued from an agent without
 * `recollect` has no round-1 collection). With vision 'keep' the series aggregates the earlier
 * series instead, which that V already encoded.
 */
export function framesRounds(config: RunConfig, iteration: number): number[] {
  if (!reencodesEarlierRounds(config, iteration)) return [iteration];
  const first = config.iterative.startFrom !== undefined && config.iterative.recollect !== true ? 2 : 1;
  return Array.from({ length: iteration - first + 1 }, (_, i) => first + i);
}

/** Round `iteration`'s V is new and trained on the earlier rounds' frames too, so their series are encoded anew. */
function reencodesEarlierRounds(config: RunConfig, iteration: number): boolean {
  return iteration > 1 && config.iterative.aggregate && config.iterative.vision !== 'keep';
}

/**
 * The collected frames of `rounds` as one data set: the last round's episodes under their own
 * ids, an earlier round k's under `r<k>-` (the ids aggregated series use). A single round is
 * opened as its directory.
 */
export async function openRoundsFrames(inputs: Record<string, string>, rounds: readonly number[]): Promise<string | DatasetReader> {
  const dir = (round: number) => join(inputs[stageName('collect', round)]!, DATA_DIR);
  if (rounds.length === 1) return dir(rounds[0]!);
  const last = rounds.at(-1)!;
  const parts = await Promise.all(rounds.map(async (round) => ({ reader: await DatasetReader.open(dir(round)), prefix: round === last ? '' : `r${round}-` })));
  // The last round first, as an aggregated series lists it.
  return DatasetReader.union([parts.at(-1)!, ...parts.slice(0, -1)]);
}
