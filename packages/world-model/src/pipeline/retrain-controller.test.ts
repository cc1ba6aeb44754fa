import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../config/resolve-config.js';
import type { RunConfig } from '../config/schema.js';
import { embeddedOutputWeight } from '../controller/controller-init.js';
import { loadMemory, loadVision } from '../models/load-models.js';
import { exportAgent } from './export-agent.js';
import { retrainController } from './retrain-controller.js';
import { readRunConfig, trainWorldModel } from './train-world-model.js';

const quiet = () => {};

async function sameFiles(a: string, b: string): Promise<void> {
  const names = (await readdir(a)).sort();
  expect((await readdir(b)).sort()).toEqual(names);
  for (const name of names) expect((await readFile(join(b, name))).equals(await readFile(join(a, name)))).toBe(true);
}

describe('retrainController', () => {
  it('trains a new dream controller on a finished run\'s V and M, as a run that resumes, skips and refuses like any other', async () => {
    const source = await mkdtemp(join(tmpdir(), 'wm-retrain-src-'));
    const config = await resolveRunConfig({ env: 'takecover', preset: 'ci', overrides: {} });
    await trainWorldModel(source, config, { log: quiet });

    const out = join(await mkdtemp(join(tmpdir(), 'wm-retrain-')), 'run');
    const hotter: RunConfig = { ...config, controller: { ...config.controller, generations: 3, dream: { ...config.controller.dream, temperature: 1.3, temperatures: [0.5] } } };
    const outcomes = await retrainController(source, out, hotter, { log: quiet });
    expect(outcomes.map((o) => `${o.stage}:${o.status}`)).toEqual(['vae:ran', 'series:ran', 'mdnrnn:ran', 'controller:ran', 'controller-tau-0.5:ran']);
    // V, M and the initial latents are the source's, byte for byte; the series itself is not copied.
    await sameFiles(join(source, 'vae', 'model'), join(out, 'vae', 'model'));
    await sameFiles(join(source, 'mdnrnn', 'model'), join(out, 'mdnrnn', 'model'));
    expect((await readFile(join(out, 'series', 'initial-z.npz'))).equals(await readFile(join(source, 'series', 'initial-z.npz')))).toBe(true);
    expect(existsSync(join(out, 'series', 'series'))).toBe(false);
    // The new controller: its own search at τ 1.3, three generations.
    const done = JSON.parse(await readFile(join(out, 'controller', 'DONE.json'), 'utf8'));
    expect(done.settings.dream.temperature).toBe(1.3);
    expect(done.summary.generations).toBe(3);
    expect(JSON.parse(await readFile(join(out, 'controller', 'best.json'), 'utf8')).params).toHaveLength(8 + 2 * 16);
    expect((await readFile(join(out, 'controller', 'metrics.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(3);
    expect(await readRunConfig(out)).toEqual({ ...hotter, iterations: 1 });

    // Done: a second call is a no-op and leaks nothing.
    const before = tf.memory().numTensors;
    const again = await retrainController(source, out, hotter, { log: quiet });
    expect(again.every((o) => o.status === 'skipped')).toBe(true);
    expect(tf.memory().numTensors).toBe(before);

    // Changed controller settings need --redo; V and M may not change at all.
    const bigger: RunConfig = { ...hotter, controller: { ...hotter.controller, popSize: 6 } };
    await expect(retrainController(source, out, bigger, { log: quiet })).rejects.toThrow(/stage controller in .* \(settings changed: popSize\)/);
    const redone = await retrainController(source, out, bigger, { log: quiet, redo: 'controller' });
    expect(redone.map((o) => o.status)).toEqual(['skipped', 'skipped', 'skipped', 'ran', 'ran']);
    await expect(retrainController(source, join(out, '..', 'other'), { ...hotter, vae: { ...hotter.vae, zSize: 16 } }, { log: quiet })).rejects.toThrow(
      /the V and M of .* are kept: vae\.zSize differ/,
    );
    await expect(retrainController(source, source, hotter, { log: quiet })).rejects.toThrow(/must differ from its source/);

    // controller.init: an mlp controller whose search starts from the source's doom controller.
    // With a vanishing σ the search stays on the embedding: unit 0 carries the doom readout.
    const doomParams: number[] = JSON.parse(await readFile(join(source, 'controller', 'best.json'), 'utf8')).params;
    const mlpConfig: RunConfig = { ...config, controller: { ...config.controller, form: 'mlp', hiddenUnits: 3, algorithm: 'sepcmaes', sigma: 1e-9, generations: 1, evalEvery: 1, init: source } };
    const lines: string[] = [];
    await retrainController(source, join(out, '..', 'mlp'), mlpConfig, { log: (line) => lines.push(line) });
    expect(lines.some((l) => l.includes(`mlp with ${40 * 3 + 3 + 3 + 1} parameters`) && l.includes(`starting from ${source}`))).toBe(true);
    const mlp: number[] = JSON.parse(await readFile(join(out, '..', 'mlp', 'controller', 'best.json'), 'utf8')).params;
    expect(mlp).toHaveLength(40 * 3 + 3 + 3 + 1);
    for (let i = 0; i < 40; i++) expect(mlp[i * 3]).toBeCloseTo(doomParams[i]!, 6);
    expect(mlp[40 * 3 + 3]).toBeCloseTo(embeddedOutputWeight(1), 6);
    await expect(retrainController(source, join(out, '..', 'mlp-bad'), { ...mlpConfig, controller: { ...mlpConfig.controller, init: join(source, 'nowhere') } }, { log: quiet })).rejects.toThrow(
      /controller\.init: .*nowhere does not exist/,
    );
  });

  it('works from an exported agent (float16 V and M)', async () => {
    const source = await mkdtemp(join(tmpdir(), 'wm-retrain-src-'));
    const config = await resolveRunConfig({ env: 'takecover', preset: 'ci', overrides: {} });
    await trainWorldModel(source, config, { log: quiet });
    const agent = join(await mkdtemp(join(tmpdir(), 'wm-retrain-agent-')), 'agent');
    await exportAgent(source, agent);

    const out = join(await mkdtemp(join(tmpdir(), 'wm-retrain-')), 'run');
    const outcomes = await retrainController(agent, out, { ...config, seed: config.seed + 1 }, { log: quiet });
    expect(outcomes.map((o) => o.status)).toEqual(['ran', 'ran', 'ran', 'ran']);
    await sameFiles(join(agent, 'vae', 'model'), join(out, 'vae', 'model'));
    const vae = await loadVision(join(out, 'vae'));
    const m = await loadMemory(join(out, 'mdnrnn'));
    expect(vae.config.zSize).toBe(config.vae.zSize);
    expect(m.config.hiddenSize).toBe(config.mdnrnn.hiddenSize);
    vae.dispose();
    m.dispose();
    // The seed is the controller's to change: another search than the source's.
    const ours = JSON.parse(await readFile(join(out, 'controller', 'best.json'), 'utf8')).params;
    const theirs = JSON.parse(await readFile(join(source, 'controller', 'best.json'), 'utf8')).params;
    expect(ours).not.toEqual(theirs);
  });
});
