import { join } from 'node:path';
import { EvaluationPool, evaluatePopulation } from '@worldmodels/controller-es';
import { Rng } from '@worldmodels/core/rng';
import type { RunConfig } from '../config/schema.js';
import { initialControllerMean } from '../controller/controller-init.js';
import { ControllerLayout } from '../controller/controller-layout.js';
import { loadMemory } from '../models/load-models.js';
import { packageModulePath } from '../module-paths.js';
import type { Stage } from '../run/stage.js';
import { layoutOptionsFor } from '../train/controller-layout-for.js';
import { dreamGenerationRng, makeDreamEnv } from '../train/dream-trainer.js';
import { makeStrategy } from '../train/make-strategy.js';
import type { RealEnvEvaluatorOptions } from '../train/real-env-evaluator.js';
import { searchController, type ControllerResult } from '../train/search-controller.js';
import { CONTROLLER_FILE, INITIAL_Z_FILE, stageDir, stageName } from './stage-paths.js';
import { stageSeed } from './stage-seed.js';

/**
 * Paper step 4: the controller search. `real`: every candidate plays `episodesPerMember` real
 * episodes through V and M (CarRacing, as the paper), in parallel worker threads. `dream`: the
 * whole population plays in M's dream in one batched tensor rollout per generation (TakeCover,
 * as the paper; CarRacing with M's reward head). The search mean is scored every `evalEvery`
 * generations on fixed seeds (in the same world it trains in) and the best is kept in best.json.
 */
export function controllerStage(config: RunConfig, iteration: number, sweepTemperature?: number): Stage {
  const vae = stageName('vae', iteration);
  const series = stageName('series', iteration);
  const mdnrnn = stageName('mdnrnn', iteration);
  // A temperature-sweep stage trains its own controller in the dream at τ (the paper's TakeCover table).
  const base = config.controller;
  const c = sweepTemperature === undefined
    ? base
    : { ...base, mode: 'dream' as const, generations: base.dream.sweepGenerations ?? base.generations, dream: { ...base.dream, temperature: sweepTemperature } };
  const suffix = sweepTemperature === undefined ? '' : temperatureSuffix(sweepTemperature);
  return {
    name: stageName('controller', iteration) + suffix,
    dir: stageDir('controller', iteration) + suffix,
    inputs: [vae, series, mdnrnn],
    // The sweep's list and budget are not this stage's settings (its own generations are).
    // More generations continue the search from its checkpoint (search.json) instead of redoing it.
    extendable: ['generations'],
    settings: { seed: config.seed, ...c, workers: undefined, ...(c.mode === 'real' ? { dream: undefined } : { maxSteps: undefined, dream: { ...c.dream, temperatures: undefined, sweepGenerations: undefined } }), temperatures: undefined },
    async run(ctx) {
      const seed = stageSeed(config.seed, 'controller', iteration);
      const layout = new ControllerLayout(layoutOptionsFor(config));
      const mean = c.init === undefined ? undefined : await initialControllerMean(layout, c.init, new Rng(seed).derive('init'));
      const es = makeStrategy(c, layout.paramCount, seed, mean);
      ctx.log(`controller: ${layout.form} with ${layout.paramCount} parameters, ${es.type} population ${es.popSize}, trained in the ${c.mode === 'real' ? 'real env' : 'dream'}${c.init === undefined ? '' : `, starting from ${c.init}`}`);
      let result: ControllerResult & { generations: number; stepsSpent: number };
      if (c.mode === 'dream') {
        const m = await loadMemory(ctx.inputs[mdnrnn]!);
        try {
          const dream = await makeDreamEnv(config, m, join(ctx.inputs[series]!, INITIAL_Z_FILE), c.dream.temperature);
          const evalRng = () => new Rng(seed).derive('dream', 'evaluation');
          result = await searchController({
            es,
            dir: ctx.dir,
            generations: c.generations,
            evalEvery: c.evalEvery,
            metrics: ctx.metrics,
            label: `controller (dream, τ = ${c.dream.temperature})`,
            evaluate: async (candidates, g) => {
              const r = dream.fitness(layout, candidates, c.episodesPerMember, dreamGenerationRng(seed, g));
              return { fitness: r.fitness, steps: r.steps };
            },
            scoreMean: async (mean) => {
              const r = dream.rollout(layout, [mean], c.evalEpisodes, evalRng());
              return summarize(Array.from(r.returns));
            },
          });
        } finally {
          m.dispose();
        }
      } else {
        const options: RealEnvEvaluatorOptions = {
          kind: config.env,
          vaeDir: ctx.inputs[vae]!,
          mdnrnnDir: ctx.inputs[mdnrnn]!,
          layout: layoutOptionsFor(config),
          curiosityWeight: c.curiosity.weight,
          backend: config.backend,
          ...(c.maxSteps !== undefined && { maxSteps: c.maxSteps }),
        };
        const pool = new EvaluationPool({ makeWorker: { module: packageModulePath('train/real-env-evaluator'), options: { ...options } }, workers: c.workers });
        try {
          result = await searchController({
            es,
            dir: ctx.dir,
            generations: c.generations,
            evalEvery: c.evalEvery,
            metrics: ctx.metrics,
            label: 'controller (real env)',
            evaluate: async (candidates, g) => {
              const r = await evaluatePopulation({ candidates, episodes: c.episodesPerMember, seed, generation: g, pool });
              return { fitness: r.fitness };
            },
            scoreMean: async (mean) => {
              const r = await evaluatePopulation({ candidates: [mean], episodes: c.evalEpisodes, seed: new Rng(seed).derive('evaluation').nextSeed(), generation: 0, pool });
              return summarize(r.returns[0]!);
            },
          });
        } finally {
          await pool.close();
        }
      }
      return { file: CONTROLLER_FILE, source: result.source, score: result.score, generation: result.generation, generations: result.generations, dreamSteps: result.stepsSpent, params: layout.paramCount };
    },
  };
}

function summarize(returns: number[]): { mean: number; std: number; episodes: number } {
  const n = returns.length;
  const mean = returns.reduce((a, b) => a + b, 0) / n;
  return { mean, std: Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / n), episodes: n };
}

/** Directory/stage suffix of a temperature-sweep controller: '-tau-1.15'. */
export function temperatureSuffix(temperature: number): string {
  return `-tau-${temperature}`;
}
