import { describe, expect, it } from 'vitest';
import { make } from '@worldmodels/envs';
import { Rng } from '@worldmodels/core/rng';
import { createEvaluator } from './carracing-evaluator.js';
import { PIXEL_CONTROLLER_PARAMS, PIXEL_FEATURES, pixelFeatures } from './carracing-features.js';
import { carRacingEvaluatorModule } from './carracing-modules.js';
import { evaluatePopulation } from '../parallel/evaluate-population.js';

describe('CarRacing evaluator', () => {
  it('averages 7×7 blocks of the top 84 rows into 144 grey features in [−0.5, 0.5]', () => {
    const frame = new Uint8Array(96 * 96 * 3);
    for (let y = 0; y < 7; y++) for (let x = 7; x < 14; x++) frame.fill(255, (y * 96 + x) * 3, (y * 96 + x) * 3 + 3);
    frame.fill(255, 90 * 96 * 3); // the indicator bar rows are ignored
    const f = pixelFeatures(frame);
    expect(f).toHaveLength(PIXEL_FEATURES);
    expect(f[1]).toBeCloseTo(0.5, 12);
    expect(f[0]).toBeCloseTo(-0.5, 12);
    expect(Math.max(...Array.from(f).slice(2))).toBeCloseTo(-0.5, 12);
    expect(PIXEL_CONTROLLER_PARAMS).toBe(435);
    expect(() => pixelFeatures(new Uint8Array(10))).toThrow(/96×96×3 frame/);
  });

  it('scores a controller by the return of one real CarRacing-v0 episode, reproducibly per seed', async () => {
    const evaluate = createEvaluator({ maxEpisodeSteps: 40 });
    const params = new Rng(1).fillNormal(new Float64Array(PIXEL_CONTROLLER_PARAMS), 0, 0.1);
    const a = await evaluate(params, 7);
    expect(await evaluate(params, 7)).toBe(a);
    // The same return as driving the env by hand with the same actions.
    const env = make('CarRacing-v0', { maxEpisodeSteps: 40 });
    const { LinearController } = await import('../controllers/linear-controller.js');
    const c = new LinearController({ inputSize: PIXEL_FEATURES, outputSize: 3 });
    c.setParams(params);
    let obs = env.reset({ seed: 7 }).observation as Uint8Array;
    let total = 0;
    for (let t = 0; t < 40; t++) {
      const s = env.step(Float32Array.from(c.act(pixelFeatures(obs))));
      total += s.reward;
      obs = s.observation as Uint8Array;
      if (s.terminated || s.truncated) break;
    }
    expect(a).toBeCloseTo(total, 10);
  });

  it('runs on worker threads from its module path', async () => {
    const candidates = [new Float64Array(PIXEL_CONTROLLER_PARAMS), new Rng(2).fillNormal(new Float64Array(PIXEL_CONTROLLER_PARAMS), 0, 0.1)];
    const makeWorker = { module: carRacingEvaluatorModule(), options: { maxEpisodeSteps: 25 } };
    const threads = await evaluatePopulation({ candidates, seed: 3, workers: 1, makeWorker });
    const inline = await evaluatePopulation({ candidates, seed: 3, workers: 0, makeWorker });
    expect(threads).toEqual(inline);
  });
});
