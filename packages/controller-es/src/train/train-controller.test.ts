import { existsSync, mkdtempSync, readFileSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CMAES } from '../es/cmaes.js';
import { OpenES } from '../es/open-es.js';
import { loadControllerFile } from '../controllers/controller-file.js';
import { createEvaluator, POINT_MASS_PARAMS } from '../evaluators/point-mass-evaluator.js';
import { evaluationSeed } from '../parallel/episode-seeds.js';
import { RUN_FILES, trainController, type GenerationRecord } from './train-controller.js';

const tmp = mkdtempSync(join(tmpdir(), 'wm-train-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const evaluator = { module: new URL('../evaluators/point-mass-evaluator.ts', import.meta.url) };

function metrics(dir: string): Omit<GenerationRecord, 'seconds'>[] {
  return readFileSync(join(dir, RUN_FILES.metrics), 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const { time: _t, seconds: _s, ...rest } = JSON.parse(l) as GenerationRecord & { time: string };
      return rest;
    });
}

describe('trainController', () => {
  const base = { generations: 8, episodesPerMember: 2, evalEvery: 3, evalEpisodes: 4, evaluator, seed: 3 };
  const makeEs = (): CMAES => new CMAES({ dim: POINT_MASS_PARAMS, sigma: 0.5, popSize: 8, seed: 1 });

  it('improves a controller, logs every generation, scores the mean on fixed seeds and keeps best.json', async () => {
    const runDir = join(tmp, 'full');
    const result = await trainController({ ...base, es: makeEs(), runDir, workers: 0 });
    expect(result.resumed).toBe(false);
    expect(result.es.generation).toBe(8);
    const lines = metrics(runDir);
    expect(lines.map((l) => l.generation)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(lines[7]!.episodes).toBe(8 * 8 * 2);
    for (const l of lines) {
      expect(l.fitness_min).toBeLessThanOrEqual(l.fitness_mean);
      expect(l.fitness_max).toBeGreaterThanOrEqual(l.fitness_mean);
      expect(l.fitness_std).toBeGreaterThanOrEqual(0);
      expect(l.sigma).toBeGreaterThan(0);
    }
    // Scored at generations 3, 6 and the last (8).
    expect(lines.filter((l) => l.eval_mean !== undefined).map((l) => l.generation)).toEqual([3, 6, 8]);
    const best = await loadControllerFile(join(runDir, RUN_FILES.best), POINT_MASS_PARAMS);
    expect(best.fitness).toBe(result.best!.score);
    expect(best.fitness).toBe(Math.max(...lines.filter((l) => l.eval_mean !== undefined).map((l) => l.eval_mean!)));
    // The stored score is the mean over the fixed evaluation seeds.
    const episode = createEvaluator();
    const rescored = [0, 1, 2, 3].map((e) => episode(best.params, evaluationSeed(3, e)) as number);
    expect(best.fitness).toBeCloseTo(rescored.reduce((a, b) => a + b) / 4, 10);
    // Training helps: the best evaluated mean beats the zero controller.
    const zero = [0, 1, 2, 3].map((e) => episode(new Float64Array(3), evaluationSeed(3, e)) as number);
    expect(best.fitness!).toBeGreaterThan(zero.reduce((a, b) => a + b) / 4);
    // A finished run is a no-op when started again.
    const again = await trainController({ ...base, es: makeEs(), runDir, workers: 0 });
    expect(again.resumed).toBe(true);
    expect(metrics(runDir)).toHaveLength(8);
  });

  it('resumes after a kill exactly as the uninterrupted run, with any worker count', async () => {
    const reference = join(tmp, 'reference');
    await trainController({ ...base, es: makeEs(), runDir: reference, workers: 0 });
    const runDir = join(tmp, 'killed');
    // "Kill" the run after generation 4 has been checkpointed (2 worker threads) …
    await expect(
      trainController({
        ...base,
        es: makeEs(),
        runDir,
        workers: 2,
        onGeneration: (r) => {
          if (r.generation === 4) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    expect(existsSync(join(runDir, RUN_FILES.done))).toBe(false);
    // … as if it had also logged generation 5 and died before its checkpoint, mid-line.
    appendFileSync(join(runDir, RUN_FILES.metrics), '{"generation":5,"episodes":80,"fitness_mean":-1}\n{"generation":6,"fitn');
    const resumed = await trainController({ ...base, es: makeEs(), runDir, workers: 0 });
    expect(resumed.resumed).toBe(true);
    expect(metrics(runDir)).toEqual(metrics(reference));
    expect(readFileSync(join(runDir, RUN_FILES.best), 'utf8')).toBe(readFileSync(join(reference, RUN_FILES.best), 'utf8'));
    const a = JSON.parse(readFileSync(join(runDir, RUN_FILES.checkpoint), 'utf8'));
    const b = JSON.parse(readFileSync(join(reference, RUN_FILES.checkpoint), 'utf8'));
    expect(a.es).toEqual(b.es);
    expect(a).toEqual(b);
  });

  it('refuses a checkpoint from another setup, and bad options', async () => {
    const runDir = join(tmp, 'setup');
    await trainController({ ...base, generations: 1, es: makeEs(), runDir, workers: 0 });
    await expect(trainController({ ...base, es: makeEs(), runDir, seed: 4, workers: 0 })).rejects.toThrow(/written with seed 3, not 4/);
    await expect(trainController({ ...base, es: new OpenES({ dim: 3, popSize: 8 }), runDir, workers: 0 })).rejects.toThrow(/holds a CMAES of dim 3, but the run was given a OpenES/);
    await expect(trainController({ ...base, es: makeEs(), runDir: join(tmp, 'x'), generations: -1, workers: 0 })).rejects.toThrow(/generations must be an integer ≥ 0/);
  });

  it('trains OpenES through the same loop', async () => {
    const runDir = join(tmp, 'openes');
    const es = new OpenES({ dim: POINT_MASS_PARAMS, popSize: 16, sigma: 0.3, learningRate: 0.1, seed: 2 });
    const result = await trainController({ ...base, generations: 12, evalEvery: 4, es, runDir, workers: 0 });
    const lines = metrics(runDir);
    expect(lines).toHaveLength(12);
    expect(lines[11]!.eval_mean!).toBeGreaterThan(lines[3]!.eval_mean! - 1e-9);
    expect(result.best).not.toBeNull();
  });
});
