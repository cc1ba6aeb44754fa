import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DatasetReader } from '@worldmodels/core/dataset';
import { MetricsLogger } from '@worldmodels/core/progress';
import { ConvVAE } from '@worldmodels/vae';
import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../config/resolve-config.js';
import { exportAgent } from './export-agent.js';
import { retrainController } from './retrain-controller.js';
import { resolveVisionModelDir } from '../models/load-models.js';
import { vaeStage } from './vae-stage.js';
import { readRunConfig, trainWorldModel } from './train-world-model.js';

const quiet = () => {};

/** Reads a stage's done-marker (`<run>/<stageDir>/DONE.json`). */
async function readDone(runDir: string, stageDir: string) {
  return JSON.parse(await readFile(join(runDir, stageDir, 'DONE.json'), 'utf8'));
}

/** Largest change of any weight between two saved Vs. */
async function largestWeightChange(fromDir: string, toDir: string): Promise<number> {
  const from = await ConvVAE.load(fromDir);
  const to = await ConvVAE.load(toDir);
  const fromWeights = from.getWeights();
  let largest = 0;
  for (const [name, w] of Object.entries(to.getWeights())) largest = Math.max(largest, tf.tidy(() => tf.max(tf.abs(tf.sub(w, fromWeights[name]!))).dataSync()[0]!));
  from.dispose();
  to.dispose();
  return largest;
}

