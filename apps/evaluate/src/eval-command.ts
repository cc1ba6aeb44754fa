import { Command, InvalidArgumentError, Option } from 'commander';
import { evaluateRun } from './evaluate-run.js';

const positiveInt = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got '${v}'`);
  return n;
};
const integer = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer, got '${v}'`);
  return n;
};

/** `worldmodels eval <run>`: the subcommand, for the `worldmodels` program to add. */
export function evalCommand(): Command {
  return new Command('eval')
    .description('score a trained run in the real env on fixed seeds; write the results table, learning curve (SVG, PNG), GIFs and report.json')
    .argument('<run>', 'run directory made by `worldmodels train`')
    .option('-n, --episodes <n>', 'real-env episodes (default: the run config, paper 100)', positiveInt('--episodes'))
    .option('--seed <n>', 'root of the fixed episode seeds (default: the run config)', integer('--seed'))
    .option('--max-steps <n>', 'cut episodes at this many steps', positiveInt('--max-steps'))
    .option('-w, --workers <n>', 'worker threads (0: main thread)', integer('--workers'))
    .option('--iteration <n>', 'evaluate this iteration of the iterative procedure (default: the last)', positiveInt('--iteration'))
    .option('-o, --out <dir>', 'output directory (default <run>/eval)')
    .option('--no-gifs', 'skip the GIFs')
    .option('--dream', 'also score the controller in its dream (default when it was trained there)')
    .option('--calibrate <n>', 'also play fixed actions (TakeCover: LEFT, STAY, RIGHT held throughout) n episodes each in the dream and in the real env: where they disagree, M is wrong about a behaviour C can exploit', positiveInt('--calibrate'))
    .option('--done-check <n>', "also replay the series' last n episodes through M and report when its done head fires against when each episode ended, and its hazard by step", positiveInt('--done-check'))
    .option('--plan-check <n>', "TakeCover: also play n real episodes by planning in M instead of with C (held-move plans scored by M's done hazard): does M's dream foresee hits?", positiveInt('--plan-check'))
    .option('--z-mean', "feed C and M V's μ instead of a sampled z in the real episodes (an ablation; the paper samples)")
    .addOption(new Option('--backend <name>', 'tfjs backend').choices(['auto', 'tensorflow-gpu', 'tensorflow', 'native', 'wasm', 'cpu']))
    .action(async (run: string, o: { episodes?: number; seed?: number; maxSteps?: number; workers?: number; iteration?: number; out?: string; gifs: boolean; dream?: boolean; calibrate?: number; doneCheck?: number; planCheck?: number; zMean?: boolean; backend?: 'auto' }) => {
      const report = await evaluateRun(run, {
        ...(o.episodes !== undefined && { episodes: o.episodes }),
        ...(o.seed !== undefined && { seed: o.seed }),
        ...(o.maxSteps !== undefined && { maxSteps: o.maxSteps }),
        ...(o.workers !== undefined && { workers: o.workers }),
        ...(o.iteration !== undefined && { iteration: o.iteration }),
        ...(o.out !== undefined && { out: o.out }),
        ...(o.dream !== undefined && { dream: o.dream }),
        ...(o.calibrate !== undefined && { calibrate: o.calibrate }),
        ...(o.doneCheck !== undefined && { doneCheck: o.doneCheck }),
        ...(o.planCheck !== undefined && { planCheck: o.planCheck }),
        ...(o.backend !== undefined && { backend: o.backend }),
        ...(o.zMean === true && { zMean: true }),
        gifs: o.gifs,
      });
      const r = report.real;
      process.stdout.write(`${report.env}: ${r.mean.toFixed(1)} ± ${r.std.toFixed(1)} over ${r.episodes} episodes${r.z === 'mean' ? ' (z = μ)' : ''}${r.maxSteps !== null ? ` cut at ${r.maxSteps} steps` : ''} (min ${r.min.toFixed(1)}, max ${r.max.toFixed(1)})\n`);
      if (report.planCheck) process.stdout.write(`planning in M (--plan-check): ${report.planCheck.mean.toFixed(1)} ± ${report.planCheck.std.toFixed(1)} over ${report.planCheck.episodes} episodes\n`);
      if (report.dream) process.stdout.write(`dream (τ = ${report.dream.temperature}): ${report.dream.mean.toFixed(1)} ± ${report.dream.std.toFixed(1)}\n`);
      for (const [k, f] of Object.entries(report.files)) process.stdout.write(`  ${k}: ${f}\n`);
    });
}
