import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatasetReader, decodeNpz } from '@worldmodels/core/dataset';
import { afterAll, describe, expect, it } from 'vitest';
import { PongEnv } from '../pong/pong-env.js';
import { collectRollouts, type CollectOptions } from './collect-rollouts.js';
import { episodeEnvSeed, episodePolicyRng } from './episode-seeds.js';
import { heldPolicy } from './policies.js';
import { runEpisode } from './run-episode.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'wm-collect-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const base = (out: string, extra: Partial<CollectOptions> = {}): CollectOptions => ({
  env: 'Pong-v0',
  policy: 'held',
  episodes: 6,
  seed: 7,
  maxSteps: 40,
  out,
  progress: false,
  ...extra,
});

/** Each episode's arrays as one byte string per array (zip headers carry a time stamp, so files are compared by content). */
async function episodeContents(out: string, n: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const arrays = decodeNpz(new Uint8Array(await readFile(join(out, 'episodes', `ep-${String(i).padStart(6, '0')}.npz`))));
      return ['observations', 'actions', 'rewards', 'dones']
        .map((k) => `${k}${JSON.stringify(arrays[k]!.shape)}:${Buffer.from(arrays[k]!.data.buffer, arrays[k]!.data.byteOffset, arrays[k]!.data.byteLength).toString('base64')}`)
        .join('|');
    }),
  );
}

describe('collectRollouts', () => {
  it('writes the same episodes with 2 worker threads as in-process, each seeded from (seed, index)', async () => {
    const threaded = await tempDir();
    const inline = await tempDir();
    const r = await collectRollouts(base(threaded, { workers: 2 }));
    expect(r).toMatchObject({ collected: 6, kept: 0, repaired: [], steps: 6 * 40 });
    await collectRollouts(base(inline, { workers: 0 }));
    const a = await episodeContents(threaded, 6);
    const b = await episodeContents(inline, 6);
    for (let i = 0; i < 6; i++) expect(a[i] === b[i]).toBe(true);
    expect(a[0] === a[1]).toBe(false);

    // Episode 3 is exactly what a direct run with its derived seeds gives.
    const reader = await DatasetReader.open(threaded);
    expect(reader.manifest.env).toBe('Pong-v0');
    expect(reader.episodes).toHaveLength(6);
    const ep = await reader.readEpisode(3);
    const direct = runEpisode(new PongEnv(), await heldPolicy()({ envId: 'Pong-v0', actionSpace: new PongEnv().actionSpace, rng: episodePolicyRng(7, 3), options: {} }), {
      seed: episodeEnvSeed(7, 3),
      maxSteps: 40,
    });
    expect(ep.entry.seed).toBe(episodeEnvSeed(7, 3));
    expect(ep.arrays.observations!.shape).toEqual([40, 64, 64, 3]);
    expect(ep.arrays.actions!.shape).toEqual([40, 1]);
    expect(Buffer.from(ep.arrays.observations!.data.buffer).equals(Buffer.from(direct.arrays.observations.buffer, 0, 40 * 64 * 64 * 3))).toBe(true);
    expect(Array.from(ep.arrays.actions!.data)).toEqual(Array.from(direct.arrays.actions));
    expect(Array.from(ep.arrays.dones!.data)).toEqual([...new Array(39).fill(0), 1]);
    expect(ep.entry.info).toMatchObject({ terminated: false, truncated: true });
  });

  it('resumes: keeps complete episodes, re-collects missing or damaged ones, and refuses other settings', async () => {
    const out = await tempDir();
    await collectRollouts(base(out, { workers: 0, episodes: 5 }));
    const original = await episodeContents(out, 5);
    const keptStat = await stat(join(out, 'episodes', 'ep-000000.npz'));
    const ep = (i: number, ext: string) => join(out, 'episodes', `ep-${String(i).padStart(6, '0')}.${ext}`);
    // A kill can leave: an episode file without its sidecar (killed between the two renames),
    // a stray temp file; a disk can lose a file or cut one short.
    await rm(ep(1, 'json'));
    await writeFile(join(out, 'episodes', '.ep-000001.npz.tmp-123'), 'partial');
    await rm(ep(2, 'npz'));
    await truncate(ep(4, 'npz'), 100);

    const r = await collectRollouts(base(out, { workers: 2, episodes: 5 }));
    expect(r).toMatchObject({ collected: 3, kept: 2, repaired: [2, 4] });
    const again = await episodeContents(out, 5);
    for (let i = 0; i < 5; i++) expect(again[i] === original[i]).toBe(true);
    expect((await stat(ep(0, 'npz'))).mtimeMs).toBe(keptStat.mtimeMs);
    expect((await DatasetReader.open(out)).episodes).toHaveLength(5);

    // Growing the data set collects only the new indices.
    const more = await collectRollouts(base(out, { workers: 0, episodes: 7 }));
    expect(more).toMatchObject({ collected: 2, kept: 5 });

    // A same-size corruption is caught by the checksum check.
    const bytes = await readFile(ep(3, 'npz'));
    bytes[bytes.length - 30] = bytes[bytes.length - 30]! ^ 0xff;
    await writeFile(ep(3, 'npz'), bytes);
    expect(await collectRollouts(base(out, { workers: 0, episodes: 7 }))).toMatchObject({ collected: 0 });
    expect(await collectRollouts(base(out, { workers: 0, episodes: 7, resumeCheck: 'checksum' }))).toMatchObject({ collected: 1, repaired: [3] });
    expect((await episodeContents(out, 5))[3] === original[3]).toBe(true);

    await expect(collectRollouts(base(out, { workers: 0, seed: 8 }))).rejects.toThrow(/collected with other settings/);
    await expect(collectRollouts(base(out, { workers: 0, env: 'TakeCover-v0' }))).rejects.toThrow(/holds Pong-v0 rollouts, not TakeCover-v0/);
  });

  it('runs a policy from a module in the workers (the extension point for a world-model agent)', async () => {
    const out = await tempDir();
    const mod = join(out, 'always-down.mjs');
    await writeFile(
      mod,
      'export function createPolicy(ctx) {\n  const a = ctx.options.action;\n  return { act: () => a };\n}\n',
    );
    const r = await collectRollouts(base(join(out, 'data'), { workers: 1, episodes: 2, policy: { kind: 'module', module: mod, options: { action: 2 } } }));
    expect(r.collected).toBe(2);
    const reader = await DatasetReader.open(join(out, 'data'));
    const e = await reader.readEpisode(1);
    expect(new Set(e.arrays.actions!.data)).toEqual(new Set([2]));
  });

  it('reports bad input clearly, including errors raised inside a worker', async () => {
    const out = await tempDir();
    await expect(collectRollouts(base(out, { env: 'Nope-v0' }))).rejects.toThrow(/Unknown env id "Nope-v0"; registered envs: .*Pong-v0/);
    await expect(collectRollouts(base(out, { episodes: -1 }))).rejects.toThrow(/episodes must be a non-negative integer/);
    await expect(collectRollouts(base(join(out, 'b'), { workers: 1, episodes: 1, policy: 'brownian' }))).rejects.toThrow(/episode 0 failed: .*brownian policy needs a continuous \(Box\) action space/);
  });
});

