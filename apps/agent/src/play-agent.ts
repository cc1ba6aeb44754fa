import { Rng } from '@worldmodels/core/rng';
import { actionAdapter, makeAgentEnv, resolveEnvKind, runAgentEpisode, type AgentEpisode, type EnvKind } from '@worldmodels/world-model';
import { disposeAgentCheckpoint, loadAgentCheckpoint } from './agent-checkpoint.js';
import { writeComparisonGif } from './comparison-gif.js';
import { RecordingAgent } from './recording-agent.js';
import { shippedCheckpointDir } from './repo-root.js';

export interface PlayAgentOptions {
  /** Checkpoint or run directory (default: the shipped `checkpoints/<env>` of the repository). */
  checkpoint?: string;
  /** Real-env episodes (default 3). */
  episodes?: number;
  /** Episode i is reset with seed `seed + i` (default 0). */
  seed?: number;
  /** Cut each episode at this many steps (default: the env's own limit). */
  maxSteps?: number;
  /** Write a GIF of episode 1: real frames | V's reconstructions | M's predictions. */
  gif?: string;
  /** At most this many frames in the GIF (default 300). */
  gifFrames?: number;
  /** Where per-episode lines go (default stdout). */
  log?: (line: string) => void;
}

export interface AgentReport {
  env: EnvKind;
  checkpoint: string;
  episodes: (AgentEpisode & { seed: number })[];
  mean: number;
  /** Population standard deviation of the returns. */
  std: number;
  gif: { path: string; frames: number } | null;
}

/**
 * `worldmodels agent <env>`: the agent of a checkpoint (V + M + C) plays real episodes on fixed
 * seeds; prints each score and the mean ± std; optionally writes the comparison GIF.
 */
export async function playAgent(env: string, options: PlayAgentOptions = {}): Promise<AgentReport> {
  const kind = resolveEnvKind(env);
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const episodes = options.episodes ?? 3;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(episodes) || episodes < 1) throw new Error(`episodes must be a positive integer, got ${episodes}`);
  if (options.maxSteps !== undefined && (!Number.isInteger(options.maxSteps) || options.maxSteps < 1)) throw new Error(`max steps must be a positive integer, got ${options.maxSteps}`);
  const checkpoint = await loadAgentCheckpoint(options.checkpoint ?? shippedCheckpointDir(kind), kind);
  const actions = actionAdapter(kind);
  const agent = new RecordingAgent({ vae: checkpoint.vae, mdnrnn: checkpoint.mdnrnn, layout: checkpoint.layout, params: checkpoint.params, actions, rng: new Rng(seed).derive('agent') });
  const realEnv = makeAgentEnv(kind);
  const played: AgentReport['episodes'] = [];
  let gif: AgentReport['gif'] = null;
  try {
    log(`${kind}: ${episodes} episode(s) with the agent of ${checkpoint.dir}`);
    for (let i = 0; i < episodes; i++) {
      agent.limit = i === 0 && options.gif ? (options.gifFrames ?? 300) : 0;
      const episode = runAgentEpisode(realEnv, agent, { seed: seed + i, ...(options.maxSteps !== undefined && { maxSteps: options.maxSteps }) });
      played.push({ ...episode, seed: seed + i });
      log(`episode ${i + 1}: ${episode.return.toFixed(1)} (${episode.length} steps${episode.terminated ? '' : ', cut'})`);
      if (i === 0 && options.gif) {
        const frames = await writeComparisonGif(options.gif, agent.steps, { vae: checkpoint.vae, mdnrnn: checkpoint.mdnrnn, actions });
        gif = { path: options.gif, frames };
      }
    }
  } finally {
    agent.dispose();
    realEnv.close();
    disposeAgentCheckpoint(checkpoint);
  }
  const returns = played.map((e) => e.return);
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const std = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / returns.length);
  log(`${kind}: ${mean.toFixed(1)} ± ${std.toFixed(1)} over ${returns.length} episode(s)`);
  if (gif) log(`GIF (real | V's reconstruction | M's prediction): ${gif.path} (${gif.frames} frames)`);
  return { env: kind, checkpoint: checkpoint.dir, episodes: played, mean, std, gif };
}
