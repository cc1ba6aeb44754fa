import { Command, InvalidArgumentError, Option } from 'commander';
import { initBackend, type BackendName } from '@worldmodels/core';
import { playAgent } from './play-agent.js';

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

interface AgentFlags {
  checkpoint?: string;
  episodes: number;
  gif?: string;
  gifFrames?: number;
  maxSteps?: number;
  seed: number;
  backend: BackendName | 'auto';
}

/** `worldmodels agent <env>`: the subcommand, unattached. */
export function agentCommand(): Command {
  return new Command('agent')
    .description("play the shipped reference agent (or any trained run directory) in the real env: per-episode scores, mean ± std, and a GIF of real frames beside V's reconstructions and M's predictions")
    .argument('<env>', 'carracing (CarRacing-v0) or takecover (TakeCover-v0)')
    .option('--checkpoint <dir>', 'checkpoint or run directory (default: the shipped checkpoints/<env>)')
    .option('--episodes <n>', 'real-env episodes', positiveInt('--episodes'), 3)
    .option('--gif <out.gif>', "write episode 1 as a GIF: real frame | V's reconstruction | M's prediction")
    .option('--gif-frames <n>', 'at most this many GIF frames (default 300)', positiveInt('--gif-frames'))
    .option('--max-steps <n>', 'cut each episode at this many steps', positiveInt('--max-steps'))
    .option('--seed <n>', 'episode i is reset with seed n + i', integer('--seed'), 0)
    .addOption(new Option('--backend <name>', 'tfjs backend').choices(['auto', 'tensorflow-gpu', 'tensorflow', 'native', 'wasm', 'cpu']).default('auto'))
    .action(async (env: string, o: AgentFlags) => {
      await initBackend({ backend: o.backend, quiet: true });
      await playAgent(env, {
        episodes: o.episodes,
        seed: o.seed,
        ...(o.checkpoint !== undefined && { checkpoint: o.checkpoint }),
        ...(o.gif !== undefined && { gif: o.gif }),
        ...(o.gifFrames !== undefined && { gifFrames: o.gifFrames }),
        ...(o.maxSteps !== undefined && { maxSteps: o.maxSteps }),
      });
    });
}

/** Adds `worldmodels agent` to a commander program (the `worldmodels` CLI of apps/train). */
export function registerAgentCommand(program: Command): Command {
  return program.addCommand(agentCommand());
}
