import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportAgent, loadMemory, resolveRunConfig, trainWorldModel } from '@worldmodels/world-model';
import { describe, expect, it } from 'vitest';
import { evaluateRun } from './evaluate-run.js';
import { linePlotSvg, niceTicks } from './plot/learning-curve-svg.js';
import { svgToPng } from './plot/rasterize.js';

const quiet = () => {};

describe('evaluateRun', () => {
  it('scores a trained run on fixed seeds and writes the table, plots, GIFs and report', async () => {
    const run = await mkdtemp(join(tmpdir(), 'wm-eval-'));
    await expect(evaluateRun(run, { log: quiet })).rejects.toThrow(/run config not found/);
    const config = await resolveRunConfig({ env: 'takecover', preset: 'ci', overrides: { controller: { dream: { temperatures: [0.5, 1.3], sweepGenerations: 1 } } } });
    await trainWorldModel(run, config, { log: quiet });
    const report = await evaluateRun(run, { episodes: 3, log: quiet });
    expect(report.env).toBe('TakeCover-v0');
    expect(report.real.returns).toHaveLength(3);
    for (const r of report.real.returns) expect(r).toBeGreaterThan(0);
    expect(report.real.mean).toBeCloseTo(report.real.returns.reduce((a, b) => a + b, 0) / 3, 10);
    expect(report.dream).not.toBeNull(); // trained in the dream: scored there too
    expect(report.controller.parameters).toBe(40);
    expect(report.temperatures.map((t) => t.temperature)).toEqual([0.5, 1.15, 1.3]); // the main controller's τ among them
    expect(report.temperatures[1]!.real.returns).toEqual(report.real.returns);
    const generationsOf = async (stage: string) => JSON.parse(await readFile(join(run, stage, 'DONE.json'), 'utf8')).summary.generations;
    expect(await generationsOf('controller')).toBe(config.controller.generations);
    expect(await generationsOf('controller-tau-0.5')).toBe(1); // the sweep's own budget
    for (const t of report.temperatures) expect(t.real.returns).toHaveLength(3);
    // Fixed seeds: the same scores again.
    const again = await evaluateRun(run, { episodes: 3, gifs: false, log: quiet, out: join(run, 'eval-2'), calibrate: 2, doneCheck: 2 });
    expect(again.real.returns).toEqual(report.real.returns);
    expect(again.real.z).toBe('sample');
    // The z = μ ablation is recorded in the report and the table.
    const meanZ = await evaluateRun(run, { episodes: 2, gifs: false, dream: false, zMean: true, planCheck: 2, log: quiet, out: join(run, 'eval-mean-z') });
    expect(meanZ.real.z).toBe('mean');
    // Planning in M instead of C: real episodes on the first eval seeds, in the report and the table.
    expect(report.planCheck).toBeNull();
    expect(meanZ.planCheck).toMatchObject({ episodes: 2, temperature: 0.1, horizon: 24, samples: 2, replanEvery: 4 });
    expect(meanZ.planCheck!.returns).toHaveLength(2);
    for (const r of meanZ.planCheck!.returns) expect(r).toBeGreaterThan(0);
    expect(await readFile(meanZ.files.table!, 'utf8')).toMatch(/\| \*\*Planning in this run's M instead of C \(--plan-check\)\*\* \| \*\*\d+ ± \d+\*\* \| 2 episodes; plans scored by M's done hazard at τ 0.1 \|/);
    expect(meanZ.real.returns).toHaveLength(2);
    expect(await readFile(meanZ.files.table!, 'utf8')).toMatch(/\*\* \| 2 episodes[^|]*, z = μ \(ablation\) \|/);
    expect(report.calibration).toBeNull();
    // Fixed actions in the dream and the real env: STAY in the real env is hit by every aimed fireball.
    expect(again.calibration!.map((r) => r.action)).toEqual(['LEFT', 'STAY', 'RIGHT']);
    expect(again.calibration![1]!.real.mean).toBeLessThan(150);
    expect(await readFile(again.files.table!, 'utf8')).toMatch(/\| STAY \| \d+ ± \d+ \| \d+ ± \d+ \| 2 \|/);
    // M's done head replayed on the series' last two episodes.
    expect(report.doneHead).toBeNull();
    expect(again.doneHead!.episodes).toBe(2);
    expect(again.doneHead!.buckets[0]!.from).toBe(0);
    expect(again.doneHead!.buckets.reduce((n, b) => n + b.steps, 0)).toBeGreaterThan(2);
    expect(await readFile(again.files.table!, 'utf8')).toMatch(/M's done head on 2 recorded episodes \(\d deaths; the hazard sums to [\d.]+\)/);

    const png = await readFile(report.files.learningCurvePng!);
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    for (const gif of [report.files.reconstruction!, report.files.dream!]) expect((await readFile(gif)).subarray(0, 6).toString()).toBe('GIF89a');
    const table = await readFile(report.files.table!, 'utf8');
    expect(table).toContain('| World model, dream τ=1.15 | 1092 ± 556 | paper |');
    expect(table).toContain(`| 3 episodes, cut at ${config.eval.maxSteps} steps |`); // not the paper's full episodes: said beside the score
    expect(table).toContain(`**${report.real.mean.toFixed(0)} ± ${report.real.std.toFixed(0)}**`);
    expect(table).toContain('| τ | dream score (this run) | real score (this run) | paper: dream / real |');
    expect(table).toMatch(/\| 1\.3 \| \d+ ± \d+ \| \d+ ± \d+ \| 732 ± 269 \/ 753 ± 139 \|/);
    const saved = JSON.parse(await readFile(report.files.report!, 'utf8'));
    expect(saved.real.returns).toEqual(report.real.returns);
    expect(existsSync(join(run, 'eval', 'learning-curve.svg'))).toBe(true);

    // The exported agent (what the repository ships) plays exactly like the run it came from.
    const exact = await exportAgent(run, join(run, 'export-f32'), { float16: false });
    expect(exact.files).toContain('controller-tau-0.5/best.json');
    expect(exact.files).toContain('series/initial-z.npz');
    expect(exact.files.some((f) => f.startsWith('collect/'))).toBe(false);
    const replay = await evaluateRun(exact.out, { episodes: 3, gifs: false, log: quiet });
    await expect(evaluateRun(exact.out, { episodes: 3, gifs: false, log: quiet, doneCheck: 2 })).rejects.toThrow(/--done-check needs the run's recorded series .*this run holds none/);
    expect(replay.real.returns).toEqual(report.real.returns);
    // A run whose M has no done head is refused too, before any episode is played.
    const configFile = join(run, 'config.json');
    const original = await readFile(configFile, 'utf8');
    const noHead = JSON.parse(original);
    noHead.mdnrnn.doneHead = false;
    await writeFile(configFile, JSON.stringify(noHead));
    try {
      await expect(evaluateRun(run, { episodes: 3, gifs: false, log: quiet, doneCheck: 2 })).rejects.toThrow(/--done-check needs M with a done head; this run's M has none/);
      await expect(evaluateRun(run, { episodes: 3, gifs: false, log: quiet, planCheck: 2 })).rejects.toThrow(/--plan-check needs M with a done head; this run's M has none/);
    } finally {
      await writeFile(configFile, original); // the rest of this test reads the run as it was
    }
    // float16: half the weight bytes, M's weights within half precision of the originals.
    const half = await exportAgent(run, join(run, 'export-f16'));
    const bin = (dir: string) => readFile(join(dir, 'mdnrnn', 'model', 'weights.bin'));
    expect((await bin(half.out)).byteLength * 2).toBe((await bin(exact.out)).byteLength);
    const [m32, m16] = [await loadMemory(join(exact.out, 'mdnrnn')), await loadMemory(join(half.out, 'mdnrnn'))];
    const [w32, w16] = [m32.getWeights(), m16.getWeights()];
    for (const name of Object.keys(w32)) {
      const a = w32[name]!.dataSync();
      const b = w16[name]!.dataSync();
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(Math.abs(a[i]!) * 2 ** -11 + 6e-8);
    }
    m32.dispose();
    m16.dispose();
    await expect(exportAgent(join(run, 'missing'), join(run, 'x'))).rejects.toThrow(/run config not found/);
  });
});

describe('linePlotSvg', () => {
  it('draws every series inside nice axes and renders to PNG', () => {
    expect(niceTicks(0, 9.3, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(-3, 903, 6)).toEqual([-200, 0, 200, 400, 600, 800, 1000]);
    expect(niceTicks(1, 2, 8, true)).toEqual([1, 2]);
    const svg = linePlotSvg(
      [
        { label: 'mean', color: '#00f', points: [{ x: 1, y: 10 }, { x: 2, y: 30 }, { x: 3, y: 20 }] },
        { label: 'eval <mean>', color: '#f00', points: [{ x: 2, y: 25 }], markers: true },
      ],
      { title: 'curve', xLabel: 'generation', yLabel: 'return', references: [{ y: 40, label: 'goal', color: '#888' }] },
    );
    expect(svg.match(/<polyline/g)).toHaveLength(1);
    expect(svg.match(/<circle/g)).toHaveLength(2); // the marker and its legend entry
    expect(svg).toContain('eval &lt;mean&gt;');
    const png = svgToPng(svg);
    expect(png.length).toBeGreaterThan(1000);
  });
});
