import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '@worldmodels/core/rng';
import { evaluatePopulation } from './evaluate-population.js';
import { EvaluationPool } from './evaluation-pool.js';
import { episodeSeed } from './episode-seeds.js';
import { sphere } from '../benchmarks/functions.js';

const benchmarkModule = new URL('../evaluators/benchmark-evaluator.ts', import.meta.url);
const failingModule = new URL('./failing-evaluator.fixture.ts', import.meta.url);
const tmp = mkdtempSync(join(tmpdir(), 'wm-es-pool-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function population(n: number, dim: number): Float64Array[] {
  const rng = new Rng(11);
  return Array.from({ length: n }, () => rng.fillNormal(new Float64Array(dim)));
}

describe('evaluatePopulation', () => {
  const candidates = population(8, 5);
  const makeWorker = { module: benchmarkModule, options: { function: 'sphere', noise: 0.5 } };

  it('gives identical results for 0, 1 and 2 workers, with seeds from (generation, member, episode)', async () => {
    const inline = await evaluatePopulation({ candidates, episodes: 3, seed: 5, generation: 2, makeWorker, workers: 0 });
    const one = await evaluatePopulation({ candidates, episodes: 3, seed: 5, generation: 2, makeWorker, workers: 1 });
    const two = await evaluatePopulation({ candidates, episodes: 3, seed: 5, generation: 2, makeWorker, workers: 2 });
    expect(one).toEqual(inline);
    expect(two).toEqual(inline);
    expect(inline.seeds[3]![1]).toBe(episodeSeed(5, 2, 3, 1));
    // Fitness is the mean over episodes of −sphere + noise drawn from each episode's seed.
    const expected = inline.seeds[4]!.map((s) => -sphere(candidates[4]!) + 0.5 * new Rng(s).normal());
    expect(inline.returns[4]).toEqual(expected);
    expect(inline.fitness[4]).toBeCloseTo(expected.reduce((a, b) => a + b) / 3, 12);
    // Another generation draws other episodes.
    const next = await evaluatePopulation({ candidates, episodes: 3, seed: 5, generation: 3, makeWorker, workers: 0 });
    expect(next.fitness).not.toEqual(inline.fitness);
  });

  it('common seeds give every member the same episodes', async () => {
    const r = await evaluatePopulation({ candidates, episodes: 2, seed: 1, commonSeeds: true, makeWorker, workers: 0 });
    for (const s of r.seeds) expect(s).toEqual(r.seeds[0]);
  });

  for (const mode of ['exit', 'throw'] as const) {
    it(`retries the jobs of a worker that ${mode === 'exit' ? 'exits mid-generation' : 'throws'}; no result is lost`, async () => {
      const markerDir = mkdtempSync(join(tmp, `${mode}-`));
      // Three jobs of the generation fail on their first attempt (for 'exit', their worker dies).
      const failSeeds = [episodeSeed(9, 0, 1, 0), episodeSeed(9, 0, 4, 1), episodeSeed(9, 0, 7, 1)];
      const pool = new EvaluationPool({ makeWorker: { module: failingModule, options: { markerDir, mode, failSeeds } }, workers: 2 });
      try {
        const r = await evaluatePopulation({ candidates, episodes: 2, seed: 9, pool });
        expect(readdirSync(markerDir).sort()).toEqual(failSeeds.map((s) => `seed-${s}`).sort());
        const reference = await evaluatePopulation({ candidates, episodes: 2, seed: 9, makeWorker, workers: 0 });
        const expected = reference.seeds.map((ss, m) => ss.map((s) => -sphere(candidates[m]!) + 0.1 * new Rng(s).normal()));
        expect(r.returns).toEqual(expected);
        expect(r.fitness.every(Number.isFinite)).toBe(true);
      } finally {
        await pool.close();
      }
    });
  }

  it('fails with a message naming the job when every attempt fails', async () => {
    await expect(
      evaluatePopulation({ candidates: candidates.slice(0, 1), seed: 1, makeWorker: { module: benchmarkModule, options: { function: 'nope' } }, workers: 1, maxAttempts: 2 }),
    ).rejects.toThrow(/generation 0 member 0 episode 0 \(seed \d+\) failed after 2 attempts: unknown benchmark function 'nope'/);
    await expect(evaluatePopulation({ candidates: [], seed: 1, makeWorker, workers: 0 })).rejects.toThrow(/non-empty array/);
    await expect(evaluatePopulation({ candidates, seed: 1, episodes: 0, makeWorker, workers: 0 })).rejects.toThrow(/episodes must be an integer ≥ 1/);
  });
});
