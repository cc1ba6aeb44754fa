import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { atomicWriteJson } from '@worldmodels/core';

/** What `<runDir>/cpu-time.json` holds: CPU seconds summed over every process that worked on the run. */
interface CpuRecord {
  seconds: number;
  processes: number;
}

/**
 * CPU time (user + system, all threads, from `process.cpuUsage`) spent on a run directory,
 * summed across resumed processes: the budget measure of the experiments, which load from other
 * jobs on the machine does not inflate the way it inflates wall-clock time. CPU used after the
 * last `save()` of a killed process is not counted.
 */
export class CpuMeter {
  private readonly path: string;
  private readonly before: CpuRecord;

  private constructor(runDir: string, before: CpuRecord) {
    this.path = join(runDir, 'cpu-time.json');
    this.before = before;
  }

  static open(runDir: string): CpuMeter {
    const path = join(runDir, 'cpu-time.json');
    const before: CpuRecord = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as CpuRecord) : { seconds: 0, processes: 0 };
    if (!(Number.isFinite(before.seconds) && before.seconds >= 0)) throw new Error(`${path}: seconds must be a non-negative number, got ${before.seconds}`);
    return new CpuMeter(runDir, before);
  }

  /** CPU seconds of this process so far. */
  static processSeconds(): number {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }

  /** CPU seconds of the run: earlier processes plus this one. */
  total(): number {
    return this.before.seconds + CpuMeter.processSeconds();
  }

  /** Processes that have worked on the run, this one included. */
  processes(): number {
    return this.before.processes + 1;
  }

  async save(): Promise<void> {
    await atomicWriteJson(this.path, { seconds: this.total(), processes: this.processes() } satisfies CpuRecord);
  }
}
