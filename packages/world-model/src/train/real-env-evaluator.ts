import { initBackend, type BackendName } from '@worldmodels/core';
import { Rng } from '@worldmodels/core/rng';
import { makeAgentEnv, runAgentEpisode } from '../agent/agent-env.js';
import { WorldModelAgent } from '../agent/world-model-agent.js';
import type { EnvKind } from '../config/env-kinds.js';
import { actionAdapter } from '../controller/action-adapter.js';
import { ControllerLayout, type ControllerLayoutOptions } from '../controller/controller-layout.js';
import { loadMemory, loadVision } from '../models/load-models.js';

/** Options of the real-env fitness worker (plain data: they cross into worker threads). */
export interface RealEnvEvaluatorOptions {
  kind: EnvKind;
  /** Stage directories holding V and M (`<dir>/model`). */
  vaeDir: string;
  mdnrnnDir: string;
  layout: ControllerLayoutOptions;
  /** Cut episodes at this many steps. */
  maxSteps?: number;
  /** Adds weight × the episode's summed surprise −log p(z_{t+1} | …) to its return (curiosity). */
  curiosityWeight?: number;
  /** Feed C and M V's μ instead of a sampled z (the agent's `useMean` ablation). */
  useMean?: boolean;
  backend?: BackendName | 'auto';
}

/**
 * The fitness worker of real-env training (`makeWorker` of controller-es's evaluatePopulation):
 * loads V and M once per thread, then scores (params, seed) by one episode of the env from
 * `reset({ seed })` with the world-model agent — its return, plus the curiosity bonus if asked.
 */
export async function createEvaluator(options: RealEnvEvaluatorOptions): Promise<(params: Float64Array, seed: number) => number> {
  await initBackend({ quiet: true, ...(options.backend && { backend: options.backend }) });
  const vae = await loadVision(options.vaeDir);
  const mdnrnn = await loadMemory(options.mdnrnnDir);
  const layout = new ControllerLayout(options.layout);
  const env = makeAgentEnv(options.kind);
  const curiosity = options.curiosityWeight ?? 0;
  return (params, seed) => {
    const agent = new WorldModelAgent({ vae, mdnrnn, layout, params, actions: actionAdapter(options.kind), rng: new Rng(seed).derive('agent'), curiosity: curiosity > 0, useMean: options.useMean === true });
    try {
      const episode = runAgentEpisode(env, agent, { seed, ...(options.maxSteps !== undefined && { maxSteps: options.maxSteps }) });
      return episode.return + curiosity * episode.surprise;
    } finally {
      agent.dispose();
    }
  };
}
