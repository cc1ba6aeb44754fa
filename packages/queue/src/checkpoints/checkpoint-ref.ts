import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckpointManifest } from '@worldmodels/core';
import { sha256, stableJson } from '../jobs/content-hash.js';

/**
 * A V or M checkpoint named by content hash, with where workers can find it: a `path` on a disk
 * every worker sees, and/or a `url` (http(s) or file) of the checkpoint directory. The worker
 * verifies every file against the manifest's SHA-256 checksums and the whole against `sha256`.
 */
export interface CheckpointRef {
  /** {@link checkpointContentHash} of the checkpoint. */
  sha256: string;
  path?: string;
  url?: string;
}

type ManifestContent = Pick<CheckpointManifest, 'files' | 'weights' | 'metadata'>;

/**
 * The content hash of a checkpoint: SHA-256 of the stable JSON of its manifest's files (name,
 * size, SHA-256 each), weight specs and metadata — everything but the creation time, so a copy
 * written elsewhere has the same hash.
 */
export function checkpointContentHash(manifest: ManifestContent): string {
  return sha256(stableJson({ files: manifest.files, weights: manifest.weights, metadata: manifest.metadata ?? {} }));
}

async function core(): Promise<typeof import('@worldmodels/core')> {
  // Loaded on demand: core's main entry brings TensorFlow.js, which most jobs do not need.
  return import('@worldmodels/core');
}

/**
 * Reads and verifies the checkpoint at `dir` (core's `readCheckpointDir`: sizes and SHA-256 of
 * every file) and returns a reference to it for jobs: its content hash, its absolute path and,
 * when given, the URL workers without the shared disk download it from.
 */
export async function publishCheckpoint(dir: string, options: { url?: string } = {}): Promise<CheckpointRef> {
  const { readCheckpointDir } = await core();
  const { manifest } = await readCheckpointDir(dir);
  return { sha256: checkpointContentHash(manifest), path: resolve(dir), ...(options.url !== undefined && { url: options.url }) };
}

export interface ResolveCheckpointOptions {
  /** Where downloaded checkpoints are kept, one directory per content hash. */
  cacheDir: string;
}

/**
 * The local directory of a checkpoint reference, verified: a cached copy with that hash, else the
 * shared `path` when it holds exactly that content, else a download from `url` into the cache
 * (each file checked against the manifest before anything is written). Errors name the reference.
 */
export async function resolveCheckpoint(ref: CheckpointRef, options: ResolveCheckpointOptions): Promise<string> {
  if (!ref || typeof ref.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(ref.sha256)) throw new Error(`checkpoint reference needs a 64-hex-digit sha256, got ${JSON.stringify(ref)}`);
  const { readCheckpointDir } = await core();
  const problems: string[] = [];
  const cached = join(options.cacheDir, ref.sha256);
  if (existsSync(cached)) {
    try {
      const { dir, manifest } = await readCheckpointDir(cached);
      if (checkpointContentHash(manifest) === ref.sha256) return dir;
      problems.push(`cached copy ${cached} has other content`);
    } catch (error) {
      problems.push(`cached copy: ${(error as Error).message}`);
    }
  }
  const localPath = ref.path ?? (ref.url?.startsWith('file:') ? fileURLToPath(ref.url) : undefined);
  if (localPath !== undefined && isAbsolute(localPath) && (existsSync(localPath) || existsSync(`${localPath}.old`))) {
    const { dir, manifest } = await readCheckpointDir(localPath);
    const hash = checkpointContentHash(manifest);
    if (hash === ref.sha256) return dir;
    problems.push(`${localPath} holds checkpoint ${hash.slice(0, 12)}…, not ${ref.sha256.slice(0, 12)}… (saved again since the job was made?)`);
  } else if (ref.path !== undefined) {
    problems.push(`${ref.path} does not exist on this machine`);
  }
  if (ref.url !== undefined && /^https?:/i.test(ref.url)) {
    await downloadCheckpoint(ref, cached);
    return cached;
  }
  throw new Error(`checkpoint ${ref.sha256.slice(0, 12)}… is not available here: ${problems.join('; ') || 'the reference has neither path nor url'}`);
}

/** Downloads `<url>/checkpoint.json` and every file it lists, verifies them and writes the copy atomically. */
async function downloadCheckpoint(ref: CheckpointRef, target: string): Promise<void> {
  const { writeCheckpointDir } = await core();
  const base = ref.url!.endsWith('/') ? ref.url! : `${ref.url!}/`;
  const manifestUrl = new URL('checkpoint.json', base).href;
  const manifest = JSON.parse(new TextDecoder().decode(await fetchBytes(manifestUrl))) as ManifestContent;
  if (!manifest || typeof manifest.files !== 'object' || manifest.files === null) throw new Error(`${manifestUrl} is not a checkpoint manifest (no files)`);
  const hash = checkpointContentHash(manifest);
  if (hash !== ref.sha256) throw new Error(`checkpoint at ${ref.url} has content hash ${hash}, the job expects ${ref.sha256}`);
  const files: Record<string, Uint8Array> = {};
  for (const [name, expected] of Object.entries(manifest.files)) {
    if (name.includes('/') || name.includes('\\') || name.startsWith('.')) throw new Error(`${manifestUrl} lists an unsafe file name ${JSON.stringify(name)}`);
    const fileUrl = new URL(encodeURIComponent(name), base).href;
    const bytes = await fetchBytes(fileUrl);
    if (bytes.length !== expected.bytes) throw new Error(`${fileUrl} is ${bytes.length} bytes, the manifest says ${expected.bytes}`);
    if (sha256(bytes) !== expected.sha256) throw new Error(`${fileUrl} fails its SHA-256 checksum`);
    files[name] = bytes;
  }
  await writeCheckpointDir(target, files, { weights: manifest.weights, metadata: manifest.metadata ?? {} });
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`cannot download ${url}: ${(error as Error).message}`, { cause: error });
  }
  if (!response.ok) throw new Error(`cannot download ${url}: HTTP ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}
