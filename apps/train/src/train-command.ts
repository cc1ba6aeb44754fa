import { Command, InvalidArgumentError, Option } from 'commander';
import { PRESET_NAMES, resolveEnvKind, resolveRunConfig, trainWorldModel } from '@worldmodels/world-model';
import { parseSetOptions } from './parse-set.js';

/** `worldmodels train <env>`: the pipeline's subcommand. */
export function trainCommand(): Command {
  return new Command('train')
    .description(
      'run the World Models pipeline in a run directory: collect → vae → series → mdnrnn → controller. ' +
        'Done stages are skipped; a killed stage resumes from its checkpoints when the same command is run again.',
    )
    .argument('<env>', 'carracing (CarRacing-v0) or takecover (TakeCover-v0)')
    .addOption(new Option('-p, --preset <name>', 'sizes to start from').choices([...PRESET_NAMES]).default('tiny'))
    .option('-c, --config <file>', 'JSON config merged over the preset (see the README for the keys)')
    .option('-r, --run <dir>', 'run directory (default runs/<env>-<preset>)')
    .option('-s, --set <key=value...>', 'override one config value, e.g. --set controller.popSize=16 controller.mode=dream', collect, [])
    .option('--seed <n>', 'seed of the whole run', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n)) throw new InvalidArgumentError(`--seed must be an integer, got '${v}'`);
      return n;
    })
    .addOption(new Option('--backend <name>', 'tfjs backend (default auto: the fastest present)').choices(['auto', 'tensorflow-gpu', 'tensorflow', 'native', 'wasm', 'cpu']))
    .option('--redo <stage>', 'redo this stage and every stage after it (e.g. controller, or vae@2)')
    .option('--until <stage>', 'stop after this stage')
    .option('--print-config', 'print the resolved config and exit')
    .action(async (env: string, o: { preset: string; config?: string; run?: string; set: string[]; seed?: number; backend?: string; redo?: string; until?: string; printConfig?: boolean }) => {
      const kind = resolveEnvKind(env);
      const overrides = parseSetOptions(o.set);
      if (o.seed !== undefined) overrides.seed = o.seed;
      if (o.backend !== undefined) overrides.backend = o.backend as never;
      const config = await resolveRunConfig({ env: kind, preset: o.preset, ...(o.config !== undefined && { file: o.config }), overrides });
      if (o.printConfig) {
        process.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
        return;
      }
      const run = o.run ?? `runs/${kind}-${o.preset}`;
      const outcomes = await trainWorldModel(run, config, { ...(o.redo !== undefined && { redo: o.redo }), ...(o.until !== undefined && { until: o.until }) });
      for (const s of outcomes) process.stdout.write(`${s.stage.padEnd(14)} ${s.status.padEnd(8)} ${s.seconds.toFixed(1).padStart(8)}s  ${JSON.stringify(s.summary)}\n`);
      process.stdout.write(`run directory: ${run}\nnext: worldmodels eval ${run}\n`);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
