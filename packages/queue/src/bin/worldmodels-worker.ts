#!/usr/bin/env node
/** `worldmodels-worker --redis URL [...]`: the standalone queue worker (the same as `worldmodels worker`). */
import { parseArgs } from 'node:util';
import { WORKER_FLAGS, type WorkerCommandOptions, workerCommand } from '../worker/worker-command.js';

function usage(): string {
  const lines = WORKER_FLAGS.map(({ flag, description }) => `  ${flag.padEnd(26)} ${description}`);
  return ['usage: worldmodels-worker --redis <url> [options]', '', 'Runs rollout and evaluation jobs from a BullMQ queue on Redis.', '', ...lines, '  -h, --help'.padEnd(28) + ' this help'].join('\n');
}

function kebab(flag: string): string {
  return flag.slice(2).split(' ')[0]!;
}

async function main(): Promise<number> {
  const spec = Object.fromEntries(WORKER_FLAGS.map(({ flag }) => [kebab(flag), { type: 'string' as const }]));
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), options: { ...spec, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage()}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const flags: WorkerCommandOptions = {};
  for (const { flag, key } of WORKER_FLAGS) {
    const v = parsed.values[kebab(flag)];
    if (typeof v === 'string') (flags as Record<string, string>)[key] = v;
  }
  try {
    return await workerCommand(flags);
  } catch (error) {
    process.stderr.write(`worldmodels-worker: ${(error as Error).message}\n`);
    return 1;
  }
}

main().then((code) => process.exit(code));
