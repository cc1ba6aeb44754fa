import { existsSync } from 'node:fs';
import { copyFile, cp, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readJsonFile } from '@worldmodels/core/dataset';
import type { RunConfig } from '../config/schema.js';
import { MODEL_DIR } from '../models/load-models.js';
import { canonicalJson, differingPaths } from '../run/fingerprint.js';
import type { Stage } from '../run/stage.js';
import { CONTROLLER_FILE, INITIAL_Z_FILE, stageDir } from './stage-paths.js';
import { readRunConfig } from './train-world-model.js';

export type ImportedKind = 'vae' | 'series' | 'mdnrnn' | 'controller';

/** What is copied of each imported stage: V's and M's weights, the dream's initial latents, C. */
const IMPORTED_FILES: Record<ImportedKind, readonly string[]> = {
  vae: [MODEL_DIR],
  series: [INITIAL_Z_FILE],
  mdnrnn: [MODEL_DIR],
  controller: [CONTROLLER_FILE],
};

/** One round of a finished run or exported agent, read to be used by another run. */
export interface ImportedRound {
  /** The source directory (absolute). */
  root: string;
  iteration: number;
  config: RunConfig;
  /** Each stage's done-marker fingerprint in the source: a copy of another model is stale. */
  fingerprints: Partial<Record<ImportedKind, string>>;
}

/** Reads round `iteration` (default: the last) of `source` and checks that `kinds` are done there. */
export async function readImportedRound(source: string, kinds: readonly ImportedKind[], iteration?: number): Promise<ImportedRound> {
  const root = resolve(source);
  if (!existsSync(root)) throw new Error(`${root}: no such run directory or exported agent`);
  const config = await readRunConfig(root);
  const k = iteration ?? config.iterations;
  if (!Number.isInteger(k) || k < 1 || k > config.iterations) throw new Error(`iteration must be 1..${config.iterations}, got ${k}`);
  const fingerprints: Partial<Record<ImportedKind, string>> = {};
  for (const kind of kinds) {
    const dir = join(root, stageDir(kind, k));
    const doneFile = join(dir, 'DONE.json');
    if (!existsSync(doneFile)) throw new Error(`${root}: stage ${stageDir(kind, k)} is not done`);
    for (const file of IMPORTED_FILES[kind]) if (!existsSync(join(dir, file))) throw new Error(`${root}: ${join(stageDir(kind, k), file)} is missing`);
    const done = (await readJsonFile(doneFile, `${kind} done-marker`)) as { fingerprint?: unknown };
    if (typeof done.fingerprint !== 'string') throw new Error(`${doneFile} has no fingerprint; is it a done-marker of a worldmodels run?`);
    fingerprints[kind] = done.fingerprint;
  }
  return { root, iteration: k, config, fingerprints };
}

/**
 * Refuses a config whose V and M differ from the source's. `paths`: what made them, a whole
 * section (`'vae'`) or one field of it (`'vae.zSize'`).
 */
export function checkSameWorldModel(round: ImportedRound, config: RunConfig, paths: readonly string[], allowed: string): void {
  const at = (c: RunConfig, path: string): unknown => path.split('.').reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), c);
  const differing = paths.flatMap((path) => {
    const [theirs, ours] = [at(round.config, path), at(config, path)];
    if (canonicalJson(ours ?? null) === canonicalJson(theirs ?? null)) return [];
    return typeof ours === 'object' && typeof theirs === 'object' && ours !== null && theirs !== null ? differingPaths(theirs, ours, path) : [path];
  });
  if (differing.length > 0) throw new Error(`the V and M of ${round.root} are kept: ${differing.join(', ')} differ from its config (${allowed})`);
}

/**
 * A stage that copies the source's `kind` stage (only what plays the agent: weights, initial
 * latents, controller) into `dir`. Its settings hold the source stage's fingerprint.
 */
export function importedStage(round: ImportedRound, kind: ImportedKind, name: string, dir: string): Stage {
  const fingerprint = round.fingerprints[kind];
  if (fingerprint === undefined) throw new Error(`stage ${kind} of ${round.root} was not read`);
  const from = join(round.root, stageDir(kind, round.iteration));
  return {
    name,
    dir,
    inputs: [],
    settings: { copyOf: kind, fingerprint },
    async run(ctx) {
      for (const file of IMPORTED_FILES[kind]) {
        const target = join(ctx.dir, file);
        const tmp = `${target}.tmp`;
        await rm(tmp, { recursive: true, force: true });
        if (file === MODEL_DIR) await cp(join(from, file), tmp, { recursive: true });
        else await copyFile(join(from, file), tmp);
        await rm(target, { recursive: true, force: true });
        await rename(tmp, target);
      }
      const done = (await readJsonFile(join(from, 'DONE.json'), `${kind} done-marker`)) as { summary?: Record<string, unknown> };
      return { ...(done.summary ?? {}), copiedFrom: from };
    },
  };
}
