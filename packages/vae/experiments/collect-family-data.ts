/**
 * Collects the frames the VAE-family experiments train on, into core's data set store
 * (resumable: a killed run keeps its finished episodes):
 *   carracing/  CarRacing-v0, reference preprocessing (64×64), Brownian driving policy (training)
 *   carracing-test/  the same with other seeds (held out)
 *   pong/       Pong-v0 (64×64), actions held for 1–10 steps
 *   takecover/  TakeCover-v0 (64×64), actions held for 1–10 steps
 *
 *   nice -n 10 node --conditions=worldmodels-source --import tsx \
 *     packages/vae/experiments/collect-family-data.ts --out runs/vae-family/data
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { collectRollouts } from '@worldmodels/envs';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'runs/vae-family/data' },
    only: { type: 'string', default: 'carracing,carracing-test,pong,takecover' },
  },
});
const out = values.out!;
const wanted = new Set(values.only!.split(','));

const jobs = [
  { name: 'carracing', env: 'CarRacing-v0', preprocess: 'reference' as const, policy: { kind: 'brownian' as const }, episodes: 12, maxSteps: 500, seed: 12 },
  { name: 'carracing-test', env: 'CarRacing-v0', preprocess: 'reference' as const, policy: { kind: 'brownian' as const }, episodes: 2, maxSteps: 500, seed: 112 },
  { name: 'pong', env: 'Pong-v0', preprocess: 'none' as const, policy: { kind: 'held' as const }, episodes: 24, maxSteps: 400, seed: 13 },
  { name: 'takecover', env: 'TakeCover-v0', preprocess: 'none' as const, policy: { kind: 'held' as const }, episodes: 40, maxSteps: 400, seed: 14 },
];

for (const job of jobs) {
  if (!wanted.has(job.name)) continue;
  const started = process.cpuUsage();
  const result = await collectRollouts({
    env: job.env,
    preprocess: job.preprocess,
    policy: job.policy,
    episodes: job.episodes,
    maxSteps: job.maxSteps,
    workers: 0,
    out: join(out, job.name),
    seed: job.seed,
    progress: false,
  });
  const cpu = process.cpuUsage(started);
  console.log(JSON.stringify({ data: job.name, collected: result.collected, kept: result.kept, steps: result.steps, cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(1) }));
}
