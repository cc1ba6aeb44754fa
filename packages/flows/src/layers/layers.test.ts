import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { beforeAll, describe, expect, it } from 'vitest';
import { logAbsDet, matrix } from '../linalg/lu.js';
import { ParamStore } from '../params.js';
import { useTestBackend } from '../test-support/backend.js';
import { bruteForceLogAbsDet, flatForward, perturb } from '../test-support/jacobian.js';
import { ActNorm } from './actnorm.js';
import { Coupling, type CouplingKind, type MaskKind } from './coupling.js';
import { CouplingNet } from './coupling-net.js';
import type { FlowContext, FlowLayer } from './flow-layer.js';
import { InvertibleConv1x1 } from './invertible-conv.js';
import { ChannelPermutation } from './permutation.js';
import { Split } from './split.js';
import { Squeeze, squeeze2d, unsqueeze2d } from './squeeze.js';
import { TopPrior } from './top-prior.js';

beforeAll(async () => {
  await useTestBackend();
});

interface Case {
  name: string;
  /** Builds the layer for inputs of shape [B, 2, 2, 4] ([B, 4, 4, 1] for squeeze). */
  make: (params: ParamStore) => FlowLayer;
  shape: [number, number, number];
  condDim?: number;
}

const C = 4;
function couplingCase(kind: CouplingKind, mask: MaskKind, parity: 0 | 1, condDim = 0): Case {
  return {
    name: `coupling ${kind} ${mask} parity ${parity}${condDim ? ' conditional' : ''}`,
    shape: [2, 2, C],
    condDim,
    make: (params) => {
      const cin = mask === 'channel' ? C / 2 : C;
      const cout = (mask === 'channel' ? C / 2 : C) * (kind === 'additive' ? 1 : 2);
      const net = new CouplingNet('net', { inChannels: cin, outChannels: cout, width: 6, condDim }, params);
      return new Coupling('coupling', { channels: C, kind, mask, parity, net }, params);
    },
  };
}

const CASES: Case[] = [
  { name: 'actnorm', shape: [2, 2, C], make: (p) => new ActNorm('actnorm', C, p) },
  { name: 'invertible 1×1 conv (LU)', shape: [2, 2, C], make: (p) => new InvertibleConv1x1('invconv', C, p) },
  { name: 'reverse permutation', shape: [2, 2, C], make: () => new ChannelPermutation('reverse', C, 'reverse') },
  { name: 'shuffle permutation', shape: [2, 2, C], make: (p) => new ChannelPermutation('shuffle', C, 'shuffle', p.rng) },
  { name: 'squeeze', shape: [4, 4, 1], make: () => new Squeeze('squeeze') },
  { name: 'split with learned prior', shape: [2, 2, C], make: (p) => new Split('split', C, p) },
  { name: 'split conditional', shape: [2, 2, C], condDim: 3, make: (p) => new Split('split', C, p, 3) },
  { name: 'top prior conditional', shape: [2, 2, C], condDim: 3, make: (p) => new TopPrior('top', [2, 2, C], p, 3) },
  ...(['additive', 'affine-sigmoid', 'affine-tanh'] as const).flatMap((k) => [
    couplingCase(k, 'channel', 0),
    couplingCase(k, 'channel', 1),
    couplingCase(k, 'checkerboard', 0),
    couplingCase(k, 'checkerboard', 1),
  ]),
  couplingCase('affine-sigmoid', 'channel', 0, 3),
  couplingCase('affine-tanh', 'checkerboard', 1, 3),
];

function setup(c: Case, seed: number) {
  const params = new ParamStore(new Rng(seed));
  const layer = c.make(params);
  // Identity-initialised layers (zero convs, zero priors) would make the tests trivial.
  perturb(params.trainable(), 0.3, seed * 100);
  return { params, layer };
}

describe.each(CASES)('$name', (c) => {
  it('inverts: x → y → x to 1e-4, and the reverse log-det cancels the forward one', () => {
    const { params, layer } = setup(c, 1);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.randomNormal([3, ...c.shape], 0, 1, 'float32', 7) as tf.Tensor4D;
      const cond = c.condDim ? (tf.randomNormal([3, c.condDim], 0, 1, 'float32', 8) as tf.Tensor2D) : undefined;
      const ctx: FlowContext = { latents: [], ...(cond && { cond }) };
      const fwd = layer.apply(x, tf.zeros([3]), false, ctx);
      expect(fwd.y.shape[0]).toBe(3);
      const back = layer.apply(fwd.y, fwd.logdet, true, ctx);
      expect(back.y.shape).toEqual(x.shape);
      expect(tf.max(tf.abs(tf.sub(back.y, x))).dataSync()[0]).toBeLessThan(1e-4);
      expect(tf.max(tf.abs(back.logdet)).dataSync()[0]).toBeLessThan(1e-4);
      expect(ctx.latents).toHaveLength(0);
    });
    expect(tf.memory().numTensors).toBe(before);
    params.dispose();
  });

  it('log-det equals the brute-force log|det J| of its Jacobian', () => {
    const { params, layer } = setup(c, 2);
    tf.tidy(() => {
      const x = tf.randomNormal([1, ...c.shape], 0, 1, 'float32', 11) as tf.Tensor4D;
      const cond = c.condDim ? (tf.randomNormal([1, c.condDim], 0, 1, 'float32', 12) as tf.Tensor2D) : undefined;
      const { logdet } = layer.apply(x, tf.zeros([1]), false, { latents: [], ...(cond && { cond }) });
      const expected = bruteForceLogAbsDet((xx) => flatForward(layer, xx, cond), x);
      const got = logdet.dataSync()[0]!;
      expect(Math.abs(got - expected)).toBeLessThan(1e-3 * Math.max(1, Math.abs(expected)));
    });
    params.dispose();
  });
});

