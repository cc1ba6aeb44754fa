import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { beforeAll, describe, expect, it } from 'vitest';
import { carRacingActions, takeCoverActions } from '../controller/action-adapter.js';
import { ControllerLayout } from '../controller/controller-layout.js';
import { useTestBackend } from '../test-support/backend.js';
import { ToyMemory, ToyVision } from '../test-support/toy-models.js';
import { WorldModelAgent } from './world-model-agent.js';

beforeAll(async () => {
  await useTestBackend();
});

/** A frame whose every byte is v: its mean in [0, 1] is v/255. */
const flat = (v: number) => new Uint8Array(64 * 64 * 3).fill(v);

describe('WorldModelAgent', () => {
  it('acts on [z, h] with h before the LSTM step, then steps M with the processed action (hand-computed)', () => {
    const zSize = 2;
    const hiddenSize = 2;
    const layout = new ControllerLayout({ form: 'linear', zSize, hiddenSize, outputs: 3 });
    expect(layout.paramCount).toBe(3 + 4 * 3);
    // params = b (3), then W row-major [4 inputs (z0, z1, h0, h1), 3 outputs].
    const b = [0.1, -0.2, 0.3];
    const W = [
      [0.5, 0.2, -0.4], // z0
      [-0.3, 0.1, 0.6], // z1
      [0.05, -0.1, 0.2], // h0
      [0.02, 0.03, -0.05], // h1
    ];
    const params = [...b, ...W.flat()];
    const before = tf.memory().numTensors;
    const agent = new WorldModelAgent({
      vae: new ToyVision({ zSize }),
      mdnrnn: new ToyMemory({ zSize, actionSize: 3, hiddenSize }),
      layout,
      params,
      actions: carRacingActions,
      rng: new Rng(3),
    });

    // By hand. ToyVision: z = [m, 2m] with m the frame mean; ToyMemory: h' = 0.5h + Σz + 2Σa.
    const controller = (z: number[], h: number[]) => {
      const x = [...z, ...h];
      return [0, 1, 2].map((k) => Math.tanh(b[k]! + x.reduce((s, xi, i) => s + xi * W[i]![k]!, 0)));
    };
    const process = (a: number[]) => [a[0]!, (a[1]! + 1) / 2, Math.min(1, Math.max(0, a[2]!))];
    let h = [0, 0];
    for (const v of [51, 204, 102]) {
      const m = v / 255;
      const z = [m, 2 * m];
      const a = controller(z, h); // h before M's step
      const envAction = process(a);
      const step = agent.act(flat(v));
      expect(Array.from(step.z)).toEqual([expect.closeTo(z[0]!, 5), expect.closeTo(z[1]!, 5)]);
      expect(Array.from(step.output).map((x) => Number(x.toFixed(5)))).toEqual(a.map((x) => Number(x.toFixed(5))));
      expect(Array.from(step.action as Float32Array).map((x) => Number(x.toFixed(5)))).toEqual(envAction.map((x) => Number(x.toFixed(5))));
      // M stepped with (z, processed action): 2Σa uses the processed action, not the raw one.
      const drive = z[0]! + z[1]! + 2 * (envAction[0]! + envAction[1]! + envAction[2]!);
      h = h.map((hi) => 0.5 * hi + drive);
      expect(Array.from(agent.hidden()).map((x) => Number(x.toFixed(4)))).toEqual(h.map((x) => Number(x.toFixed(4))));
    }
    agent.reset();
    expect(Array.from(agent.hidden())).toEqual([0, 0]);
    agent.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('feeds the doom form [z, c, h] and thresholds its single output into LEFT/STAY/RIGHT', () => {
    const zSize = 1;
    const hiddenSize = 1;
    const layout = new ControllerLayout({ form: 'doom', zSize, hiddenSize, outputs: 1 });
    expect(layout.paramCount).toBe(3);
    const params = [1.0, -2.0, 0.5]; // weights of z, c, h; no bias
    const agent = new WorldModelAgent({
      vae: new ToyVision({ zSize }),
      mdnrnn: new ToyMemory({ zSize, actionSize: 1, hiddenSize }),
      layout,
      params,
      actions: takeCoverActions,
      rng: new Rng(1),
    });
    let h = 0;
    let c = 0;
    const moves: number[] = [];
    const expected: number[] = [];
    for (const v of [255, 255, 0, 128]) {
      const z = v / 255;
      const y = Math.tanh(params[0]! * z + params[1]! * c + params[2]! * h);
      const move = y < -1 / 3 ? 0 : y > 1 / 3 ? 2 : 1;
      expected.push(move);
      moves.push(agent.act(flat(v)).action as number);
      h = 0.5 * h + z + 2 * move; // M gets the move's index 0/1/2
      c = c + 1;
    }
    expect(moves).toEqual(expected);
    expect(new Set(moves).size).toBeGreaterThan(1);
    agent.dispose();
  });

  it('takes a forced (exploration) action instead of C\'s and steps M with it', () => {
    const layout = new ControllerLayout({ form: 'doom', zSize: 1, hiddenSize: 1, outputs: 1 });
    const params = [1.0, -2.0, 0.5];
    const agent = new WorldModelAgent({ vae: new ToyVision({ zSize: 1 }), mdnrnn: new ToyMemory({ zSize: 1, actionSize: 1, hiddenSize: 1 }), layout, params, actions: takeCoverActions, rng: new Rng(1) });
    const before = tf.memory().numTensors;
    let h = 0;
    let c = 0;
    const forced = [0, undefined, 2, 0];
    for (const [t, v] of [255, 255, 0, 128].entries()) {
      const z = v / 255;
      const own = Math.tanh(params[0]! * z + params[1]! * c + params[2]! * h);
      const move = forced[t] ?? (own < -1 / 3 ? 0 : own > 1 / 3 ? 2 : 1);
      const step = agent.act(flat(v), forced[t]);
      expect(step.action).toBe(move);
      expect(step.output[0]).toBeCloseTo(own, 5); // C's own output is still reported
      h = 0.5 * h + z + 2 * move; // M got the action taken
      c = c + 1;
      expect(agent.hidden()[0]).toBeCloseTo(h, 4);
    }
    expect(tf.memory().numTensors).toBe(before);
    agent.dispose();
  });

  it('samples z from V (seeded) unless useMean feeds it μ', () => {
    const layout = new ControllerLayout({ form: 'doom', zSize: 3, hiddenSize: 1, outputs: 1 });
    const make = (useMean: boolean, seed: number) =>
      new WorldModelAgent({
        vae: new ToyVision({ zSize: 3, logvar: 0 }), // σ = 1: a sample is far from μ
        mdnrnn: new ToyMemory({ zSize: 3, actionSize: 1, hiddenSize: 1 }),
        layout,
        params: [0.1, 0.2, 0.3, 0.4, 0.5],
        actions: takeCoverActions,
        rng: new Rng(seed),
        useMean,
      });
    const before = tf.memory().numTensors;
    const mu = [1, 2, 3].map((d) => Math.fround(d * (128 / 255))); // ToyVision: μ_d = (d + 1) · mean(x)
    const [mean, sampled, same, other] = [make(true, 1), make(false, 1), make(false, 1), make(false, 2)];
    const zOf = (agent: WorldModelAgent) => Array.from(agent.act(flat(128)).z);
    zOf(mean).forEach((v, d) => expect(v).toBeCloseTo(mu[d]!, 6));
    const z = zOf(sampled);
    expect(z.some((v, d) => Math.abs(v - mu[d]!) > 0.05)).toBe(true);
    expect(zOf(same)).toEqual(z);
    expect(zOf(other)).not.toEqual(z);
    for (const agent of [mean, sampled, same, other]) agent.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects frames of the wrong size and mismatched models', () => {
    const layout = new ControllerLayout({ form: 'linear', zSize: 2, hiddenSize: 2, outputs: 3 });
    const agent = new WorldModelAgent({
      vae: new ToyVision({ zSize: 2 }),
      mdnrnn: new ToyMemory({ zSize: 2, actionSize: 3, hiddenSize: 2 }),
      layout,
      params: new Float32Array(layout.paramCount),
      actions: carRacingActions,
      rng: new Rng(1),
    });
    expect(() => agent.act(new Uint8Array(96 * 96 * 3))).toThrow(/64×64×3/);
    agent.dispose();
    expect(() => new WorldModelAgent({ vae: new ToyVision({ zSize: 3 }), mdnrnn: new ToyMemory({ zSize: 2, actionSize: 3, hiddenSize: 2 }), layout, params: new Float32Array(15), actions: carRacingActions, rng: new Rng(1) })).toThrow(/z size/);
    expect(() => new WorldModelAgent({ vae: new ToyVision({ zSize: 2 }), mdnrnn: new ToyMemory({ zSize: 2, actionSize: 3, hiddenSize: 2 }), layout, params: new Float32Array(14), actions: carRacingActions, rng: new Rng(1) })).toThrow(/15 parameters/);
  });

  it('reports the surprise −log p(z_t | M at t−1) when curiosity is on', () => {
    const layout = new ControllerLayout({ form: 'vonly', zSize: 1, hiddenSize: 1, outputs: 1 });
    const agent = new WorldModelAgent({
      vae: new ToyVision({ zSize: 1 }),
      mdnrnn: new ToyMemory({ zSize: 1, actionSize: 1, hiddenSize: 1 }),
      layout,
      params: [0, 0],
      actions: takeCoverActions,
      rng: new Rng(1),
      curiosity: true,
    });
    expect(agent.act(flat(0)).surprise).toBe(0);
    // ToyMemory predicted z ~ 0.999·N(0 + 0.1, e^-2) + 0.001·N(0.1, e^-2); the next z is 1.0.
    const s = agent.act(flat(255)).surprise;
    const sd = Math.exp(-1);
    const density = (0.999 + 0.001) * Math.exp(-0.5 * ((1 - 0.1) / sd) ** 2) / (sd * Math.sqrt(2 * Math.PI));
    expect(s).toBeCloseTo(-Math.log(density), 3);
    agent.dispose();
  });
});