describe('trainWorldModel (ci preset, end to end)', () => {
  it('takecover: collects, trains V and M, trains C in the dream; a second run is a no-op', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wm-run-'));
    const config = await resolveRunConfig({ env: 'takecover', preset: 'ci', overrides: {} });
    expect(config.controller.mode).toBe('dream');
    const outcomes = await trainWorldModel(dir, config, { log: quiet });
    expect(outcomes.map((o) => `${o.stage}:${o.status}`)).toEqual(['collect:ran', 'vae:ran', 'series:ran', 'mdnrnn:ran', 'controller:ran']);
    for (const stage of ['collect', 'vae', 'series', 'mdnrnn', 'controller']) expect(existsSync(join(dir, stage, 'DONE.json'))).toBe(true);
    expect(existsSync(join(dir, 'vae', 'model'))).toBe(true);
    expect(existsSync(join(dir, 'series', 'initial-z.npz'))).toBe(true);
    // Episodes padded for the done head: seqLen copies of the last step follow it, done 1, reward 0.
    const series = await DatasetReader.open(join(dir, 'series', 'series'));
    const collected = await DatasetReader.open(join(dir, 'collect', 'data'));
    expect(series.episodes.map((e) => e.length)).toEqual(collected.episodes.map((e) => e.length + config.mdnrnn.seqLen));
    for (const entry of series.episodes) {
      const { arrays } = await series.readEpisode(entry);
      const pad = config.mdnrnn.seqLen;
      const dones = Array.from(arrays.dones!.data);
      expect(dones.slice(-pad - 1)).toEqual(new Array(pad + 1).fill(1));
      expect(dones.slice(0, -pad - 1).every((d) => d === 0)).toBe(true);
      expect(Array.from(arrays.rewards!.data.subarray(-pad)).every((r) => r === 0)).toBe(true);
      const Z = 8;
      const mu = arrays.mu!.data;
      expect(Array.from(mu.subarray(mu.length - Z))).toEqual(Array.from(mu.subarray(mu.length - (pad + 1) * Z, mu.length - pad * Z)));
    }
    const best = JSON.parse(await readFile(join(dir, 'controller', 'best.json'), 'utf8'));
    expect(best.params).toHaveLength(8 + 2 * 16); // doom form: [z, c, h], z 8, LSTM 16
    expect(Number.isFinite(best.score)).toBe(true);
    const generations = (await readFile(join(dir, 'controller', 'metrics.jsonl'), 'utf8')).trim().split('\n');
    expect(generations).toHaveLength(2);
    expect(await readRunConfig(dir)).toEqual(config);

    // vae.init: a new run's V starts from this run's (a run directory names its vae/model).
    const tunedDir = await mkdtemp(join(tmpdir(), 'wm-run-tuned-'));
    const tuned = { ...config, vae: { ...config.vae, init: dir, steps: 2 } };
    const tunedStage = vaeStage(tuned, 1);
    expect(tunedStage.settings).toMatchObject({ init: dir });
    const ctx = { runDir: tunedDir, dir: tunedDir, inputs: { collect: join(dir, 'collect') }, metrics: await MetricsLogger.open(join(tunedDir, 'metrics.jsonl')), log: quiet, resuming: false };
    await tunedStage.run(ctx);
    const moved = await largestWeightChange(join(dir, 'vae', 'model'), join(tunedDir, 'model'));
    expect(moved).toBeGreaterThan(0); // it trained…
    expect(moved).toBeLessThan(2 * 3 * config.vae.learningRate); // …2 Adam steps from the source V, not from a random start
    await expect(vaeStage({ ...config, vae: { ...config.vae, init: tunedDir + '-missing' } }, 1).run(ctx)).rejects.toThrow(/vae.init: .*-missing holds no saved V/);

    const before = tf.memory().numTensors;
    const again = await trainWorldModel(dir, config, { log: quiet });
    expect(again.map((o) => o.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(tf.memory().numTensors).toBe(before);

    // More generations continue the finished search from its checkpoint; nothing else reruns.
    const longer = { ...config, controller: { ...config.controller, generations: config.controller.generations + 2 } };
    const extended = await trainWorldModel(dir, longer, { log: quiet });
    expect(extended.map((o) => `${o.stage}:${o.status}`)).toEqual(['collect:skipped', 'vae:skipped', 'series:skipped', 'mdnrnn:skipped', 'controller:resumed']);
    expect(extended[4]!.summary.generations).toBe(longer.controller.generations);
    const lines = (await readFile(join(dir, 'controller', 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l).generation);
    expect(lines).toEqual([1, 2, 3, 4]);
  });

  it('takecover with concatEpisodes: M trains on streams of whole episodes with restart flags, one done per episode', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wm-run-concat-'));
    const config = await resolveRunConfig({ env: 'takecover', preset: 'ci', overrides: { collect: { episodes: 3 }, mdnrnn: { concatEpisodes: true, seqLen: 16 } } }); // streams of ≥ 8 windows of 17: all 3 episodes
    const outcomes = await trainWorldModel(dir, config, { log: quiet, until: 'mdnrnn' });
    expect(outcomes.map((o) => o.status)).toEqual(['ran', 'ran', 'ran', 'ran']);
    const series = await DatasetReader.open(join(dir, 'series', 'series'));
    const collected = await DatasetReader.open(join(dir, 'collect', 'data'));
    const lengths = collected.episodes.map((e) => e.length);
    // One stream: the episodes in order, unpadded.
    expect(series.episodes.map((e) => e.length)).toEqual([lengths.reduce((a, b) => a + b, 0)]);
    const { arrays } = await series.readEpisode(series.episodes[0]!);
    const starts = lengths.map((_, k) => lengths.slice(0, k).reduce((a, b) => a + b, 0));
    expect(Array.from(arrays.restarts!.data).flatMap((r, t) => (r ? [t] : []))).toEqual(starts);
    const terminal = await Promise.all(collected.episodes.map(async (e) => Array.from((await collected.readEpisode(e)).arrays.dones!.data)));
    expect(Array.from(arrays.dones!.data)).toEqual(terminal.flat());
    expect(existsSync(join(dir, 'mdnrnn', 'model'))).toBe(true);
  });

  it('carracing: trains C in the real env through V and M', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wm-run-'));
    const config = await resolveRunConfig({ env: 'carracing', preset: 'ci', overrides: {} });
    expect(config.controller.mode).toBe('real');
    const outcomes = await trainWorldModel(dir, config, { log: quiet });
    expect(outcomes.every((o) => o.status === 'ran')).toBe(true);
    const best = JSON.parse(await readFile(join(dir, 'controller', 'best.json'), 'utf8'));
    expect(best.params).toHaveLength(3 + (8 + 16) * 3);
    expect(best.source).toBe('mean-eval');
  });

  it('runs the iterative procedure: round 2 collects with round 1\'s agent and retrains V, M and C', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wm-run-'));
    const config = await resolveRunConfig({ env: 'takecover', preset: 'ci', overrides: { iterations: 2, controller: { curiosity: { weight: 0.01 } } } });
    const outcomes = await trainWorldModel(dir, config, { log: quiet });
    expect(outcomes.map((o) => o.stage)).toEqual(['collect', 'vae', 'series', 'mdnrnn', 'controller', 'collect@2', 'vae@2', 'series@2', 'mdnrnn@2', 'controller@2']);
    const collected = await readDone(dir, join('iter-2', 'collect'));
    expect(collected.settings.policy).toBe('previous-agent');
    expect(collected.summary.collected).toBe(2);
    expect(existsSync(join(dir, 'iter-2', 'controller', 'best.json'))).toBe(true);
    // Stage settings changed → a clear error; --redo reruns from there.
    const changed = { ...config, controller: { ...config.controller, popSize: 6 } };
    await expect(trainWorldModel(dir, changed, { log: quiet })).rejects.toThrow(/stage controller in .* \(settings changed: popSize\)/);
    const redone = await trainWorldModel(dir, changed, { log: quiet, redo: 'controller' });
    expect(redone.filter((o) => o.status === 'ran').map((o) => o.stage)).toEqual(['controller', 'collect@2', 'vae@2', 'series@2', 'mdnrnn@2', 'controller@2']);
    // Extended by a round and stopped early: config.json already says 3 (round 2 stays evaluable
    // while round 3 trains), since the done stages agreed with the new config.
    const extended = { ...changed, iterations: 3 };
    const partial = await trainWorldModel(dir, extended, { log: quiet, until: 'collect@3' });
    expect(partial.at(-1)).toMatchObject({ stage: 'collect@3', status: 'ran' });
    expect((await readRunConfig(dir)).iterations).toBe(3);
    // A refused config leaves config.json as it was.
    await expect(trainWorldModel(dir, { ...extended, controller: { ...extended.controller, popSize: 5 } }, { log: quiet })).rejects.toThrow(/settings changed: popSize/);
    expect(await readRunConfig(dir)).toEqual(extended);
  });

  it('iterative options: round 2 keeps V, explores while collecting, aggregates the series and warm-starts M', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wm-run-iter-'));
    const iterative = { vision: 'keep' as const, aggregate: true, warmStart: true, explore: 0.5, episodes: 3, mdnrnnEpochs: 2, mdnrnnSeqLen: 5, maxSteps: 7 };
    const config = await resolveRunConfig({ env: 'takecover', preset: 'ci', overrides: { iterations: 2, iterative } });
    const outcomes = await trainWorldModel(dir, config, { log: quiet });
    expect(outcomes.every((o) => o.status === 'ran')).toBe(true);
    const done = (stage: string) => readDone(dir, join('iter-2', stage));
    // V is round 1's, byte for byte.
    for (const file of ['model.json', 'weights.bin']) {
      expect((await readFile(join(dir, 'iter-2', 'vae', 'model', file))).equals(await readFile(join(dir, 'vae', 'model', file)))).toBe(true);
    }
    expect((await done('vae')).summary.keptFrom).toBe('vae');
    const collected = await done('collect');
    expect(collected.settings).toMatchObject({ policy: 'previous-agent', explore: 0.5, episodes: 3, maxSteps: 7 });
    expect(collected.summary.collected).toBe(3);
    // Round 2's episodes are cut at iterative.maxSteps, round 1's at collect.maxSteps.
    const lengths = async (d: string) => (await DatasetReader.open(d)).episodes.map((e) => e.length);
    expect(Math.max(...(await lengths(join(dir, 'iter-2', 'collect', 'data'))))).toBeLessThanOrEqual(7);
    expect(Math.max(...(await lengths(join(dir, 'collect', 'data'))))).toBeGreaterThan(7);
    // Round 2's series: its own episodes, then round 1's series under r1- ids, unchanged.
    const series1 = await DatasetReader.open(join(dir, 'series', 'series'));
    const series2 = await DatasetReader.open(join(dir, 'iter-2', 'series', 'series'));
    expect(series2.episodes).toHaveLength(3 + series1.episodes.length);
    for (const entry of series1.episodes) {
      const copy = series2.episodes.find((e) => e.id === `r1-${entry.id}`);
      expect(copy?.sha256).toBe(entry.sha256);
    }
    expect((await done('series')).summary.aggregated).toBe(series1.episodes.length);
    const m = await done('mdnrnn');
    expect(m.settings).toMatchObject({ warmStart: 'mdnrnn', epochs: 2, seqLen: 5 });
    expect((await readDone(dir, 'mdnrnn')).settings.seqLen).toBe(config.mdnrnn.seqLen);
    expect(config.mdnrnn.seqLen).not.toBe(5);
    expect(existsSync(join(dir, 'iter-2', 'controller', 'best.json'))).toBe(true);
  });

  it('iterative.startFrom: continues the procedure from an exported agent (round 1 is its V, M and C)', async () => {
    const source = await mkdtemp(join(tmpdir(), 'wm-run-src-'));
    const config = await resolveRunConfig({ env: 'takecover', preset: 'ci', overrides: {} });
    await trainWorldModel(source, config, { log: quiet });
    const agent = join(await mkdtemp(join(tmpdir(), 'wm-run-agent-')), 'agent');
    await exportAgent(source, agent);

    const dir = await mkdtemp(join(tmpdir(), 'wm-run-from-'));
    const iterative = { vision: 'keep' as const, aggregate: true, warmStart: true, explore: 0.5, episodes: 2, maxSteps: 12, startFrom: agent };
    const continued = await resolveRunConfig({ env: 'takecover', preset: 'ci', overrides: { iterations: 2, iterative } });
    const outcomes = await trainWorldModel(dir, continued, { log: quiet });
    expect(outcomes.map((o) => `${o.stage}:${o.status}`)).toEqual([
      'vae:ran', 'series:ran', 'mdnrnn:ran', 'controller:ran', 'collect@2:ran', 'vae@2:ran', 'series@2:ran', 'mdnrnn@2:ran', 'controller@2:ran',
    ]);
    // Round 1 is the agent: its (float16) V and its C, copied; round 2 keeps that V.
    for (const file of ['model.json', 'weights.bin']) {
      const exported = await readFile(join(agent, 'vae', 'model', file));
      expect((await readFile(join(dir, 'vae', 'model', file))).equals(exported)).toBe(true);
      expect((await readFile(join(dir, 'iter-2', 'vae', 'model', file))).equals(exported)).toBe(true);
    }
    expect(await readFile(join(dir, 'controller', 'best.json'), 'utf8')).toBe(await readFile(join(agent, 'controller', 'best.json'), 'utf8'));
    const done = (stage: string) => readDone(dir, join('iter-2', stage));
    expect((await done('collect')).settings).toMatchObject({ policy: 'previous-agent', episodes: 2, maxSteps: 12 });
    // Round 2's series is its own episodes only (the export holds no series); M starts from the agent's.
    const series2 = await DatasetReader.open(join(dir, 'iter-2', 'series', 'series'));
    expect((await done('series')).summary.aggregated).toBeUndefined();
    expect(series2.episodes.length).toBeGreaterThan(0);
    expect((await done('mdnrnn')).settings).toMatchObject({ warmStart: 'mdnrnn' });
    expect((await readRunConfig(dir)).iterative.startFrom).toBe(agent);

    const again = await trainWorldModel(dir, continued, { log: quiet });
    expect(again.every((o) => o.status === 'skipped')).toBe(true);
    // A continued run's round exported, or given a new C, is a one-round run: it continues nothing.
    const reExported = join(await mkdtemp(join(tmpdir(), 'wm-run-agent-')), 'agent');
    await exportAgent(dir, reExported);
    const newC = await mkdtemp(join(tmpdir(), 'wm-run-c-'));
    await retrainController(dir, newC, continued, { log: quiet });
    for (const oneRound of [reExported, newC]) {
      const read = await readRunConfig(oneRound);
      expect(read.iterations).toBe(1);
      expect(read.iterative.startFrom).toBeUndefined();
    }
    // The agent's V and M sizes are kept; a single round has nothing to continue.
    const other = join(await mkdtemp(join(tmpdir(), 'wm-run-from-')), 'x');
    await expect(trainWorldModel(other, { ...continued, mdnrnn: { ...continued.mdnrnn, hiddenSize: 32 } }, { log: quiet })).rejects.toThrow(/V and M of .* are kept: mdnrnn\.hiddenSize differ/);
    await expect(resolveRunConfig({ env: 'takecover', preset: 'ci', overrides: { iterative: { ...iterative } } })).rejects.toThrow(/iterative.startFrom: .*needs iterations ≥ 2/);

    // recollect: round 1 collects with the data policy, encoded with the agent's V; round 2 aggregates it.
    const again2 = await mkdtemp(join(tmpdir(), 'wm-run-from-'));
    const recollected = await resolveRunConfig({ env: 'takecover', preset: 'ci', overrides: { iterations: 2, iterative: { ...iterative, recollect: true } } });
    const outcomes2 = await trainWorldModel(again2, recollected, { log: quiet });
    expect(outcomes2.map((o) => `${o.stage}:${o.status}`)).toEqual([
      'collect:ran', 'vae:ran', 'series:ran', 'mdnrnn:ran', 'controller:ran', 'collect@2:ran', 'vae@2:ran', 'series@2:ran', 'mdnrnn@2:ran', 'controller@2:ran',
    ]);
    const collect1 = await readDone(again2, 'collect');
    expect(collect1.settings).toMatchObject({ policy: recollected.collect.policy, episodes: recollected.collect.episodes });
    const series1 = await DatasetReader.open(join(again2, 'series', 'series'));
    expect(series1.episodes.length).toBeGreaterThan(0);
    const series2Done = await readDone(again2, join('iter-2', 'series'));
    expect(series2Done.summary.aggregated).toBe(series1.episodes.length);
    const aggregatedIds = (await DatasetReader.open(join(again2, 'iter-2', 'series', 'series'))).episodes.map((e) => e.id);
    for (const entry of series1.episodes) expect(aggregatedIds).toContain(`r1-${entry.id}`);
    // Round 1's latents are the agent's V's: the copied V encoded them.
    for (const file of ['model.json', 'weights.bin']) expect((await readFile(join(again2, 'vae', 'model', file))).equals(await readFile(join(agent, 'vae', 'model', file)))).toBe(true);
    await expect(resolveRunConfig({ env: 'takecover', preset: 'ci', overrides: { iterations: 2, iterative: { recollect: true } } })).rejects.toThrow(/iterative.recollect: only a run continued from an agent/);
  });

  it('iterative.vision finetune with aggregate: round 2 fine-tunes round 1\'s V on both rounds\' frames and encodes both anew', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wm-run-finetune-'));
    const iterative = { vision: 'finetune' as const, aggregate: true, warmStart: true, explore: 0.5, episodes: 2, maxSteps: 9, vaeSteps: 2, mdnrnnEpochs: 1 };
    const config = await resolveRunConfig({ env: 'takecover', preset: 'ci', overrides: { iterations: 2, iterative } });
    expect((await trainWorldModel(dir, config, { log: quiet })).every((o) => o.status === 'ran')).toBe(true);
    const done = (stage: string) => readDone(dir, join('iter-2', stage));
    const vae2 = await done('vae');
    expect(vae2.settings).toMatchObject({ fineTunes: 'vae', frames: ['collect', 'collect@2'], steps: 2 });
    expect(vae2.summary.steps).toBe(2);
    // Two Adam steps from round 1's V.
    const moved = await largestWeightChange(join(dir, 'vae', 'model'), join(dir, 'iter-2', 'vae', 'model'));
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(2 * 3 * config.vae.learningRate);
    // Round 2's series: its own episodes and round 1's (under r1- ids), all encoded by round 2's V.
    const collect1 = await DatasetReader.open(join(dir, 'collect', 'data'));
    const collect2 = await DatasetReader.open(join(dir, 'iter-2', 'collect', 'data'));
    const encoded2 = await DatasetReader.open(join(dir, 'iter-2', 'series', 'encoded'));
    expect(encoded2.episodes.map((e) => e.id).sort()).toEqual([...collect2.episodes.map((e) => e.id), ...collect1.episodes.map((e) => `r1-${e.id}`)].sort());
    const series2 = await done('series');
    expect(series2.settings).toMatchObject({ encodes: ['collect', 'collect@2'] });
    expect(series2.settings.aggregates).toBeUndefined();
    expect(series2.summary.aggregated).toBe(collect1.episodes.length);
    const entry = collect1.episodes[0]!;
    const frames = (await collect1.readEpisode(entry)).arrays.observations!;
    const mu = (await encoded2.readEpisode(`r1-${entry.id}`)).arrays.mu!.data;
    const mu1 = (await (await DatasetReader.open(join(dir, 'series', 'encoded'))).readEpisode(entry.id)).arrays.mu!.data;
    const second = await ConvVAE.load(join(dir, 'iter-2', 'vae', 'model'));
    const expected = tf.tidy(() => second.encode(tf.div(tf.tensor4d(frames.data as Uint8Array, frames.shape as [number, number, number, number], 'int32').toFloat(), 255)).mu.dataSync());
    expect(Math.max(...Array.from(expected, (m, i) => Math.abs(m - mu[i]!)))).toBeLessThan(1e-4); // V₂'s latents…
    expect(Math.max(...Array.from(mu1, (m, i) => Math.abs(m - mu[i]!)))).toBeGreaterThan(0); // …not round 1's
    second.dispose();
    expect(existsSync(join(dir, 'iter-2', 'controller', 'best.json'))).toBe(true);

    // vae.init naming this run takes its last round's V; a stage directory, that stage's.
    expect(resolveVisionModelDir(dir)).toBe(join(dir, 'iter-2', 'vae', 'model'));
    expect(resolveVisionModelDir(join(dir, 'vae'))).toBe(join(dir, 'vae', 'model'));

    // 'retrain' with aggregate: a new V on both rounds' frames (no start V); without aggregate, on its round's.
    const retrain = { ...config, iterative: { ...config.iterative, vision: 'retrain' as const } };
    expect(vaeStage(retrain, 2).inputs).toEqual(['collect', 'collect@2']);
    expect(vaeStage(retrain, 2).settings).not.toHaveProperty('fineTunes');
    expect(vaeStage({ ...retrain, iterative: { ...retrain.iterative, aggregate: false } }, 2).inputs).toEqual(['collect@2']);
    // Continued from an agent without recollecting, round 1 has no frames: round 2 fine-tunes the agent's V on its own.
    const continued = { ...config, iterative: { ...config.iterative, startFrom: dir } };
    expect(vaeStage(continued, 2).inputs).toEqual(['collect@2', 'vae']);
  });
});
