import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExperimentArgs } from '../experiments/lib/args.js';
import { CpuMeter } from '../experiments/lib/cpu-time.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gan-experiment-support-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Burns CPU in this process for at least `ms` of process CPU time. */
function burn(ms: number): void {
  const start = CpuMeter.processSeconds();
  let x = 0;
  while (CpuMeter.processSeconds() - start < ms / 1000) for (let i = 0; i < 10_000; i++) x += Math.sqrt(i);
  expect(x).toBeGreaterThan(0);
}

describe('experiment arguments', () => {
  it('defaults to the medium budget and a run directory named after it', () => {
    const a = parseExperimentArgs('dcgan-carracing', []);
    expect(a.budget).toBe('medium');
    expect(a.runDir).toBe(resolve('runs/gan/dcgan-carracing-medium'));
    expect(parseExperimentArgs('x', ['--budget', 'tiny', '--seed', '3']).seed).toBe(3);
  });

  it('names the problem in bad arguments', () => {
    expect(() => parseExperimentArgs('x', ['--budget', 'huge'])).toThrow(/--budget must be one of tiny, medium, small, full, got huge/);
    expect(() => parseExperimentArgs('x', ['--seed', '1.5'])).toThrow(/--seed must be an integer/);
    expect(() => parseExperimentArgs('x', ['--run-dir'])).toThrow(/--run-dir needs a value/);
    expect(() => parseExperimentArgs('x', ['--fast'])).toThrow(/unknown argument '--fast'/);
  });
});

describe('CpuMeter', () => {
  it('sums CPU seconds over resumed processes through cpu-time.json', async () => {
    const runDir = join(dir, 'run');
    await mkdir(runDir, { recursive: true });
    const first = CpuMeter.open(runDir);
    expect(first.processes()).toBe(1);
    burn(30);
    const own = CpuMeter.processSeconds();
    expect(first.total()).toBeCloseTo(own, 1);
    await first.save();
    const saved = JSON.parse(await readFile(join(runDir, 'cpu-time.json'), 'utf8')) as { seconds: number; processes: number };
    expect(saved.processes).toBe(1);
    expect(saved.seconds).toBeGreaterThanOrEqual(own);

    // A "resumed process": the saved seconds are carried over and this process's time added on top.
    const second = CpuMeter.open(runDir);
    expect(second.processes()).toBe(2);
    expect(second.total() - saved.seconds).toBeCloseTo(CpuMeter.processSeconds(), 1);
  });

  it('refuses a corrupt record, naming the file and the field', async () => {
    const runDir = join(dir, 'bad');
    await mkdir(runDir, { recursive: true });
    await writeFile(join(runDir, 'cpu-time.json'), JSON.stringify({ seconds: -1, processes: 1 }));
    expect(() => CpuMeter.open(runDir)).toThrow(/cpu-time\.json: seconds must be a non-negative number, got -1/);
  });
});
