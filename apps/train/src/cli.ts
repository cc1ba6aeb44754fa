#!/usr/bin/env node
import { registerAgentCommand } from '@worldmodels/agent-app';
import { worldmodelsProgram } from './program.js';

registerAgentCommand(worldmodelsProgram())
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`worldmodels: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.WORLDMODELS_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  });
