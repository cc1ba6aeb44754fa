import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { MDNRNN, outputLayout } from '@worldmodels/mdn-rnn';
import { beforeAll, describe, expect, it } from 'vitest';
import { carRacingActions, takeCoverActions } from '../controller/action-adapter.js';
import { ControllerLayout } from '../controller/controller-layout.js';
import { useTestBackend } from '../test-support/backend.js';
import { DreamEnv } from './dream-env.js';
import { initialLatents } from './initial-latents.js';

beforeAll(async () => {
  await useTestBackend();
});

/** Sets M's output layer so one head column is the constant `value` (zero weights, that bias). */
function constantHead(m: MDNRNN, column: number, value: number): void {
  const w = m.getWeights();
  const outW = w.output_w!.arraySync() as number[][];
  const outB = Array.from(w.output_b!.dataSync());
  for (const row of outW) row[column] = 0;
  outB[column] = value;
  const tensors = { ...w, output_w: tf.tensor2d(outW), output_b: tf.tensor1d(outB) };
  m.setWeights(tensors);
  tf.dispose([tensors.output_w, tensors.output_b]);
}

describe('DreamEnv with the real MDN-RNN', () => {
  const zSize = 4;
  const initial = initialLatents(new Float32Array(3 * zSize).fill(0.1), new Float32Array(3 * zSize).fill(-1), zSize);

  it("ends every episode when M's done head logit is positive, and not when it is negative", () => {
    const m = new MDNRNN({ zSize, actionSize: 1, hiddenSize: 8, mixtures: 2, doneHead: true, restartInput: true, seed: 1 });
    const layout = new ControllerLayout({ form: 'doom', zSize, hiddenSize: 8, outputs: 1 });
    const xs = [new Float32Array(layout.paramCount).fill(0.1), new Float32Array(layout.paramCount).fill(-0.1)];
    const done = outputLayout(m.config).done!;
    constantHead(m, done, 3); // logit 3 > 0: done after the first step
    const dream = new DreamEnv({ mdnrnn: m, initial, actions: takeCoverActions, temperature: 1.15, maxSteps: 30, reward: 'survival' });
    expect(Array.from(dream.rollout(layout, xs, 3, new Rng(1)).lengths)).toEqual([1, 1, 1, 1, 1, 1]);
    constantHead(m, done, -3); // never done: the frame cap
    expect(Array.from(dream.rollout(layout, xs, 3, new Rng(1)).lengths)).toEqual([30, 30, 30, 30, 30, 30]);
    m.dispose();
  });

  it("pays M's reward head each step", () => {
    const m = new MDNRNN({ zSize, actionSize: 3, hiddenSize: 8, mixtures: 2, rewardHead: true, seed: 2 });
    constantHead(m, outputLayout(m.config).reward!, 2.5);
    const layout = new ControllerLayout({ form: 'linear', zSize, hiddenSize: 8, outputs: 3 });
    const dream = new DreamEnv({ mdnrnn: m, initial, actions: carRacingActions, temperature: 1, maxSteps: 12, reward: 'head' });
    const before = tf.memory().numTensors;
    const r = dream.rollout(layout, [new Float32Array(layout.paramCount)], 2, new Rng(3));
    for (const ret of r.returns) expect(ret).toBeCloseTo(12 * 2.5, 4);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });
});
