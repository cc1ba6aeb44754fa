import { basename } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { readJsonFile } from '@worldmodels/core/dataset';
import { deepMerge, parseRunConfig, readRunConfig, retrainController, type RunConfigInput } from '@worldmodels/world-model';
import { parseSetOptions } from './parse-set.js';

/**
 * `worldmodels controller <source>`: a new C on the V and M of a finished run or a shipped agent
 * (e.g. another τ, population or budget), in a run directory of its own.
 */
export function controllerCommand(): Command {
  return new Command('controller')
    .description(
      'train a new controller on the V and M of a finished run or an exported agent (e.g. checkpoints/takecover), ' +
        'with the source config changed by --config/--set (controller, eval, seed, backend); resumable like train',
    )
    .argument('<source>', 'run directory or exported agent whose V and M to use')
    .option('-r, --run <dir>', 'run directory of the new controller (default runs/<source>-controller)')
    .option('-c, --config <file>', 'JSON merged over the source config')
    .option('-s, --set <key=value...>', 'override one config value, e.g. --set controller.dream.temperature=1.3', collect, [])
    .option('--seed <n>', 'seed of the search', integer('--seed'))
    .option('--iteration <k>', "which iteration's V and M of the source (default: its last)", integer('--iteration'))
    .addOption(new Option('--backend <name>', 'tfjs backend (default auto: the fastest present)').choices(['auto', 'tensorflow-gpu', 'tensorflow', 'native', 'wasm', 'cpu']))
    .option('--redo <stage>', 'redo this stage and every stage after it (e.g. controller)')
    .option('--print-config', 'print the resolved config and exit')
    .action(async (source: string, o: { run?: string; config?: string; set: string[]; seed?: number; iteration?: number; backend?: string; redo?: string; printConfig?: boolean }) => {
      let merged: unknown = await readRunConfig(source);
      if (o.config !== undefined) merged = deepMerge(merged, await readJsonFile(o.config, 'config file'));
      const overrides: RunConfigInput = parseSetOptions(o.set);
      if (o.seed !== undefined) overrides.seed = o.seed;
      if (o.backend !== undefined) overrides.backend = o.backend as never;
      const config = parseRunConfig(deepMerge(merged, overrides), `config of ${source} with the changes asked`);
      if (o.printConfig) {
        process.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
        return;
      }
      const run = o.run ?? `runs/${basename(source)}-controller`;
      const outcomes = await retrainController(source, run, config, { ...(o.iteration !== undefined && { iteration: o.iteration }), ...(o.redo !== undefined && { redo: o.redo }) });
      for (const s of outcomes) process.stdout.write(`${s.stage.padEnd(14)} ${s.status.padEnd(8)} ${s.seconds.toFixed(1).padStart(8)}s  ${JSON.stringify(s.summary)}\n`);
      process.stdout.write(`run directory: ${run}\nnext: worldmodels eval ${run}\n`);
    });
}

function integer(flag: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${flag} must be an integer, got '${v}'`);
    return n;
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
