import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CMAES } from '@worldmodels/controller-es';
import { describe, expect, it } from 'vitest';
import { searchController, type SearchControllerOptions } from './search-controller.js';

/** Fitness = −‖x − 1‖² (maximised at all ones); the mean's score is its fitness. */
const options = (dir: string, onGeneration?: (g: number) => void): SearchControllerOptions => ({
  es: new CMAES({ dim: 5, sigma: 0.5, popSize: 8, seed: 3 }),
  dir,
  generations: 30,
  evalEvery: 5,
  progress: false,
  evaluate: async (xs) => ({ fitness: xs.map((x) => -x.reduce((s, v) => s + (v - 1) ** 2, 0)), steps: xs.length }),
  scoreMean: async (mean) => ({ mean: -mean.reduce((s, v) => s + (v - 1) ** 2, 0), std: 0, episodes: 1 }),
  ...(onGeneration && { onGeneration }),
});

describe('searchController', () => {
  it('improves the controller and keeps the best scored mean', async () => {
    const r = await searchController(options(await mkdtemp(join(tmpdir(), 'wm-search-'))));
    expect(r.generations).toBe(30);
    expect(r.source).toBe('mean-eval');
    expect(r.score).toBeGreaterThan(-0.05);
    expect(r.generation % 5).toBe(0);
    expect(r.stepsSpent).toBe(30 * 8);
  });

  it('resumes after a kill at the generation it reached and ends as an uninterrupted search', async () => {
    const straight = await searchController(options(await mkdtemp(join(tmpdir(), 'wm-search-'))));
    const dir = await mkdtemp(join(tmpdir(), 'wm-search-'));
    await expect(
      searchController(
        options(dir, (g) => {
          if (g === 12) throw new Error('killed');
        }),
      ),
    ).rejects.toThrow('killed');
    const resumed = await searchController(options(dir));
    expect(resumed.params).toEqual(straight.params);
    expect(resumed.score).toBe(straight.score);
    expect(resumed.stepsSpent).toBe(straight.stepsSpent);
  });

  it('resumed with a budget below the generation it reached, stops at once with the best scored mean so far', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wm-search-'));
    const scored: number[] = [];
    const first = options(dir, (g) => {
      if (g === 13) throw new Error('killed');
    });
    const scoreMean = first.scoreMean!;
    const recording: SearchControllerOptions['scoreMean'] = async (mean, g) => {
      const score = await scoreMean(mean, g);
      scored.push(score.mean);
      return score;
    };
    await expect(searchController({ ...first, scoreMean: recording })).rejects.toThrow('killed');
    expect(scored).toHaveLength(2); // generations 5 and 10
    let evaluated = 0;
    const counting: SearchControllerOptions['evaluate'] = async (xs) => {
      evaluated++;
      return { fitness: xs.map(() => 0), steps: 0 };
    };
    const cut = await searchController({ ...options(dir), generations: 8, evaluate: counting });
    expect(evaluated).toBe(0);
    expect(cut.generations).toBe(13);
    expect(cut.source).toBe('mean-eval');
    expect(cut.score).toBe(Math.max(...scored));
    expect([5, 10]).toContain(cut.generation);
  });
});
