/**
 * Benchmarks of the envs-games part of @worldmodels/envs (run by `npm run bench` through
 * ./index.ts):
 * - pong-step: Pong-v0 env steps per second on one core, including the 64×64 render, uniform
 *   random actions, resets included.
 * - takecover-step: the same for TakeCover-v0 (ray-cast 128×128 render box-filtered to 64×64).
 * - collect-carracing: CarRacing-v0 rollout collection with 2 worker threads and ctallec's
 *   Brownian policy, in episodes per minute, full-length episodes (the env's 1000-step limit),
 *   including worker start-up, track generation and compressed writes to a temporary data set.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@worldmodels/core/rng';
import { collectRollouts } from '../src/collect/collect-rollouts.js';
import type { Env } from '../src/env.js';
import { PongEnv } from '../src/pong/pong-env.js';
import { TakeCoverEnv } from '../src/takecover/take-cover-env.js';

export interface GameBenchResult {
  case: string;
  unit: string;
  per_s: number;
  peer_per_s: null;
  ratio: null;
  [extra: string]: unknown;
}

export const benchCases: readonly string[] = ['pong-step', 'takecover-step', 'collect-carracing'];

/** Env steps per second (wall clock, and per second of this process's CPU time) after a warm-up. */
export function benchEnvSteps(name: string, env: Env<Uint8Array, any>, seconds = 4): GameBenchResult {
  const rng = new Rng(0).derive('bench', name);
  let episode = 0;
  env.reset({ seed: episode });
  const run = (ms: number): { steps: number; elapsed: number; cpu: number } => {
    let steps = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let now = t0;
    while (now - t0 < ms) {
      for (let k = 0; k < 50; k++) {
        const s = env.step(env.actionSpace.sample(rng));
        steps++;
        if (s.terminated || s.truncated) env.reset({ seed: ++episode });
      }
      now = performance.now();
    }
    const c = process.cpuUsage(c0);
    return { steps, elapsed: now - t0, cpu: (c.user + c.system) / 1000 };
  };
  run(1000);
  const { steps, elapsed, cpu } = run(seconds * 1000);
  env.close();
  return {
    case: name,
    unit: 'steps',
    per_s: round((steps / elapsed) * 1000),
    peer_per_s: null,
    ratio: null,
    steps,
    cpu_per_s: round((steps / cpu) * 1000),
  };
}

/** CarRacing-v0 episodes per minute collected by 2 worker threads (per_s holds episodes per minute, as `unit` says). */
export async function benchCollectCarRacing(episodes = 6): Promise<GameBenchResult> {
  const out = await mkdtemp(join(tmpdir(), 'wm-bench-collect-'));
  try {
    const t0 = performance.now();
    const r = await collectRollouts({ env: 'CarRacing-v0', policy: 'brownian', episodes, workers: 2, out, seed: 0, progress: false });
    const seconds = (performance.now() - t0) / 1000;
    return {
      case: 'collect-carracing',
      unit: 'episodes/min',
      per_s: round((r.collected / seconds) * 60),
      peer_per_s: null,
      ratio: null,
      workers: 2,
      episodes: r.collected,
      steps: r.steps,
      steps_per_s: round(r.steps / seconds),
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

export async function* runGameBenchCases(names?: string[]): AsyncIterable<GameBenchResult> {
  const wanted = names ?? [...benchCases];
  const unknown = wanted.filter((n) => !benchCases.includes(n));
  if (unknown.length > 0) throw new Error(`unknown envs bench case ${unknown.join(', ')}; known: ${benchCases.join(', ')}`);
  if (wanted.includes('pong-step')) yield benchEnvSteps('pong-step', new PongEnv());
  if (wanted.includes('takecover-step')) yield benchEnvSteps('takecover-step', new TakeCoverEnv());
  if (wanted.includes('collect-carracing')) yield await benchCollectCarRacing();
}

/** The name ./index.ts (and the root bench runner) looks for. */
export const runBenchCases = runGameBenchCases;

function round(x: number): number {
  return Number(x.toFixed(1));
}
