import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { beforeAll, describe, expect, it } from 'vitest';
import { carRacingActions, takeCoverActions } from '../controller/action-adapter.js';
import { ControllerLayout } from '../controller/controller-layout.js';
import { useTestBackend } from '../test-support/backend.js';
import { ToyMemory } from '../test-support/toy-models.js';
import { DreamEnv } from './dream-env.js';
import { initialLatents } from './initial-latents.js';

beforeAll(async () => {
  await useTestBackend();
});

const zSize = 3;
const hiddenSize = 4;
const initial = initialLatents(Float32Array.from({ length: 5 * zSize }, (_, i) => Math.sin(i)), new Float32Array(5 * zSize).fill(-2), zSize);

function candidates(layout: ControllerLayout, n: number, seed: number): Float32Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => layout.randomParams(() => rng.normal(0, 0.5)));
}

describe('DreamEnv', () => {
  it('is deterministic under a seed and differs across seeds', () => {
    const mdnrnn = new ToyMemory({ zSize, actionSize: 3, hiddenSize, rewardScale: 1 });
    const dream = new DreamEnv({ mdnrnn, initial, actions: carRacingActions, temperature: 1.15, maxSteps: 20, reward: 'head' });
    const layout = new ControllerLayout({ form: 'linear', zSize, hiddenSize, outputs: 3 });
    const xs = candidates(layout, 4, 1);
    const before = tf.memory().numTensors;
    const a = dream.rollout(layout, xs, 3, new Rng(42));
    const b = dream.rollout(layout, xs, 3, new Rng(42));
    const c = dream.rollout(layout, xs, 3, new Rng(43));
    expect(tf.memory().numTensors).toBe(before);
    expect(a.returns).toHaveLength(12);
    expect(Array.from(a.returns)).toEqual(Array.from(b.returns));
    expect(Array.from(a.returns)).not.toEqual(Array.from(c.returns));
    expect(a.steps).toBe(12 * 20);
  });

  it('ends episodes when the done head logit turns positive, and counts survival', () => {
    const mdnrnn = new ToyMemory({ zSize, actionSize: 1, hiddenSize, doneAfter: 7 });
    const layout = new ControllerLayout({ form: 'doom', zSize, hiddenSize, outputs: 1 });
    const xs = candidates(layout, 2, 2);
    const withHead = new DreamEnv({ mdnrnn, initial, actions: takeCoverActions, temperature: 1, maxSteps: 50, reward: 'survival' });
    const r = withHead.rollout(layout, xs, 2, new Rng(1));
    expect(Array.from(r.lengths)).toEqual([7, 7, 7, 7]); // done logit = step − 7 + 0.5 > 0 on step 7
    expect(Array.from(r.returns)).toEqual([7, 7, 7, 7]); // one per step survived, the last included
    const withoutHead = new DreamEnv({ mdnrnn, initial, actions: takeCoverActions, temperature: 1, maxSteps: 12, reward: 'survival', useDoneHead: false });
    expect(Array.from(withoutHead.rollout(layout, xs, 2, new Rng(1)).lengths)).toEqual([12, 12, 12, 12]); // the frame cap
  });

  it("'sample' draws each step's end with M's probability, undoing the positive-example weight", () => {
    // p(done) = 0.05 after the weight w = 10 is undone: logit = log w + log(0.05 / 0.95) ≈ −0.64.
    const p = 0.05;
    const mdnrnn = new ToyMemory({ zSize, actionSize: 1, hiddenSize, doneLogit: Math.log(10) + Math.log(p / (1 - p)) });
    const layout = new ControllerLayout({ form: 'doom', zSize, hiddenSize, outputs: 1 });
    const xs = candidates(layout, 2, 3);
    const options = { mdnrnn, initial, actions: takeCoverActions, temperature: 1, maxSteps: 400, reward: 'survival' as const };
    const sampled = new DreamEnv({ ...options, done: 'sample', donePositiveWeight: 10 });
    const before = tf.memory().numTensors;
    const r = sampled.rollout(layout, xs, 1000, new Rng(7));
    expect(tf.memory().numTensors).toBe(before);
    // Lengths are geometric with mean 1/p = 20 (the death step counts); standard error ≈ 0.44 over 2,000 episodes.
    const mean = Array.from(r.lengths).reduce((a, b) => a + b) / r.lengths.length;
    expect(mean).toBeGreaterThan(18.5);
    expect(mean).toBeLessThan(21.5);
    expect(Math.min(...r.lengths)).toBe(1);
    expect(Array.from(r.returns)).toEqual(Array.from(r.lengths, Number)); // survival: one per step
    expect(Array.from(sampled.rollout(layout, xs, 1000, new Rng(7)).lengths)).toEqual(Array.from(r.lengths)); // seeded
    // Without the weight undone the hazard is σ(−0.64) ≈ 0.34: episodes end after ≈ 3 steps.
    const unweighted = Array.from(new DreamEnv({ ...options, done: 'sample' }).rollout(layout, xs, 1000, new Rng(7)).lengths);
    expect(unweighted.reduce((a, b) => a + b) / unweighted.length).toBeLessThan(3.5);
    // The reference's threshold never fires on a negative logit: every episode reaches the cap.
    expect(new Set(new DreamEnv(options).rollout(layout, xs, 4, new Rng(7)).lengths)).toEqual(new Set([400]));
  });

  it('gives episode e of every candidate the same random numbers under commonRandomNumbers', () => {
    const p = 0.05;
    const doneLogit = Math.log(10) + Math.log(p / (1 - p));
    // A real mixture (logmix of 0.999 / 0.001), σ e^-1, deaths drawn at 5% a step.
    const mdnrnn = new ToyMemory({ zSize, actionSize: 1, hiddenSize, doneLogit });
    const layout = new ControllerLayout({ form: 'doom', zSize, hiddenSize, outputs: 1 });
    const [x] = candidates(layout, 1, 4);
    const options = { mdnrnn, initial, actions: takeCoverActions, temperature: 1.15, maxSteps: 200, reward: 'survival' as const, done: 'sample' as const, donePositiveWeight: 10 };
    const common = new DreamEnv({ ...options, commonRandomNumbers: true });
    const before = tf.memory().numTensors;
    // Three copies of one controller: with common numbers every copy lives exactly as long in episode e.
    const E = 50;
    const r = common.rollout(layout, [x!, x!, x!], E, new Rng(9), { record: true });
    expect(tf.memory().numTensors).toBe(before);
    const member = (lengths: Int32Array, m: number) => Array.from(lengths.subarray(m * E, (m + 1) * E));
    expect(member(r.lengths, 1)).toEqual(member(r.lengths, 0));
    expect(member(r.lengths, 2)).toEqual(member(r.lengths, 0));
    expect(new Set(member(r.lengths, 0)).size).toBeGreaterThan(10); // but episodes differ from each other
    expect(Array.from(common.rollout(layout, [x!, x!, x!], E, new Rng(9)).lengths)).toEqual(Array.from(r.lengths)); // seeded
    // Without them the copies' luck differs.
    const own = new DreamEnv(options).rollout(layout, [x!, x!, x!], E, new Rng(9));
    expect(member(own.lengths, 1)).not.toEqual(member(own.lengths, 0));
    // The latents are shared too: with rewards from the head (continuous in C's outputs, so in z),
    // copies of one controller collect the very same return in episode e, to the last bit.
    const heads = new ToyMemory({ zSize, actionSize: 3, hiddenSize, rewardScale: 1 });
    const linear = new ControllerLayout({ form: 'linear', zSize, hiddenSize, outputs: 3 });
    const [y] = candidates(linear, 1, 5);
    const rewarded = { mdnrnn: heads, initial, actions: carRacingActions, temperature: 1.15, maxSteps: 30, reward: 'head' as const };
    const shared = new DreamEnv({ ...rewarded, commonRandomNumbers: true }).rollout(linear, [y!, y!], 4, new Rng(3)).returns;
    expect(Array.from(shared.subarray(4, 8))).toEqual(Array.from(shared.subarray(0, 4)));
    expect(new Set(shared.subarray(0, 4)).size).toBe(4);
    const apart = new DreamEnv(rewarded).rollout(linear, [y!, y!], 4, new Rng(3)).returns;
    expect(Array.from(apart.subarray(4, 8))).not.toEqual(Array.from(apart.subarray(0, 4)));
  });

  it('refuses an unknown done rule or a bad positive weight', () => {
    const mdnrnn = new ToyMemory({ zSize, actionSize: 1, hiddenSize, doneLogit: 0 });
    const options = { mdnrnn, initial, actions: takeCoverActions, temperature: 1, maxSteps: 10, reward: 'survival' as const };
    expect(() => new DreamEnv({ ...options, done: 'coin' as 'sample' })).toThrow(/done rule must be 'threshold' or 'sample', got coin/);
    expect(() => new DreamEnv({ ...options, done: 'sample', donePositiveWeight: 0 })).toThrow(/donePositiveWeight must be a positive number, got 0/);
  });

  it("sums M's reward head into each member's fitness with the member's own controller", () => {
    const mdnrnn = new ToyMemory({ zSize, actionSize: 3, hiddenSize, rewardScale: 1 });
    const dream = new DreamEnv({ mdnrnn, initial, actions: carRacingActions, temperature: 1, maxSteps: 10, reward: 'head' });
    const layout = new ControllerLayout({ form: 'linear', zSize, hiddenSize, outputs: 3 });
    // Constant controllers: zero weights, bias only. Reward = steer + gas + brake per step.
    const member = (steer: number, gas: number, brake: number) => {
      const p = new Float32Array(layout.paramCount);
      p.set([steer, gas, brake]);
      return p;
    };
    const xs = [member(0, 0, 0), member(1, 2, -1), member(-0.5, -3, 0.7)];
    const expected = xs.map((p) => {
      const a = [Math.tanh(p[0]!), Math.tanh(p[1]!), Math.tanh(p[2]!)];
      return 10 * (a[0]! + (a[1]! + 1) / 2 + Math.min(1, Math.max(0, a[2]!)));
    });
    const { fitness } = dream.fitness(layout, xs, 4, new Rng(5));
    fitness.forEach((f, i) => expect(f).toBeCloseTo(expected[i]!, 4));
  });

  it('needs a reward head for head rewards and checks its inputs', () => {
    const mdnrnn = new ToyMemory({ zSize, actionSize: 3, hiddenSize });
    const layout = new ControllerLayout({ form: 'linear', zSize, hiddenSize, outputs: 3 });
    const dream = new DreamEnv({ mdnrnn, initial, actions: carRacingActions, temperature: 1, maxSteps: 3, reward: 'head' });
    expect(() => dream.rollout(layout, candidates(layout, 1, 1), 1, new Rng(1))).toThrow(/reward head/);
    expect(() => new DreamEnv({ mdnrnn, initial, actions: carRacingActions, temperature: 0, maxSteps: 3, reward: 'head' })).toThrow(/temperature/);
    expect(() => new DreamEnv({ mdnrnn, initial, actions: takeCoverActions, temperature: 1, maxSteps: 3, reward: 'survival' })).toThrow(/width 3/);
    expect(() => dream.rollout(layout, [new Float32Array(3)], 1, new Rng(1))).toThrow(/needs 24/);
  });

  it('adds curiosity: weight × −log p(z_{t+1}) of the sampled next z', () => {
    const mdnrnn = new ToyMemory({ zSize, actionSize: 1, hiddenSize });
    const layout = new ControllerLayout({ form: 'vonly', zSize, hiddenSize, outputs: 1 });
    const xs = candidates(layout, 2, 3);
    const plain = new DreamEnv({ mdnrnn, initial, actions: takeCoverActions, temperature: 1, maxSteps: 5, reward: 'survival' });
    const curious = new DreamEnv({ mdnrnn, initial, actions: takeCoverActions, temperature: 1, maxSteps: 5, reward: 'survival', curiosityWeight: 0.5 });
    const p = plain.rollout(layout, xs, 2, new Rng(9));
    const q = curious.rollout(layout, xs, 2, new Rng(9));
    expect(Array.from(p.returns)).toEqual([5, 5, 5, 5]);
    // Same samples (same seed); surprise of N(mean, e^-2)·√1 draws is finite and varies by episode.
    for (const r of q.returns) expect(Number.isFinite(r) && r !== 5).toBe(true);
    expect(new Set(Array.from(q.returns)).size).toBe(4);
  });
});
