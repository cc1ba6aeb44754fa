import { mkdtempSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MetricsLogger } from './metrics-logger.js';
import { ProgressReporter, formatSeconds } from './progress-reporter.js';

function capture() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('progress', () => {
  it('prints plain lines when not on a TTY, with values and the final state', () => {
    const out = capture();
    const p = new ProgressReporter({ total: 10, label: 'vae', stream: out.stream, tty: false, intervalSeconds: 3600 });
    p.update(1, { loss: 0.12345 });
    p.update(5);
    p.update(10, { loss: 0.01 });
    p.stop();
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(2); // the first update, then completion (the middle one falls inside the interval)
    expect(lines[0]).toMatch(/^vae 1\/10 \(10\.0%\) [\d.]+\/s.* loss=0\.1235$/);
    expect(lines[1]).toMatch(/^vae 10\/10 \(100\.0%\) .*loss=0\.01000$/);
  });

  it('is silent when asked', () => {
    const out = capture();
    const p = new ProgressReporter({ total: 3, stream: out.stream, silent: true });
    p.increment();
    p.stop();
    expect(out.text()).toBe('');
  });

  it('formats durations', () => {
    expect(formatSeconds(42)).toBe('42s');
    expect(formatSeconds(125)).toBe('2m05s');
    expect(formatSeconds(7260)).toBe('2h01m');
  });

  it('appends JSONL metrics and reads them back past a line cut by a kill', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wm-metrics-')), 'sub', 'metrics.jsonl');
    const m = await MetricsLogger.open(path);
    await m.log({ step: 1, loss: 0.5 });
    await m.log({ step: 2, loss: Number.NaN });
    appendFileSync(path, '{"step": 3, "lo');
    const again = await MetricsLogger.open(path);
    await again.log({ step: 4, loss: 0.25 });
    const records = await MetricsLogger.read(path);
    expect(records.map((r) => r.step)).toEqual([1, 2, 4]);
    expect(records[1]!.loss).toBe('NaN');
    expect(typeof records[0]!.time).toBe('string');
  });
});
