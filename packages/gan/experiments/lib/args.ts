import { resolve } from 'node:path';

export type Budget = 'tiny' | 'medium' | 'small' | 'full';

const BUDGET_NAMES: readonly Budget[] = ['tiny', 'medium', 'small', 'full'];

export interface ExperimentArgs {
  budget: Budget;
  runDir: string;
  seed: number;
  quiet: boolean;
}

/**
 * Command-line options shared by the experiments: `--budget tiny|medium|small|full` (default medium),
 * `--run-dir DIR` (default runs/gan/<name>-<budget>), `--seed N`, `--quiet`.
 */
export function parseExperimentArgs(name: string, argv = process.argv.slice(2)): ExperimentArgs {
  let budget: Budget = 'medium';
  let runDir: string | null = null;
  let seed = 0;
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--budget') {
      const b = value();
      if (!(BUDGET_NAMES as readonly string[]).includes(b)) throw new Error(`--budget must be one of ${BUDGET_NAMES.join(', ')}, got ${b}`);
      budget = b as Budget;
    } else if (a === '--run-dir') runDir = value();
    else if (a === '--seed') {
      seed = Number(value());
      if (!Number.isInteger(seed)) throw new Error('--seed must be an integer');
    } else if (a === '--quiet') quiet = true;
    else if (a === '--help' || a === '-h') {
      console.log(`usage: ${name} [--budget tiny|medium|small|full] [--run-dir DIR] [--seed N] [--quiet]\n` +
        '  tiny: a smoke run of a minute or two; medium (default): 1–7 CPU-minutes at 32×32, the README table; small: longer, 64×64 for some; full: hours.\n' +
        '  Re-running resumes from the run directory (each stage is skipped once done).');
      process.exit(0);
    } else throw new Error(`unknown argument '${a}' (see --help)`);
  }
  return { budget, runDir: resolve(runDir ?? `runs/gan/${name}-${budget}`), seed, quiet };
}