describe('actnorm data-dependent init', () => {
  it('gives the initialising batch zero mean and unit variance per channel', () => {
    const params = new ParamStore(new Rng(0));
    const layer = new ActNorm('actnorm', 3, params);
    tf.tidy(() => {
      const x = tf.add(tf.mul(tf.randomNormal([8, 4, 4, 3], 0, 1, 'float32', 3), tf.tensor1d([2, 0.5, 7])), tf.tensor1d([3, -1, 10])) as tf.Tensor4D;
      const { y } = layer.apply(x, tf.zeros([8]), false, { latents: [], init: true });
      const { mean, variance } = tf.moments(y, [0, 1, 2]);
      for (const m of mean.dataSync()) expect(Math.abs(m)).toBeLessThan(1e-4);
      for (const v of variance.dataSync()) expect(Math.abs(v - 1)).toBeLessThan(1e-3);
    });
    expect(layer.initialized).toBe(true);
    params.dispose();
  });
});

describe('invertible 1×1 conv (LU)', () => {
  it('log-det equals H·W·log|det W| of the assembled matrix, and W·W⁻¹ = I', () => {
    const params = new ParamStore(new Rng(5));
    const layer = new InvertibleConv1x1('invconv', 6, params);
    perturb(params.trainable(), 0.5, 9);
    tf.tidy(() => {
      const w = layer.weight();
      const wDet = logAbsDet(matrix(6, w.dataSync()));
      const { logdet } = layer.apply(tf.zeros([1, 3, 5, 6]) as tf.Tensor4D, tf.zeros([1]), false, { latents: [] });
      expect(logdet.dataSync()[0]!).toBeCloseTo(15 * wDet, 3);
      expect(Math.abs(wDet)).toBeGreaterThan(0.1); // the perturbation moved it off a rotation
      const prod = tf.matMul(w, layer.inverseWeight()).dataSync();
      for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) expect(prod[i * 6 + j]!).toBeCloseTo(i === j ? 1 : 0, 4);
    });
    params.dispose();
  });

  it('starts as a rotation: log-det 0 and WᵀW = I', () => {
    const params = new ParamStore(new Rng(6));
    const layer = new InvertibleConv1x1('invconv', 5, params);
    tf.tidy(() => {
      const w = layer.weight();
      const wtw = tf.matMul(w, w, true, false).dataSync();
      for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) expect(wtw[i * 5 + j]!).toBeCloseTo(i === j ? 1 : 0, 5);
      expect(Math.abs(tf.sum(layer.logAbsS).dataSync()[0]!)).toBeLessThan(1e-5);
    });
    params.dispose();
  });
});

describe('squeeze', () => {
  it('moves each 2×2 block into channels in (c, dy, dx) order and back', () => {
    tf.tidy(() => {
      const x = tf.range(0, 32).reshape([1, 4, 4, 2]) as tf.Tensor4D; // value = (y·4 + x)·2 + c
      const s = squeeze2d(x);
      expect(s.shape).toEqual([1, 2, 2, 8]);
      // Block (0, 1) covers pixels y ∈ {0, 1}, x ∈ {2, 3}; channel index c·4 + dy·2 + dx.
      const v = s.arraySync()[0]![0]![1]!;
      expect(v).toEqual([4, 6, 12, 14, 5, 7, 13, 15]);
      expect(unsqueeze2d(s).arraySync()).toEqual(x.arraySync());
    });
  });

  it('rejects odd sizes with a clear error', () => {
    expect(() => squeeze2d(tf.zeros([1, 3, 4, 1]) as tf.Tensor4D)).toThrow(/even/);
  });
});

describe('bad input', () => {
  it('names the problem', () => {
    const params = new ParamStore(new Rng(0));
    const layer = new ActNorm('level0/step0/actnorm', 4, params);
    expect(() => layer.apply(tf.zeros([1, 2, 2, 3]) as tf.Tensor4D, tf.zeros([1]), false, { latents: [] })).toThrow(/level0\/step0\/actnorm: expected 4 channels/);
    const net = new CouplingNet('net', { inChannels: 2, outChannels: 4, width: 4, condDim: 2 }, params);
    const coupling = new Coupling('c', { channels: 4, kind: 'affine-sigmoid', mask: 'channel', parity: 0, net }, params);
    expect(() => coupling.apply(tf.zeros([1, 2, 2, 4]) as tf.Tensor4D, tf.zeros([1]), false, { latents: [] })).toThrow(/conditional/);
    expect(() => new Coupling('c2', { channels: 8, kind: 'affine-sigmoid', mask: 'channel', parity: 0, net }, params)).toThrow(/network writes 4 channels, 8 are needed/);
    params.dispose();
  });
});
