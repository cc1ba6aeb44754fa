import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../test-support/backend.js';
import { ControllerLayout } from './controller-layout.js';

beforeAll(async () => {
  await useTestBackend();
});

describe('ControllerLayout mlp form', () => {
  it('has in·H + H + H·A + A parameters on the doom input [z, c, h]', () => {
    // TakeCover at the paper's sizes, 16 hidden units: 1,088 · 16 + 16 + 16 + 1.
    const takeCover = new ControllerLayout({ form: 'mlp', zSize: 64, hiddenSize: 512, outputs: 1, hiddenUnits: 16 });
    expect(takeCover.inputSize).toBe(1088);
    expect(takeCover.paramCount).toBe(17_441);
    // CarRacing sizes, 40 units: 1,056 · 40 + 40 + 120 + 3.
    expect(new ControllerLayout({ form: 'mlp', zSize: 32, hiddenSize: 512, outputs: 3 }).paramCount).toBe(42_403);
    expect(() => new ControllerLayout({ form: 'mlp', zSize: 4, hiddenSize: 2, outputs: 1, hiddenUnits: 0 })).toThrow(/hiddenUnits must be a positive integer, got 0/);
  });

  it('computes tanh(W2·tanh(W1·[z, c, h] + b1) + b2) per member (hand-computed)', () => {
    // z 1, hidden 1 → input [z, c, h] of 3; 2 hidden units; 1 output.
    const layout = new ControllerLayout({ form: 'mlp', zSize: 1, hiddenSize: 1, outputs: 1, hiddenUnits: 2 });
    expect(layout.paramCount).toBe(3 * 2 + 2 + 2 + 1);
    const W1 = [
      [0.5, -1], // z
      [0.25, 0], // c
      [-0.5, 2], // h
    ];
    const b1 = [0.1, -0.2];
    const W2 = [1.5, -0.5];
    const b2 = 0.05;
    const member0 = [...W1.flat(), ...b1, ...W2, b2];
    const member1 = member0.map((v) => -v);
    const z = 0.8;
    const c = -1.2;
    const h = 0.3;
    const expected = (p: number[]) => {
      const hidden = [0, 1].map((k) => Math.tanh(z * p[k]! + c * p[2 + k]! + h * p[4 + k]! + p[6 + k]!));
      return Math.tanh(hidden[0]! * p[8]! + hidden[1]! * p[9]! + p[10]!);
    };
    const before = tf.memory().numTensors;
    const out = tf.tidy(() => {
      const input = layout.input(tf.tensor2d([[z]]), tf.tensor2d([[h]]), tf.tensor2d([[c]])); // [1, 3]: [z, c, h]
      expect(Array.from(input.dataSync())).toEqual([z, c, h].map(Math.fround));
      const x = tf.stack([input, input]) as tf.Tensor3D; // [2, 1, 3]
      return layout.forward(tf.tensor2d([member0, member1]), x).arraySync(); // [2, 1, 1]
    });
    expect(out[0]![0]![0]).toBeCloseTo(expected(member0), 5);
    expect(out[1]![0]![0]).toBeCloseTo(expected(member1), 5);
    expect(tf.memory().numTensors).toBe(before);
  });
});
