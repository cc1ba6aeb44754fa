import { make } from '@worldmodels/envs';
import { LinearController } from '../controllers/linear-controller.js';
import type { Evaluator } from '../parallel/worker-spec.js';
import { PIXEL_FEATURES, pixelFeatures } from './carracing-features.js';

export interface CarRacingEvaluatorOptions {
  /** Episode length cap (gym's CarRacing-v0: 1000). */
  maxEpisodeSteps?: number;
}

/**
 * Worker module: scores a linear pixel controller (see {@link pixelFeatures}; 435 parameters in
 * the reference layout, CarRacing action mapping) on the real CarRacing-v0 of @worldmodels/envs.
 * The return of one episode, reset with the given seed, is the fitness. Each worker owns one env.
 */
export function createEvaluator(options: CarRacingEvaluatorOptions = {}): Evaluator {
  const env = make('CarRacing-v0', { maxEpisodeSteps: options.maxEpisodeSteps ?? 1000 });
  const controller = new LinearController({ inputSize: PIXEL_FEATURES, outputSize: 3, actionMap: 'carracing' });
  const features = new Float64Array(PIXEL_FEATURES);
  const action = new Float32Array(3);
  return (params, seed) => {
    controller.setParams(params);
    let { observation } = env.reset({ seed });
    let total = 0;
    for (;;) {
      const a = controller.act(pixelFeatures(observation as Uint8Array, features));
      action[0] = a[0]!;
      action[1] = a[1]!;
      action[2] = a[2]!;
      const step = env.step(action);
      total += step.reward;
      observation = step.observation;
      if (step.terminated || step.truncated) return total;
    }
  };
}
