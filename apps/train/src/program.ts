import { Command } from 'commander';
import { evalCommand } from '@worldmodels/evaluate';
import { trainCommand } from './train-command.js';
import { workerSubcommand } from './worker-command.js';
import { exportCommand } from './export-command.js';
import { controllerCommand } from './controller-command.js';

/** The `worldmodels` program: `train`, `controller`, `eval`, `worker` and `export` (other apps add their subcommands with `program.addCommand`). */
export function worldmodelsProgram(): Command {
  return new Command('worldmodels')
    .description('World Models (Ha & Schmidhuber 2018) in TypeScript: train V, M and C, and evaluate the agent')
    .showHelpAfterError()
    .addCommand(trainCommand())
    .addCommand(controllerCommand())
    .addCommand(evalCommand())
    .addCommand(workerSubcommand())
    .addCommand(exportCommand());
}
