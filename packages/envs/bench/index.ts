/**
 * Benchmarks of @worldmodels/envs for `npm run bench`:
 * - carracing-step: CarRacing-v0 env steps per second on one core, including the 96×96 render,
 *   with uniform random actions and resets included (as when collecting rollouts).
 * Cases of the other envs (pong-step, takecover-step, collect-carracing) live in ./games.ts and
 * are included here when that file exists.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Rng } from '@worldmodels/core/rng';
import { CarRacingEnv } from '../src/carracing/car-racing-env.js';

export interface BenchResult {
  case: string;
  unit: string;
  per_s: number;
  peer_per_s: number | null;
  ratio: number | null;
  [extra: string]: unknown;
}

interface BenchModule {
  benchCases: readonly string[];
  runBenchCases(names?: string[]): AsyncIterable<BenchResult>;
}

const OWN_CASES = ['carracing-step'] as const;

/** The envs-games cases, when bench/games.ts exists (exporting benchCases and runBenchCases). */
async function gamesModule(): Promise<BenchModule | null> {
  const path = fileURLToPath(new URL('./games.ts', import.meta.url));
  if (!existsSync(path)) return null;
  const m = (await import('./games.js' as string)) as Partial<BenchModule>;
  return m.benchCases && m.runBenchCases ? (m as BenchModule) : null;
}

const games = await gamesModule();

export const benchCases: readonly string[] = [...OWN_CASES, ...(games?.benchCases ?? [])];

/** Env steps per second of CarRacing-v0 (physics + 96×96 render), over `seconds` after a warm-up. */
export function benchCarRacingStep(seconds = 5): BenchResult {
  const env = new CarRacingEnv();
  const rng = new Rng(0).derive('bench', 'carracing-step');
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
  run(1500); // JIT warm-up
  const { steps, elapsed, cpu } = run(seconds * 1000);
  env.close();
  return {
    case: 'carracing-step',
    unit: 'steps',
    per_s: Number(((steps / elapsed) * 1000).toFixed(1)),
    peer_per_s: null,
    ratio: null,
    steps,
    // Steps per second of this process's CPU time: the figure without other processes' load.
    cpu_per_s: Number(((steps / cpu) * 1000).toFixed(1)),
  };
}

export async function* runBenchCases(names?: string[]): AsyncIterable<BenchResult> {
  const wanted = names ?? [...benchCases];
  const unknown = wanted.filter((n) => !benchCases.includes(n));
  if (unknown.length > 0) throw new Error(`unknown envs bench case ${unknown.join(', ')}; known: ${benchCases.join(', ')}`);
  if (wanted.includes('carracing-step')) yield benchCarRacingStep();
  const forGames = wanted.filter((n) => !(OWN_CASES as readonly string[]).includes(n));
  if (games && forGames.length > 0) yield* games.runBenchCases(forGames);
}
