import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { preprocessImages } from '../likelihood.js';
import { useTestBackend } from '../test-support/backend.js';
import { perturb } from '../test-support/jacobian.js';
import type { FlowModel } from './flow-model.js';
import { buildGlow } from './glow.js';
import { buildRealNVP } from './realnvp.js';

beforeAll(async () => {
  await useTestBackend();
});

const tiny = { imageShape: [4, 4, 3] as [number, number, number], levels: 2, width: 8 };
const images = (n: number, seed: number) => tf.randomUniform([n, 4, 4, 3], 0, 256, 'int32', seed) as tf.Tensor4D;

/** Initialise from data, then move every parameter off its identity initialisation. */
function generic(model: FlowModel, seed: number): FlowModel {
  tf.tidy(() => {
    const d = model.config.condDim;
    model.initialize(images(4, seed), d ? { cond: tf.randomNormal([4, d], 0, 1, 'float32', seed) as tf.Tensor2D } : {});
  });
  perturb(model.trainableVariables(), 0.05, seed);
  return model;
}

const MODELS: { name: string; make: () => FlowModel; condDim?: number }[] = [
  { name: 'Glow affine (sigmoid), LU 1×1 conv', make: () => buildGlow({ ...tiny, steps: 2 }) },
  { name: 'Glow additive, shuffle', make: () => buildGlow({ ...tiny, steps: 2, coupling: 'additive', permutation: 'shuffle' }) },
  { name: 'Glow reverse permutation, shared across the flow', make: () => buildGlow({ ...tiny, steps: 2, permutation: 'reverse', share: 'flow' }) },
  { name: 'Glow conditional, shared per level', make: () => buildGlow({ ...tiny, steps: 2, condDim: 3, share: 'level' }), condDim: 3 },
  { name: 'RealNVP affine (tanh)', make: () => buildRealNVP({ imageShape: [4, 4, 3], levels: 2, width: 8 }) },
  { name: 'RealNVP additive, shared, conditional', make: () => buildRealNVP({ imageShape: [4, 4, 3], levels: 2, width: 8, coupling: 'additive', share: 'flow', condDim: 2 }), condDim: 2 },
];

describe.each(MODELS)('$name', ({ make, condDim }) => {
  it('inverts: x → z → x to 1e-4, encode/decode returns the images, and nothing leaks', () => {
    const model = generic(make(), 3);
    const before = tf.memory().numTensors;
    for (let rep = 0; rep < 2; rep++) {
      tf.tidy(() => {
        const cond = condDim ? (tf.randomNormal([2, condDim], 0, 1, 'float32', 5) as tf.Tensor2D) : undefined;
        const opts = cond ? { cond } : {};
        const imgs = images(2, 9);
        const x = preprocessImages(imgs, model.config.nBits, 4);
        const { latents, logdet } = model.forward(x, opts);
        expect(latents).toHaveLength(model.splitShapes.length + 1);
        expect(logdet.shape).toEqual([2]);
        const back = model.reverse(latents, opts);
        expect(tf.max(tf.abs(tf.sub(back, x))).dataSync()[0]).toBeLessThan(1e-4);
        expect(model.decode(model.encode(imgs, opts), opts).arraySync()).toEqual(imgs.arraySync());
        const s = model.sample(2, { ...opts, temperature: 0.7, seed: 1 });
        expect(s.shape).toEqual([2, 4, 4, 3]);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('parameter counts', () => {
  // Glow on 4×4×3, L = 2, K = 2, width 8, affine coupling, LU 1×1 conv:
  // level 0 works on 2×2×12, level 1 (after the split keeps 6 and squeezes) on 1×1×24.
  const actnorm = (c: number) => 2 * c;
  const invconv = (c: number) => 3 * c * c + 2 * c; // lower, upper, P (fixed), log|s|, sign(s) (fixed)
  const net = (cin: number, cout: number, w = 8) => 9 * cin * w + w + w * w + w + 9 * w * cout + cout;
  const split = (keep: number, out: number) => 9 * keep * 2 * out + 2 * out;
  const steps0 = 2 * (actnorm(12) + invconv(12));
  const steps1 = 2 * (actnorm(24) + invconv(24));
  const rest = split(6, 6) + 2 * 24; // split prior + top prior (mean and log σ of 1×1×24)

  it('unshared: one coupling network per step', () => {
    const m = buildGlow({ ...tiny, steps: 2 });
    expect(m.parameterCount()).toBe(steps0 + steps1 + rest + 2 * net(6, 12) + 2 * net(12, 24));
    expect(m.parameterCount()).toBe(13484);
    expect(m.trainableParameterCount()).toBe(13484 - 2 * (144 + 12) - 2 * (576 + 24)); // minus P and sign(s)
    m.dispose();
  });

  it('shared per level: one network per level', () => {
    const m = buildGlow({ ...tiny, steps: 2, share: 'level' });
    expect(m.parameterCount()).toBe(steps0 + steps1 + rest + net(6, 12) + net(12, 24));
    m.dispose();
  });

  it('shared across the flow: one network sized for the widest level', () => {
    const m = buildGlow({ ...tiny, steps: 2, share: 'flow' });
    expect(m.parameterCount()).toBe(steps0 + steps1 + rest + net(12, 24));
    m.dispose();
  });
});

describe('sampling', () => {
  it('is seeded, and temperature 0 gives the same image whatever the seed', () => {
    const model = generic(buildGlow({ ...tiny, steps: 2 }), 7);
    tf.tidy(() => {
      const a = model.sample(3, { seed: 1 }).arraySync();
      expect(model.sample(3, { seed: 1 }).arraySync()).toEqual(a);
      expect(model.sample(3, { seed: 2 }).arraySync()).not.toEqual(a);
      expect(model.sample(1, { seed: 1, temperature: 0 }).arraySync()).toEqual(model.sample(1, { seed: 2, temperature: 0 }).arraySync());
      // Higher temperature spreads the samples further from the mode.
      const spread = (t: number) => tf.moments(tf.cast(model.sample(16, { seed: 3, temperature: t }), 'float32')).variance.dataSync()[0]!;
      expect(spread(1)).toBeGreaterThan(spread(0.3));
    });
    model.dispose();
  });

  it('a conditional flow asks for its conditioning vector', () => {
    const model = buildGlow({ ...tiny, steps: 1, condDim: 3 });
    expect(() => model.sample(2)).toThrow(/conditional: pass cond of shape \[2, 3\]/);
    expect(() => tf.tidy(() => model.bitsPerDim(images(2, 1), { cond: tf.zeros([2, 4]) as tf.Tensor2D }))).toThrow(/cond must have shape \[2, 3\]/);
    model.dispose();
  });

  it('bad configs name the problem', () => {
    expect(() => buildGlow({ imageShape: [6, 6, 3], levels: 2, steps: 1, width: 4 })).toThrow(/divisible by 2\^2 = 4/);
    expect(() => buildGlow({ ...tiny, steps: 0 })).toThrow(/steps must be a positive integer/);
    expect(() => buildGlow({ ...tiny, steps: 1, nBits: 9 })).toThrow(/nBits/);
  });
});
