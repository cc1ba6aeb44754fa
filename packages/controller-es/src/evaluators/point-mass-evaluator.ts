import { Rng } from '@worldmodels/core/rng';
import { LinearController } from '../controllers/linear-controller.js';
import type { Evaluator } from '../parallel/worker-spec.js';

export interface PointMassOptions {
  /** Steps per episode (default 50). */
  steps?: number;
  /** Time step (default 0.1). */
  dt?: number;
}

/** Parameters of the point-mass controller: a = tanh(w·[x, v] + b). */
export const POINT_MASS_PARAMS = 3;

/**
 * A small control task for tests and demos: a unit point mass on a line starts at rest at
 * x₀ ~ U(−1, 1) (from the episode seed) and is pushed by a force a = tanh(w·[x, v] + b) ∈ (−1, 1);
 * the return is −Σ_t x_t² · dt, so a good controller brings it to the origin and holds it there
 * (a damped spring: w ≈ (−k, −c)). Episodes are a pure function of (params, seed).
 */
export function createEvaluator(options: PointMassOptions = {}): Evaluator {
  const steps = options.steps ?? 50;
  const dt = options.dt ?? 0.1;
  const controller = new LinearController({ inputSize: 2, outputSize: 1, actionMap: 'identity' });
  const state = new Float64Array(2);
  return (params, seed) => {
    controller.setParams(params);
    let x = new Rng(seed).uniform(-1, 1);
    let v = 0;
    let ret = 0;
    for (let t = 0; t < steps; t++) {
      state[0] = x;
      state[1] = v;
      const force = controller.act(state)[0]!;
      v += force * dt;
      x += v * dt;
      ret -= x * x * dt;
    }
    return ret;
  };
}
