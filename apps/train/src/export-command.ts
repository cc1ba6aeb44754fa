import { Command, InvalidArgumentError } from 'commander';
import { initBackend } from '@worldmodels/core';
import { exportAgent } from '@worldmodels/world-model';

/**
 * `worldmodels export <run> <out>`: the part of a finished run that plays the agent (V, M, C,
 * initial latents, config, report) as a small directory that `worldmodels eval` and the agent
 * app read like a run; V and M stored as float16 unless `--no-float16`.
 */
export function exportCommand(): Command {
  return new Command('export')
    .description('write the agent of a finished run (V, M, C, initial latents, config, report) into a small directory to ship')
    .argument('<run>', 'run directory made by `worldmodels train`')
    .argument('<out>', 'output directory (replaced whole if it exists)')
    .option('--iteration <k>', "which iteration's models (default: the last)", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
      return n;
    })
    .option('--no-float16', 'keep V and M in float32 (default: float16, half the size)')
    .action(async (run: string, out: string, options: { iteration?: number; float16: boolean }) => {
      await initBackend({ backend: 'cpu', quiet: true }); // copying weights needs no fast kernels
      const result = await exportAgent(run, out, { float16: options.float16, ...(options.iteration !== undefined && { iteration: options.iteration }) });
      process.stdout.write(`exported ${run} → ${result.out}: ${result.files.length} files, ${(result.bytes / 1e6).toFixed(2)} MB\n`);
    });
}
