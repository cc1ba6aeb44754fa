import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStages } from './run-stages.js';
import type { Stage } from './stage.js';

/** Two stages: `count` writes numbers with a checkpoint after each; `sum` adds them up. */
function pipeline(n: number, log: string[], crashAt?: number): Stage[] {
  return [
    {
      name: 'count',
      dir: 'count',
      inputs: [],
      settings: { n },
      async run(ctx) {
        const file = join(ctx.dir, 'numbers.json');
        const numbers: number[] = existsSync(file) ? JSON.parse(await readFile(file, 'utf8')) : [];
        log.push(`count from ${numbers.length}${ctx.resuming ? ' (resuming)' : ''}`);
        for (let i = numbers.length; i < n; i++) {
          if (i === crashAt) throw new Error('killed');
          numbers.push(i);
          await writeFile(file, JSON.stringify(numbers));
        }
        return { count: numbers.length };
      },
    },
    {
      name: 'sum',
      dir: 'sum',
      inputs: ['count'],
      settings: {},
      async run(ctx) {
        log.push('sum');
        const numbers: number[] = JSON.parse(await readFile(join(ctx.inputs.count!, 'numbers.json'), 'utf8'));
        return { sum: numbers.reduce((a, b) => a + b, 0) };
      },
    },
  ];
}

