import { createHash } from 'node:crypto';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { episodeStem } from '@worldmodels/core/dataset';

const CONCURRENCY = 64;

/** How much to trust episodes already on disk when resuming: file size (cheap) or the full SHA-256. */
export type ResumeCheck = 'size' | 'checksum';

/**
 * The indices in [0, episodes) whose episode is complete in the data set at `out`: a readable
 * sidecar `episodes/ep-NNNNNN.json` and an episode file of the recorded size (and checksum, with
 * `check: 'checksum'`). A sidecar whose episode file is missing or damaged is removed, so the
 * episode counts as missing and is collected again.
 */
export async function completedEpisodes(out: string, episodes: number, check: ResumeCheck): Promise<{ done: Set<number>; repaired: number[] }> {
  const done = new Set<number>();
  const repaired: number[] = [];
  const dir = join(out, 'episodes');
  const checkOne = async (index: number): Promise<void> => {
    const stem = episodeStem(index);
    const sidecar = join(dir, `${stem}.json`);
    let entry: { file?: unknown; bytes?: unknown; sha256?: unknown };
    try {
      entry = JSON.parse(await readFile(sidecar, 'utf8')) as typeof entry;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      // Unreadable sidecar: the episode is redone.
      await rm(sidecar, { force: true });
      repaired.push(index);
      return;
    }
    const file = join(dir, typeof entry.file === 'string' ? entry.file : `${stem}.npz`);
    const ok = await episodeFileMatches(file, entry, check);
    if (ok) done.add(index);
    else {
      await rm(sidecar, { force: true });
      repaired.push(index);
    }
  };
  // A bounded number of files open at once, whatever the size of the data set.
  for (let start = 0; start < episodes; start += CONCURRENCY) {
    const batch: Promise<void>[] = [];
    for (let index = start; index < Math.min(episodes, start + CONCURRENCY); index++) batch.push(checkOne(index));
    await Promise.all(batch);
  }
  repaired.sort((a, b) => a - b);
  return { done, repaired };
}

/** True when the episode of `index` is on disk with its sidecar and a file of the recorded size. */
export async function episodeWritten(out: string, index: number): Promise<boolean> {
  const dir = join(out, 'episodes');
  const stem = episodeStem(index);
  try {
    const entry = JSON.parse(await readFile(join(dir, `${stem}.json`), 'utf8')) as { file?: unknown; bytes?: unknown };
    return await episodeFileMatches(join(dir, typeof entry.file === 'string' ? entry.file : `${stem}.npz`), entry, 'size');
  } catch {
    return false;
  }
}

/** The episode file has the sidecar's recorded size (and SHA-256, with `check: 'checksum'`). */
async function episodeFileMatches(file: string, entry: { bytes?: unknown; sha256?: unknown }, check: ResumeCheck): Promise<boolean> {
  try {
    const st = await stat(file);
    if (st.size !== entry.bytes) return false;
    if (check === 'checksum') return createHash('sha256').update(await readFile(file)).digest('hex') === entry.sha256;
    return true;
  } catch {
    return false;
  }
}
