import { Command } from 'commander';
import { WORKER_FLAGS, workerCommand } from '@worldmodels/queue';

/** `worldmodels worker --redis URL`: processes rollout and evaluation jobs from a BullMQ queue on Redis. */
export function workerSubcommand(): Command {
  const worker = new Command('worker').description('process rollout and evaluation jobs from a BullMQ queue on Redis (see @worldmodels/queue)');
  for (const { flag, description } of WORKER_FLAGS) worker.option(flag, description);
  worker.action(async (options: Record<string, unknown>) => {
    process.exitCode = await workerCommand(options as Parameters<typeof workerCommand>[0]);
  });
  return worker;
}