describe('collectRollouts after a real kill', () => {
  it('a SIGKILLed collection resumes to exactly the data of an uninterrupted one', async () => {
    const dir = await tempDir();
    // A deliberately slow policy (a uniformly random action, then a 10 ms sleep per step), so
    // the kill surely lands in the middle of the collection.
    const mod = join(dir, 'slow-policy.mjs');
    await writeFile(
      mod,
      [
        'const pause = new Int32Array(new SharedArrayBuffer(4));',
        'export function createPolicy({ actionSpace, rng, options }) {',
        '  return { act: () => { Atomics.wait(pause, 0, 0, options.sleepMs); return actionSpace.sample(rng); } };',
        '}',
      ].join('\n'),
    );
    const settings = { env: 'Pong-v0', episodes: 10, maxSteps: 12, seed: 3, policy: { kind: 'module', module: mod, options: { sleepMs: 10 } } } as const;
    const killed = join(dir, 'killed');
    const script = join(dir, 'collect.mts');
    const entry = fileURLToPath(new URL('./collect-rollouts.ts', import.meta.url));
    await writeFile(
      script,
      `import { collectRollouts } from ${JSON.stringify(entry)};\nawait collectRollouts({ ...${JSON.stringify(settings)}, out: ${JSON.stringify(killed)}, workers: 2, progress: false });\n`,
    );
    const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
    const child = spawn(process.execPath, ['--conditions=worldmodels-source', '--import', 'tsx', script], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    const sidecars = async () => (await readdir(join(killed, 'episodes')).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).length;
    const deadline = Date.now() + 60_000;
    while ((await sidecars()) < 3) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the collection did not write 3 episodes in time: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const before = await sidecars();
    expect(before).toBeGreaterThanOrEqual(3);
    expect(before).toBeLessThan(10);

    const resumed = await collectRollouts({ ...settings, out: killed, workers: 2, progress: false });
    expect(resumed.kept + resumed.collected).toBe(10);
    expect(resumed.kept).toBe(before);
    const whole = join(dir, 'whole');
    await collectRollouts({ ...settings, out: whole, workers: 0, progress: false });
    expect(await episodeContents(killed, 10)).toEqual(await episodeContents(whole, 10));
    const reader = await DatasetReader.open(killed);
    expect((await reader.verify()).corrupt).toHaveLength(0);
  });
});
