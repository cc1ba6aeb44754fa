import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { sha256Hex } from '../io/checksum.js';
import { readJsonFile } from '../io/read-json.js';
import { formatZodError } from '../dataset/manifest.js';
import {
  type CheckpointManifest, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, MANIFEST_FILE, checkpointManifestSchema,
} from './checkpoint-manifest.js';

/**
 * Writes a checkpoint directory atomically: every file goes into a fresh temporary sibling
 * directory with a `checkpoint.json` manifest of sizes and SHA-256 checksums; then the old
 * directory (if any) is moved aside to `<dir>.old`, the new one renamed into place and the old
 * one removed. A kill at any point leaves either the previous checkpoint or the new one complete
 * (`readCheckpointDir` falls back to `<dir>.old` when `<dir>` is missing).
 */
export async function writeCheckpointDir(
  dir: string,
  files: Record<string, Uint8Array | string>,
  manifest: Pick<CheckpointManifest, 'weights' | 'metadata'>,
): Promise<CheckpointManifest> {
  if (MANIFEST_FILE in files) throw new Error(`checkpoint file name '${MANIFEST_FILE}' is reserved`);
  await mkdir(dirname(dir), { recursive: true });
  const tmp = join(dirname(dir), `.${basename(dir)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  await mkdir(tmp);
  try {
    const record: CheckpointManifest['files'] = {};
    for (const [name, data] of Object.entries(files)) {
      const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
      await writeSynced(join(tmp, name), bytes);
      record[name] = { bytes: bytes.length, sha256: sha256Hex(bytes) };
    }
    const full: CheckpointManifest = {
      format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, createdAt: new Date().toISOString(), files: record, ...manifest,
    };
    await writeSynced(join(tmp, MANIFEST_FILE), new TextEncoder().encode(`${JSON.stringify(full, null, 2)}\n`));
    const old = `${dir}.old`;
    if (existsSync(dir)) {
      await rm(old, { recursive: true, force: true });
      await rename(dir, old);
    }
    await rename(tmp, dir);
    await rm(old, { recursive: true, force: true });
    return full;
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}

/** Reads and verifies a checkpoint directory; errors name the file and the problem. */
export async function readCheckpointDir(dir: string): Promise<{ dir: string; manifest: CheckpointManifest; files: Record<string, Uint8Array> }> {
  let where = dir;
  if (!existsSync(dir) && existsSync(`${dir}.old`)) where = `${dir}.old`; // a save was killed between its two renames
  if (!existsSync(where)) throw new Error(`checkpoint not found: ${dir}`);
  if (!(await stat(where)).isDirectory()) throw new Error(`checkpoint ${dir} is not a directory`);
  const manifestPath = join(where, MANIFEST_FILE);
  const parsed = checkpointManifestSchema.safeParse(await readJsonFile(manifestPath, 'checkpoint manifest'));
  if (!parsed.success) throw new Error(`checkpoint manifest ${manifestPath} is invalid: ${formatZodError(parsed.error)}`);
  const manifest = parsed.data;
  const files: Record<string, Uint8Array> = {};
  for (const [name, expected] of Object.entries(manifest.files)) {
    const path = join(where, name);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`checkpoint file missing: ${path}`);
      throw new Error(`cannot read checkpoint file ${path}: ${(error as Error).message}`);
    }
    if (bytes.length !== expected.bytes) throw new Error(`checkpoint file ${path} is ${bytes.length} bytes, expected ${expected.bytes} (truncated or corrupted)`);
    if (sha256Hex(bytes) !== expected.sha256) throw new Error(`checkpoint file ${path} fails its SHA-256 checksum (corrupted)`);
    files[name] = bytes;
  }
  return { dir: where, manifest, files };
}

async function writeSynced(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