describe('runStages', () => {
  it('runs stages once, skips done ones, and resumes a stage that died midway', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wm-stages-'));
    const log: string[] = [];
    await expect(runStages(dir, pipeline(5, log, 3), { log: () => {} })).rejects.toThrow('killed');
    expect(existsSync(join(dir, 'count', 'DONE.json'))).toBe(false);
    const outcomes = await runStages(dir, pipeline(5, log), { log: () => {} });
    expect(outcomes.map((o) => o.status)).toEqual(['resumed', 'ran']);
    expect(outcomes[1]!.summary).toEqual({ sum: 10 });
    expect(log).toEqual(['count from 0', 'count from 3 (resuming)', 'sum']);
    const again = await runStages(dir, pipeline(5, log), { log: () => {} });
    expect(again.map((o) => o.status)).toEqual(['skipped', 'skipped']);
    expect(again[1]!.summary).toEqual({ sum: 10 });
    expect(log).toHaveLength(3);
  });

  it('refuses a done stage whose settings changed, naming them, and redoes it on request', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wm-stages-'));
    const log: string[] = [];
    await runStages(dir, pipeline(3, log), { log: () => {} });
    await expect(runStages(dir, pipeline(4, log), { log: () => {} })).rejects.toThrow(/stage count .* \(settings changed: n\); run again with --redo count/);
    const redone = await runStages(dir, pipeline(4, log), { log: () => {}, redo: 'count' });
    expect(redone.map((o) => o.status)).toEqual(['ran', 'ran']);
    expect(redone[1]!.summary).toEqual({ sum: 6 });
  });

  it('extends a done or half-done stage whose budget grew (or cuts a half-done one short): it resumes from its checkpoints, and a later stage that read it is stale', async () => {
    /** `count` with n as its budget, alone or followed by `sum`. */
    const budgeted = (n: number, log: string[], options: { crashAt?: number; withSum?: boolean } = {}) =>
      pipeline(n, log, options.crashAt)
        .filter((s) => options.withSum || s.name === 'count')
        .map((s) => (s.name === 'count' ? { ...s, extendable: ['n'] } : s));
    const dir = await mkdtemp(join(tmpdir(), 'wm-stages-'));
    const log: string[] = [];
    const lines: string[] = [];
    await runStages(dir, budgeted(3, log), { log: () => {} });
    const extended = await runStages(dir, budgeted(5, log), { log: (l) => lines.push(l) });
    expect(extended.map((o) => `${o.status}:${JSON.stringify(o.summary)}`)).toEqual(['resumed:{"count":5}']);
    expect(log).toEqual(['count from 0', 'count from 3 (resuming)']);
    expect(lines).toContain(`stage count: extending (n 3 → 5) → ${join(dir, 'count')}`);
    expect(JSON.parse(await readFile(join(dir, 'count', 'DONE.json'), 'utf8')).settings).toEqual({ n: 5 });
    expect((await runStages(dir, budgeted(5, log), { log: () => {} })).map((o) => o.status)).toEqual(['skipped']);
    // A smaller budget is a change of settings, as before.
    await expect(runStages(dir, budgeted(4, log), { log: () => {} })).rejects.toThrow(/stage count .* \(settings changed: n\)/);

    // Killed while extending: the stage is half-done with the new budget, and resumes (or grows again).
    await expect(runStages(dir, budgeted(8, log, { crashAt: 6 }), { log: () => {} })).rejects.toThrow('killed');
    expect(existsSync(join(dir, 'count', 'DONE.json'))).toBe(false);
    expect((await runStages(dir, budgeted(9, log), { log: () => {} }))[0]!.summary).toEqual({ count: 9 });
    expect(log.slice(2)).toEqual(['count from 5 (resuming)', 'count from 6 (resuming)']);

    // A half-done stage may be cut short: it resumes and stops at the lower budget, or at once
    // where its checkpoint is already past it (then it keeps what it has).
    await expect(runStages(dir, budgeted(20, log, { crashAt: 12 }), { log: () => {} })).rejects.toThrow('killed');
    const cutLines: string[] = [];
    const cut = await runStages(dir, budgeted(11, log), { log: (l) => cutLines.push(l) });
    expect(cut.map((o) => `${o.status}:${JSON.stringify(o.summary)}`)).toEqual(['resumed:{"count":12}']);
    expect(cutLines).toContain(`stage count: cutting short (n 20 → 11) → ${join(dir, 'count')}`);
    expect(JSON.parse(await readFile(join(dir, 'count', 'DONE.json'), 'utf8')).settings).toEqual({ n: 11 });
    // …and once done, a lower budget is a change again.
    await expect(runStages(dir, budgeted(10, log), { log: () => {} })).rejects.toThrow(/stage count .* \(settings changed: n\)/);

    // With `sum` done after it, growing `count` would make `sum` stale: refused before any work.
    const other = await mkdtemp(join(tmpdir(), 'wm-stages-'));
    await runStages(other, budgeted(3, log, { withSum: true }), { log: () => {} });
    await expect(runStages(other, budgeted(5, log, { withSum: true }), { log: () => {} })).rejects.toThrow(/stage sum .* \(inputs changed: count\)/);
    expect(JSON.parse(await readFile(join(other, 'count', 'DONE.json'), 'utf8')).settings).toEqual({ n: 3 });
  });

  it('checks every stage before any runs: beforeRun comes after the check, and a stale later stage costs no work', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wm-stages-'));
    const log: string[] = [];
    const calls: string[] = [];
    await runStages(dir, pipeline(3, log), { log: () => {}, beforeRun: () => void calls.push(`before (${log.length} ran)`) });
    expect(calls).toEqual(['before (0 ran)']);
    expect(log).toEqual(['count from 0', 'sum']);

    // The last stage's settings change while the first must run again (its outputs are gone): the
    // run is refused before `count` starts over.
    const stale = pipeline(3, log);
    stale[1] = { ...stale[1]!, settings: { rounding: 'up' } };
    await rm(join(dir, 'count', 'DONE.json'));
    await rm(join(dir, 'count', 'numbers.json'));
    const before = log.length;
    await expect(runStages(dir, stale, { log: () => {}, beforeRun: () => void calls.push('stale') })).rejects.toThrow(/stage sum .* \(settings changed: rounding\)/);
    expect(log).toHaveLength(before);
    expect(calls).toEqual(['before (0 ran)']);
  });

  it('stops after --until and checks stage names', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wm-stages-'));
    const log: string[] = [];
    const outcomes = await runStages(dir, pipeline(2, log), { log: () => {}, until: 'count' });
    expect(outcomes.map((o) => o.stage)).toEqual(['count']);
    await expect(runStages(dir, pipeline(2, log), { until: 'vae' })).rejects.toThrow(/--until vae: no such stage; the stages are count, sum/);
    const bad: Stage[] = [{ ...pipeline(1, log)[1]! }];
    await expect(runStages(dir, bad)).rejects.toThrow(/reads 'count', which is not an earlier stage/);
  });
});
