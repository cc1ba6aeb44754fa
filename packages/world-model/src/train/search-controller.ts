import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { strategyFromJSON, type EvolutionStrategy } from '@worldmodels/controller-es';
import { atomicWriteJson, readJsonFile } from '@worldmodels/core/dataset';
import { ProgressReporter, type MetricsLogger } from '@worldmodels/core/progress';

/** Scores of one generation's candidates (higher is better). */
export interface GenerationFitness {
  fitness: number[];
  /** Env or dream steps spent (for the compute log). */
  steps?: number;
}

/** A score of the search mean on fixed episodes. */
export interface MeanScore {
  mean: number;
  std: number;
  episodes: number;
}

export interface SearchControllerOptions {
  /** A fresh strategy; replaced by the checkpointed one when resuming. */
  es: EvolutionStrategy;
  /** Where the search state (`search.json`), the best controller (`best.json`) live. */
  dir: string;
  generations: number;
  /** Fitness of a generation's candidates. */
  evaluate(candidates: Float64Array[], generation: number): Promise<GenerationFitness>;
  /** Scores the search mean on fixed episodes (paper: every 25 generations on 1024 seeds). */
  scoreMean?(mean: Float64Array, generation: number): Promise<MeanScore>;
  evalEvery?: number;
  metrics?: MetricsLogger;
  progress?: boolean;
  label?: string;
  /** Called after every generation (e.g. to stop a test midway). */
  onGeneration?(generation: number): void;
}

/** The controller a search settled on. */
export interface ControllerResult {
  params: number[];
  /** 'mean-eval': the search mean with the best fixed-seed score; 'best-candidate': the best candidate's training fitness. */
  source: 'mean-eval' | 'best-candidate';
  score: number;
  std?: number;
  generation: number;
}

interface SearchState {
  version: 1;
  generation: number;
  es: unknown;
  bestEval: ControllerResult | null;
  stepsSpent: number;
}

/**
 * The controller search loop of the paper (§4, appendix): ask a population, score it, tell the
 * fitness; every `evalEvery` generations score the search mean on fixed episodes and keep the
 * best. The strategy's state is saved atomically after every generation, so a killed search
 * resumes at the generation it was in.
 */
export async function searchController(options: SearchControllerOptions): Promise<ControllerResult & { generations: number; stepsSpent: number }> {
  const { dir, generations, evaluate } = options;
  const evalEvery = options.evalEvery ?? 25;
  const statePath = join(dir, 'search.json');
  let es = options.es;
  let state: SearchState = { version: 1, generation: 0, es: es.toJSON(), bestEval: null, stepsSpent: 0 };
  if (existsSync(statePath)) {
    state = (await readJsonFile(statePath, 'controller search state')) as SearchState;
    es = strategyFromJSON(state.es);
    if (es.dim !== options.es.dim) throw new Error(`${statePath} searches ${es.dim} parameters, but this controller has ${options.es.dim}; remove it or use --redo`);
  }
  const progress = new ProgressReporter({ total: generations, label: options.label ?? `controller ${es.type}`, silent: options.progress === false });
  progress.update(state.generation);
  try {
    for (let g = state.generation; g < generations; g++) {
      const candidates = es.ask();
      const { fitness, steps = 0 } = await evaluate(candidates, g);
      if (fitness.length !== candidates.length) throw new Error(`evaluate returned ${fitness.length} scores for ${candidates.length} candidates`);
      es.tell(fitness);
      state.stepsSpent += steps;
      const stats = summarize(fitness);
      const record: Record<string, number | string | boolean | null> = { generation: g + 1, ...stats, sigma: es.sigma, steps: state.stepsSpent };
      if (options.scoreMean && ((g + 1) % evalEvery === 0 || g + 1 === generations)) {
        const mean = es.mean;
        const score = await options.scoreMean(mean, g + 1);
        record.evalMean = score.mean;
        record.evalStd = score.std;
        if (!state.bestEval || score.mean > state.bestEval.score) {
          state.bestEval = { params: Array.from(mean), source: 'mean-eval', score: score.mean, std: score.std, generation: g + 1 };
        }
      }
      state.generation = g + 1;
      state.es = es.toJSON();
      await atomicWriteJson(statePath, state);
      await options.metrics?.log(record);
      progress.update(g + 1, { mean: round(stats.mean), max: round(stats.max), ...(record.evalMean !== undefined && { eval: round(record.evalMean as number) }) });
      options.onGeneration?.(g + 1);
    }
  } finally {
    progress.stop();
  }
  const best = state.bestEval ?? bestCandidate(es, state.generation);
  await atomicWriteJson(join(dir, 'best.json'), best);
  return { ...best, generations: state.generation, stepsSpent: state.stepsSpent };
}

function bestCandidate(es: EvolutionStrategy, generation: number): ControllerResult {
  const best = es.best;
  if (!best) return { params: Array.from(es.mean), source: 'best-candidate', score: Number.NaN, generation };
  return { params: Array.from(best.params), source: 'best-candidate', score: best.fitness, generation: best.generation + 1 };
}

function summarize(fitness: number[]): { mean: number; min: number; max: number; std: number } {
  const n = fitness.length;
  const mean = fitness.reduce((a, b) => a + b, 0) / n;
  const variance = fitness.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  return { mean, min: Math.min(...fitness), max: Math.max(...fitness), std: Math.sqrt(variance) };
}

const round = (x: number) => Number(x.toFixed(2));
