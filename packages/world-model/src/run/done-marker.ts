import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { atomicWriteJson, readJsonFile } from '@worldmodels/core/dataset';

export const DONE_FILE = 'DONE.json';
export const STARTED_FILE = 'STARTED.json';

/** Written when a stage starts (so a resumed attempt can check it has the same settings)… */
export interface StartedMarker {
  stage: string;
  fingerprint: string;
  settings: unknown;
  inputs: Record<string, string>;
  startedAt: string;
}

/** …and when it has finished: the stage is then done and a re-run skips it. */
export interface DoneMarker extends StartedMarker {
  finishedAt: string;
  seconds: number;
  summary: Record<string, unknown>;
}

export async function readMarker<T extends StartedMarker>(dir: string, file: string): Promise<T | null> {
  const path = join(dir, file);
  if (!existsSync(path)) return null;
  const value = (await readJsonFile(path, 'stage marker')) as T;
  if (typeof value?.fingerprint !== 'string' || typeof value.stage !== 'string') throw new Error(`stage marker ${path} is malformed; delete it to run the stage again`);
  return value;
}

export async function writeMarker(dir: string, file: string, marker: StartedMarker | DoneMarker): Promise<void> {
  await atomicWriteJson(join(dir, file), marker);
}
