import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ControllerLayout } from '../controller/controller-layout.js';
import { writeNpz, ndarray } from '@worldmodels/core/dataset';
import { useTestBackend } from '../test-support/backend.js';
import { ToyMemory } from '../test-support/toy-models.js';
import { layoutOptionsFor } from '../train/controller-layout-for.js';
import { makeDreamEnv } from '../train/dream-trainer.js';
import { PRESET_NAMES } from './presets.js';
import { deepMerge, resolveRunConfig } from './resolve-config.js';

describe('resolveRunConfig', () => {
  it('gives valid configs for every env and preset, with the paper sizes in paper', async () => {
    for (const env of ['carracing', 'takecover']) for (const preset of PRESET_NAMES) await resolveRunConfig({ env, preset });
    const car = await resolveRunConfig({ env: 'CarRacing-v0', preset: 'paper' });
    expect(new ControllerLayout(layoutOptionsFor(car)).paramCount).toBe(867);
    const doom = await resolveRunConfig({ env: 'takecover', preset: 'paper' });
    expect(new ControllerLayout(layoutOptionsFor(doom)).paramCount).toBe(1088);
    expect(doom.controller.dream).toEqual({ temperature: 1.15, maxSteps: 2100, temperatures: [] });
    expect(doom.mdnrnn).toMatchObject({ hiddenSize: 512, doneHead: true });
  });

  it('merges a config file and overrides over the preset', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wm-config-'));
    const file = join(dir, 'config.json');
    await writeFile(file, JSON.stringify({ controller: { popSize: 12, dream: { temperature: 0.5 } }, vae: { zSize: 16 } }));
    const c = await resolveRunConfig({ env: 'takecover', preset: 'tiny', file, overrides: { controller: { popSize: 10 } } });
    expect(c.controller.popSize).toBe(10);
    expect(c.controller.dream).toEqual({ temperature: 0.5, maxSteps: 300, temperatures: [] });
    expect(c.vae.zSize).toBe(16);
    expect(c.vae.width).toBe(0.25);
  });

  it('names every problem of a bad config', async () => {
    const bad = resolveRunConfig({ env: 'carracing', overrides: { controller: { popSize: 0, mode: 'sleep' as never }, vae: { extra: 1 } as never } });
    await expect(bad).rejects.toThrow(/controller\.popSize/);
    await expect(bad).rejects.toThrow(/controller\.mode/);
    await expect(bad).rejects.toThrow(/vae.*extra/);
    await expect(resolveRunConfig({ env: 'carracing', preset: 'huge' })).rejects.toThrow(/unknown preset 'huge'; use paper, tiny, ci/);
    await expect(resolveRunConfig({ env: 'carracing', file: { env: 'takecover' } })).rejects.toThrow(/config file is for env "takecover"/);
    await expect(resolveRunConfig({ env: 'carracing', file: '/nonexistent/wm.json' })).rejects.toThrow(/config file not found: \/nonexistent\/wm.json/);
  });

  it("takes the dream's done rule and common random numbers and hands them, with M's positive weight, to the dream", async () => {
    await useTestBackend();
    const plain = await resolveRunConfig({ env: 'takecover', preset: 'tiny' });
    const sampled = await resolveRunConfig({ env: 'takecover', preset: 'tiny', overrides: { controller: { dream: { done: 'sample', commonRandomNumbers: true } }, mdnrnn: { donePositiveWeight: 4 } } });
    await expect(resolveRunConfig({ env: 'takecover', overrides: { controller: { dream: { commonRandomNumbers: 'yes' as never } } } })).rejects.toThrow(/controller\.dream\.commonRandomNumbers/);
    await expect(resolveRunConfig({ env: 'takecover', overrides: { controller: { dream: { done: 'coin' as never } } } })).rejects.toThrow(/controller\.dream\.done/);
    const dir = await mkdtemp(join(tmpdir(), 'wm-dream-'));
    const initial = join(dir, 'initial-z.npz');
    await writeNpz(initial, { mu: ndarray('float32', [2, 64], new Float32Array(2 * 64)), logvar: ndarray('float32', [2, 64], new Float32Array(2 * 64)) });
    const mdnrnn = new ToyMemory({ zSize: 64, actionSize: 1, hiddenSize: 4, doneLogit: Math.log(4) + 100 });
    expect((await makeDreamEnv(plain, mdnrnn, initial)).doneRule).toBe('threshold');
    expect((await makeDreamEnv(plain, mdnrnn, initial)).options.commonRandomNumbers).toBe(false);
    const dream = await makeDreamEnv(sampled, mdnrnn, initial);
    expect(dream.doneRule).toBe('sample');
    expect(dream.options.donePositiveWeight).toBe(4);
    expect(dream.options.commonRandomNumbers).toBe(true);
  });

  it('deep-merges objects and replaces everything else', () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, e: 2 })).toEqual({ a: { b: 1, c: [3] }, d: 1, e: 2 });
    expect(deepMerge({ a: 1 }, { a: undefined })).toEqual({ a: 1 });
  });
});
