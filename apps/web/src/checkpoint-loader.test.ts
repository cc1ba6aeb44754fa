import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@worldmodels/core';
import { Rng } from '@worldmodels/core/rng';
import { loadMemory, loadVision, readInitialLatents } from '@worldmodels/world-model';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeUntrainedCheckpoint } from '@worldmodels/agent-app';
import { disposeCheckpoint, fetchCheckpoint, type Fetcher } from './checkpoint-loader.js';
import { InteractiveDream } from './interactive-dream.js';

/** `fetch` over a directory, as the page's server would answer. */
const fileFetcher = (root: string): Fetcher => async (url) => {
  try {
    const bytes = await readFile(join(root, url));
    return { ok: true, status: 200, json: async () => JSON.parse(bytes.toString('utf8')), arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer };
  } catch {
    return { ok: false, status: 404, json: async () => null, arrayBuffer: async () => new ArrayBuffer(0) };
  }
};

let work: string;

beforeAll(async () => {
  await initBackend({ quiet: true });
  work = await mkdtemp(join(tmpdir(), 'wm-web-loader-'));
  await writeUntrainedCheckpoint(join(work, 'takecover'), 'takecover', { float16: true, seed: 3 });
  await writeUntrainedCheckpoint(join(work, 'carracing'), 'carracing', { seed: 4 });
  return () => rm(work, { recursive: true, force: true });
});

describe('fetchCheckpoint (the browser loader)', () => {
  for (const env of ['takecover', 'carracing'] as const) {
    it(`builds the same ${env} V and M as the Node loaders`, async () => {
      const before = tf.memory().numTensors;
      const browser = await fetchCheckpoint(env, fileFetcher(work));
      const vae = await loadVision(join(work, env, 'vae'));
      const mdnrnn = await loadMemory(join(work, env, 'mdnrnn'));
      expect(browser.vae.config).toEqual(vae.config);
      expect(browser.mdnrnn.config).toEqual(mdnrnn.config);
      expect(browser.config.env).toBe(env);
      expect(browser.params).toHaveLength(browser.layout.paramCount);
      const Z = vae.config.zSize;
      tf.tidy(() => {
        const x = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 5); // [2, 64, 64, 3]
        expect(Array.from(browser.vae.encode(x).mu.dataSync())).toEqual(Array.from(vae.encode(x).mu.dataSync()));
        const z = tf.randomNormal([2, Z], 0, 1, 'float32', 6); // [2, Z]
        expect(Array.from(browser.vae.decode(z).dataSync())).toEqual(Array.from(vae.decode(z).dataSync()));
        const a = tf.randomUniform([2, mdnrnn.config.actionSize], 0, 1, 'float32', 7); // [2, A]
        const ours = browser.mdnrnn.step(z, a);
        const theirs = mdnrnn.step(z, a);
        expect(Array.from(ours.mean.dataSync())).toEqual(Array.from(theirs.mean.dataSync()));
        expect(Array.from(ours.logmix.dataSync())).toEqual(Array.from(theirs.logmix.dataSync()));
        expect(Array.from(ours.state.h.dataSync())).toEqual(Array.from(theirs.state.h.dataSync()));
      });
      const initial = await readInitialLatents(join(work, env, 'series', 'initial-z.npz'));
      expect(browser.initial).toEqual(initial);
      vae.dispose();
      mdnrnn.dispose();
      disposeCheckpoint(browser);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('names a missing or corrupted file', async () => {
    const dir = join(work, 'broken');
    await writeUntrainedCheckpoint(dir, 'takecover');
    const before = tf.memory().numTensors;
    const weights = join(dir, 'mdnrnn', 'model', 'weights.bin');
    const bytes = await readFile(weights);
    bytes[10] = bytes[10]! ^ 0xff;
    await writeFile(weights, bytes);
    await expect(fetchCheckpoint('broken', fileFetcher(work))).rejects.toThrow('broken/mdnrnn/model/weights.bin fails its SHA-256 checksum (corrupted)');
    await writeFile(weights, bytes.subarray(0, 100));
    await expect(fetchCheckpoint('broken', fileFetcher(work))).rejects.toThrow(/weights\.bin is 100 bytes, expected \d+ \(truncated or corrupted\)/);
    await rm(join(dir, 'controller', 'best.json'));
    await expect(fetchCheckpoint('broken', fileFetcher(work))).rejects.toThrow('cannot fetch broken/controller/best.json: HTTP 404');
    expect(tf.memory().numTensors).toBe(before); // V was freed when M failed
  });
});

describe('InteractiveDream', () => {
  it('plays M step by step at τ, deterministic given the seed, and frees its tensors', async () => {
    const c = await fetchCheckpoint('takecover', fileFetcher(work));
    const before = tf.memory().numTensors;
    const play = (temperature: number) => {
      const dream = new InteractiveDream({ mdnrnn: c.mdnrnn, initial: c.initial!, rng: new Rng(9), temperature, reward: 'survival' });
      const zs = [dream.latent()];
      for (let t = 0; t < 5; t++) zs.push(dream.step([t % 3]).z);
      expect(dream.steps).toBe(5);
      expect(dream.total).toBe(5);
      dream.dispose();
      return zs;
    };
    const a = play(1.15);
    expect(play(1.15)).toEqual(a);
    const cold = play(0.1);
    expect(cold[0]).toEqual(a[0]); // same start; τ changes what follows
    expect(cold[3]).not.toEqual(a[3]);
    expect(tf.memory().numTensors).toBe(before);
    const dream = new InteractiveDream({ mdnrnn: c.mdnrnn, initial: c.initial!, rng: new Rng(9), temperature: 1, reward: 'survival' });
    expect(() => dream.step([0, 1])).toThrow('M takes actions of width 1, got 2');
    dream.dispose();
    disposeCheckpoint(c);
  });
});
