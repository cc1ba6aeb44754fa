/**
 * Benchmarks of the world-model package (`npm run bench -- --case NAME`):
 * - dream-steps-b1024: dream env steps per second, 1024 episodes (population 64 × 16 episodes)
 *   advancing together through M (CarRacing sizes: z 32, LSTM 256, 5 mixtures, reward head)
 *   and the linear controller, sampling at τ = 1.
 * - agent-step-carracing: real CarRacing-v0 steps per second with the full agent in the loop
 *   (reference preprocessing, V's encoder with sampled z, C on [z, h], M's step).
 * Models have random weights: speed does not depend on what they learned. `cpu_per_s` divides by
 * this process's CPU seconds instead of wall seconds (steadier on a shared machine; with a
 * multi-threaded backend it counts every thread).
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@worldmodels/core';
import { Rng } from '@worldmodels/core/rng';
import { MDNRNN } from '@worldmodels/mdn-rnn';
import { ConvVAE } from '@worldmodels/vae';
import { makeAgentEnv, runAgentEpisode } from '../src/agent/agent-env.js';
import { WorldModelAgent } from '../src/agent/world-model-agent.js';
import { carRacingActions } from '../src/controller/action-adapter.js';
import { ControllerLayout } from '../src/controller/controller-layout.js';
import { DreamEnv } from '../src/dream/dream-env.js';
import { initialLatents } from '../src/dream/initial-latents.js';

interface BenchResult {
  case: string;
  unit: string;
  per_s: number;
  peer_per_s: null;
  ratio: null;
  [extra: string]: unknown;
}

export const benchCases: readonly string[] = ['dream-steps-b1024', 'agent-step-carracing'];

export async function* runBenchCases(names?: string[]): AsyncIterable<BenchResult> {
  const selected = names && names.length > 0 ? names : [...benchCases];
  for (const name of selected) if (!benchCases.includes(name)) throw new Error(`unknown world-model bench case '${name}'; known: ${benchCases.join(', ')}`);
  const backend = await initBackend({ quiet: true });
  for (const name of selected) {
    if (name === 'dream-steps-b1024') yield { ...(await dreamSteps()), backend: backend.backend };
    if (name === 'agent-step-carracing') yield { ...(await agentSteps()), backend: backend.backend };
  }
}

async function dreamSteps(): Promise<BenchResult> {
  const P = 64;
  const E = 16;
  const rng = new Rng(1);
  const mdnrnn = new MDNRNN({ zSize: 32, actionSize: 3, hiddenSize: 256, mixtures: 5, rewardHead: true });
  const mu = rng.fillNormal(new Float32Array(100 * 32));
  const dream = new DreamEnv({ mdnrnn, initial: initialLatents(mu, new Float32Array(100 * 32).fill(-2), 32), actions: carRacingActions, temperature: 1, maxSteps: 1000, reward: 'head' });
  const layout = new ControllerLayout({ form: 'linear', zSize: 32, hiddenSize: 256, outputs: 3 });
  const candidates = Array.from({ length: P }, () => layout.randomParams(() => rng.normal(0, 0.1)));
  const short = new DreamEnv({ ...dream.options, maxSteps: 3 });
  short.rollout(layout, candidates, E, rng.derive('warm-up'));
  const timed = new DreamEnv({ ...dream.options, maxSteps: 40 });
  const { result: r, seconds, cpuSeconds } = measure(() => timed.rollout(layout, candidates, E, rng.derive('timed')));
  mdnrnn.dispose();
  return { case: 'dream-steps-b1024', unit: 'dream env steps/s (1024 parallel episodes)', per_s: r.steps / seconds, peer_per_s: null, ratio: null, cpu_per_s: r.steps / cpuSeconds };
}

async function agentSteps(): Promise<BenchResult> {
  const vae = new ConvVAE({ zSize: 32 });
  const mdnrnn = new MDNRNN({ zSize: 32, actionSize: 3, hiddenSize: 256, mixtures: 5 });
  const layout = new ControllerLayout({ form: 'linear', zSize: 32, hiddenSize: 256, outputs: 3 });
  const rng = new Rng(2);
  const params = layout.randomParams(() => rng.normal(0, 0.1));
  const env = makeAgentEnv('carracing');
  const agent = new WorldModelAgent({ vae, mdnrnn, layout, params, actions: carRacingActions, rng });
  runAgentEpisode(env, agent, { seed: 1, maxSteps: 10 }); // warm-up
  const before = tf.memory().numTensors;
  const { result: episode, seconds, cpuSeconds } = measure(() => runAgentEpisode(env, agent, { seed: 2, maxSteps: 200 }));
  if (tf.memory().numTensors !== before) throw new Error(`agent-step-carracing leaked ${tf.memory().numTensors - before} tensors`);
  agent.dispose();
  env.close();
  vae.dispose();
  mdnrnn.dispose();
  return { case: 'agent-step-carracing', unit: 'env steps/s with V + M + C in the loop (one thread)', per_s: episode.length / seconds, peer_per_s: null, ratio: null, cpu_per_s: episode.length / cpuSeconds };
}

/** Wall-clock and process CPU seconds of `f` (CPU time is the steadier figure on a shared machine). */
function measure<T>(f: () => T): { result: T; seconds: number; cpuSeconds: number } {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = f();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { result, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}
