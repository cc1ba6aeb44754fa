import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export type MetricsRecord = Record<string, number | string | boolean | null>;

/**
 * Appends one JSON object per line (JSONL) to a metrics file. Each record gets a wall-clock
 * `time` (ISO) unless it has one. A resumed job keeps appending to the same file; `read`
 * returns the records, skipping a final line cut short by a kill.
 */
export class MetricsLogger {
  private constructor(readonly path: string) {}

  static async open(path: string): Promise<MetricsLogger> {
    await mkdir(dirname(path), { recursive: true });
    await appendFile(path, '');
    // A job killed mid-write leaves a partial last line: start the next record on a new line.
    const text = await readFile(path, 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) await appendFile(path, '\n');
    return new MetricsLogger(path);
  }

  async log(record: MetricsRecord): Promise<void> {
    for (const [k, v] of Object.entries(record)) {
      if (typeof v === 'number' && !Number.isFinite(v)) record = { ...record, [k]: String(v) };
    }
    await appendFile(this.path, `${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
  }

  /** All complete records in the file. */
  static async read(path: string): Promise<MetricsRecord[]> {
    const text = await readFile(path, 'utf8');
    const out: MetricsRecord[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as MetricsRecord);
      } catch {
        /* a line cut short by a kill */
      }
    }
    return out;
  }
}
