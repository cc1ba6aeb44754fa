import { join } from 'node:path';
import { atomicWriteJson } from '@worldmodels/core';

/** Writes `<runDir>/results.json` atomically and prints it (the README table is filled from it). */
export async function writeResults(runDir: string, results: Record<string, unknown>): Promise<void> {
  await atomicWriteJson(join(runDir, 'results.json'), results);
  console.log(JSON.stringify(results, null, 2));
}
