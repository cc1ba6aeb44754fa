import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type LoadedVariables, type NamedTensors, loadVariables, saveVariables } from './variables.js';

const STEP_DIR = /^step-(\d{9})$/;

/**
 * Step-numbered checkpoints of a long job under one directory (`step-000001000/`, ...), keeping
 * the newest `keep`. Each is written atomically, so `latest()` after a kill is the last complete
 * one; a corrupt newest checkpoint is reported and the one before it is used.
 */
export class CheckpointManager {
  constructor(readonly dir: string, readonly options: { keep?: number } = {}) {}

  /** Saves tensors (and metadata such as the RNG state) as step `step`, then prunes old ones. */
  async save(step: number, tensors: NamedTensors, metadata: Record<string, unknown> = {}): Promise<string> {
    if (!Number.isInteger(step) || step < 0) throw new Error(`checkpoint step must be a non-negative integer, got ${step}`);
    const path = join(this.dir, `step-${String(step).padStart(9, '0')}`);
    await saveVariables(path, tensors, { metadata: { ...metadata, step } });
    const keep = this.options.keep ?? 3;
    const steps = await this.steps();
    for (const old of steps.slice(0, Math.max(0, steps.length - keep))) {
      await rm(join(this.dir, `step-${String(old).padStart(9, '0')}`), { recursive: true, force: true });
    }
    return path;
  }

  /** Saved steps, oldest first. */
  async steps(): Promise<number[]> {
    if (!existsSync(this.dir)) return [];
    const names = await readdir(this.dir);
    const steps = new Set<number>();
    for (const n of names) {
      const m = STEP_DIR.exec(n.replace(/\.old$/, ''));
      if (m) steps.add(Number(m[1]));
    }
    return [...steps].sort((a, b) => a - b);
  }

  /** The newest readable checkpoint with its step, or null when there is none. */
  async latest(options: { onCorrupt?: (message: string) => void } = {}): Promise<(LoadedVariables & { step: number }) | null> {
    const steps = await this.steps();
    for (let i = steps.length - 1; i >= 0; i--) {
      const step = steps[i]!;
      try {
        const loaded = await loadVariables(join(this.dir, `step-${String(step).padStart(9, '0')}`));
        return { ...loaded, step };
      } catch (error) {
        (options.onCorrupt ?? ((m: string) => process.stderr.write(`worldmodels: ${m}; trying an older checkpoint\n`)))((error as Error).message);
      }
    }
    return null;
  }
}
