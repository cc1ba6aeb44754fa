import * as tf from '@tensorflow/tfjs-core';
import { TakeCoverEnv } from '@worldmodels/envs';
import { beforeAll, describe, expect, it } from 'vitest';
import { carRacingActions, takeCoverActions } from '../controller/action-adapter.js';
import { ControllerLayout } from '../controller/controller-layout.js';
import { useTestBackend } from '../test-support/backend.js';
import { ToyMemory } from '../test-support/toy-models.js';
import { DreamEnv } from './dream-env.js';
import { fixedActionCalibration, fixedActionParams } from './fixed-action-calibration.js';
import { initialLatents } from './initial-latents.js';

beforeAll(async () => {
  await useTestBackend();
});

const zSize = 2;
const hiddenSize = 3;
const initial = initialLatents(Float32Array.from([0.1, -0.2, 0.3, 0.4]), new Float32Array(4).fill(-2), zSize);

describe('fixedActionCalibration', () => {
  it('fixedActionParams: a linear controller whose output is the given action whatever it sees', () => {
    const layout = new ControllerLayout({ form: 'linear', zSize, hiddenSize, outputs: 3 });
    const params = fixedActionParams(layout, [-1, 1, 0]);
    const out = tf.tidy(() => {
      const input = tf.randomNormal([1, 4, zSize + hiddenSize], 0, 3, 'float32', 1) as tf.Tensor3D; // [P, B, in]
      return layout.forward(tf.tensor2d(params, [1, layout.paramCount]), input).arraySync() as number[][][];
    });
    for (const row of out[0]!) expect(row.map((v) => Number(v.toFixed(3)))).toEqual([-0.999, 0.999, 0]);
    expect(() => fixedActionParams(new ControllerLayout({ form: 'doom', zSize, hiddenSize, outputs: 1 }), [0])).toThrow(/linear layout/);
  });

  it('TakeCover: scores each held move in the dream and in the real env on the same seeds', () => {
    const dream = new DreamEnv({ mdnrnn: new ToyMemory({ zSize, actionSize: 1, hiddenSize, doneAfter: 7 }), initial, actions: takeCoverActions, temperature: 1, maxSteps: 50, reward: 'survival' });
    const before = tf.memory().numTensors;
    const rows = fixedActionCalibration({ kind: 'takecover', dream, zSize, hiddenSize, episodes: 2, seed: 40 });
    expect(tf.memory().numTensors).toBe(before);
    expect(rows.map((r) => r.action)).toEqual(['LEFT', 'STAY', 'RIGHT']);
    for (const r of rows) expect(r.dream).toEqual({ mean: 7, std: 0 }); // the toy M ends every episode after 7 steps
    // The real side: the same as playing the env by hand with that move.
    const byHand = [40, 41].map((seed) => {
      const env = new TakeCoverEnv();
      env.reset({ seed });
      let t = 0;
      for (;;) {
        t++;
        const s = env.step(1);
        if (s.terminated || s.truncated) break;
      }
      return t;
    });
    const mean = (byHand[0]! + byHand[1]!) / 2;
    expect(rows[1]!.real.mean).toBe(mean);
    expect(rows[1]!.real.mean).toBeLessThan(150); // standing still is hit by every aimed fireball
  });

  it('CarRacing: the dream reward follows the held action (toy M rewards the sum of the action)', () => {
    const dream = new DreamEnv({ mdnrnn: new ToyMemory({ zSize, actionSize: 3, hiddenSize, rewardScale: 1 }), initial, actions: carRacingActions, temperature: 1, maxSteps: 5, reward: 'head' });
    const rows = fixedActionCalibration({ kind: 'carracing', dream, zSize, hiddenSize, episodes: 1, seed: 3, maxSteps: 5 });
    const dreamOf = Object.fromEntries(rows.map((r) => [r.action, r.dream.mean]));
    // M's action [steer, (gas + 1) / 2, clip(brake, 0, 1)] summed over 5 steps.
    expect(dreamOf.gas).toBeCloseTo(5 * 0.9995, 3);
    expect(dreamOf['right + gas']).toBeCloseTo(5 * (0.999 + 0.9995), 3);
    expect(dreamOf['left + gas']).toBeCloseTo(5 * (-0.999 + 0.9995), 3);
    expect(dreamOf.coast).toBeCloseTo(5 * 0.0005, 3);
    for (const r of rows) expect(Number.isFinite(r.real.mean)).toBe(true);
  });
});
