import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConvVAE } from '../conv-vae.js';
import { useTestBackend } from '../test-backend.js';
import { writeSyntheticRollouts } from '../test-fixtures.js';
import { trainVAE } from '../train-vae.js';
import { VAETrainer } from '../vae-trainer.js';
import { standardNormalLogDensity } from './monte-carlo-kl.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'wm-vae-family-'));
const scalar = (t: tf.Tensor) => t.dataSync()[0]!;
const small = { zSize: 4, width: 0.125 } as const;

beforeAll(async () => {
  await useTestBackend();
});

describe('ConvVAE with an IAF posterior', () => {
  it('adds exactly the IAF parameters and nothing when iafSteps is 0', () => {
    const plain = new ConvVAE({ zSize: 32 });
    expect(plain.countParams()).toBe(4_348_547);
    expect(plain.iaf).toBeNull();
    const withIaf = new ConvVAE({ zSize: 32, iafSteps: 2 });
    // context 1024·32 + 32; per step (H 64, C 32, D 32): 2048 + 64 + 2048 + 4096 + 64 + 2·(2048 + 32)
    expect(withIaf.countParams()).toBe(4_348_547 + 32_800 + 2 * 12_480);
    expect(withIaf.variableNames.slice(0, 22)).toEqual(plain.variableNames);
    expect(withIaf.trainableVariables).toHaveLength(22 + 2 + 2 * 9);
    // The base weights are those of the plain model with the same seed.
    expect(Array.from(withIaf.getWeights()['enc_conv2/kernel']!.dataSync())).toEqual(Array.from(plain.getWeights()['enc_conv2/kernel']!.dataSync()));
    plain.dispose();
    withIaf.dispose();
  });

  it('estimates the KL as log q(z|x) − log p(z) at the flowed sample, and β and the floor act as the formula says', () => {
    const vae = new ConvVAE({ ...small, iafSteps: 2, iafHiddenSize: 8, iafContextSize: 4, seed: 1, klTolerance: 0, beta: 1 });
    // A larger encoder mean spreads the images' KLs apart (a fresh tiny model's are all near 0).
    const muKernel = vae.getWeights()['enc_fc_mu/kernel']!;
    muKernel.assign(tf.tidy(() => tf.mul(muKernel, 40)));
    const x = tf.randomUniform([3, 64, 64, 3], 0, 1, 'float32', 4);
    const f = vae.forwardIaf(x, new Rng(3));
    const r = scalar(tf.tidy(() => tf.mean(tf.sum(tf.squaredDifference(x, f.y), [1, 2, 3]))));
    const perImage = Array.from(tf.tidy(() => tf.sub(f.logq, standardNormalLogDensity(f.z))).dataSync());
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    // log q(z_T) = log N(z_0; μ, σ²) − Σ log σ_t: check against the parts.
    const { z, logDet } = tf.tidy(() => vae.iaf!.forward(f.z0, vae.encodeWithContext(x).context));
    expect(Array.from(z.dataSync())).toEqual(Array.from(f.z.dataSync()));
    const manual = tf.tidy(() => {
      const eps = tf.div(tf.sub(f.z0, f.mu), tf.exp(tf.mul(0.5, f.logvar)));
      return tf.sub(tf.mul(-0.5, tf.sum(tf.add(tf.add(tf.square(eps), f.logvar), Math.log(2 * Math.PI)), 1)), logDet);
    });
    Array.from(manual.dataSync()).forEach((v, i) => expect(f.logq.dataSync()[i]).toBeCloseTo(v, 3));
    const cases = [
      { beta: 1, klTolerance: 0 },
      { beta: 3, klTolerance: 0 },
      { beta: 0, klTolerance: 100 },
      { beta: 1, klTolerance: 100 },
      { beta: 2.5, klTolerance: 0.5 * Math.max(0, Math.min(...perImage)) / 4 }, // no image below the floor: β alone
      { beta: 0.5, klTolerance: (Math.min(...perImage) + Math.max(...perImage)) / 8 }, // some images floored
    ];
    for (const c of cases) {
      const other = new ConvVAE({ ...vae.config, ...c });
      other.setWeights(vae.getWeights());
      const t = other.loss(x, new Rng(3));
      const floored = perImage.map((k) => Math.max(k, c.klTolerance * 4));
      expect(scalar(t.reconstruction)).toBeCloseTo(r, 2);
      expect(scalar(t.rawKl)).toBeCloseTo(mean(perImage), 3);
      expect(scalar(t.kl)).toBeCloseTo(mean(floored), 3);
      expect(scalar(t.loss)).toBeCloseTo(r + c.beta * mean(floored), 1);
      tf.dispose(Object.values(t));
      other.dispose();
    }
    tf.dispose([x, z, logDet, manual, ...Object.values(f)]);
    vae.dispose();
  });

  it('trains (loss gradients reach every IAF variable), is seeded, and leaks nothing', () => {
    const make = () => new ConvVAE({ ...small, iafSteps: 2, iafHiddenSize: 8, iafContextSize: 4, seed: 2, klTolerance: 0 });
    const a = make();
    const b = make();
    const x = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const ta = new VAETrainer(a, { learningRate: 1e-3, rng: new Rng(1) });
    const tb = new VAETrainer(b, { learningRate: 1e-3, rng: new Rng(1) });
    ta.step(x); // creates the Adam slots
    tb.step(x);
    const before = tf.memory().numTensors;
    const { grads, value } = tf.variableGrads(() => a.loss(x, new Rng(8)).loss, a.trainableVariables);
    for (const name of a.iaf!.names) {
      const g = grads[a.getWeights()[name]!.name]!;
      const size = tf.tidy(() => tf.sum(tf.abs(g)));
      expect(scalar(size), name).toBeGreaterThan(0);
      size.dispose();
    }
    tf.dispose([value, ...Object.values(grads)]);
    const ma = ta.step(x);
    const mb = tb.step(x);
    expect(ma).toEqual(mb);
    expect(tf.memory().numTensors).toBe(before);
    const k = (v: ConvVAE) => Array.from(v.getWeights()['iaf/step1/m/kernel']!.dataSync());
    expect(k(a)).toEqual(k(b));
    ta.dispose();
    tb.dispose();
    x.dispose();
    a.dispose();
    b.dispose();
  });

  it('saves and loads with its IAF; refuses the reference JSON format; names missing variables', async () => {
    const vae = new ConvVAE({ ...small, iafSteps: 3, iafHiddenSize: 6, iafContextSize: 5, seed: 7 });
    const dir = join(tmp(), 'iaf-vae');
    await vae.save(dir);
    const loaded = await ConvVAE.load(dir);
    expect(loaded.config).toEqual(vae.config);
    for (const name of vae.variableNames) expect(Array.from(loaded.getWeights()[name]!.dataSync())).toEqual(Array.from(vae.getWeights()[name]!.dataSync()));
    const x = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 6);
    const ya = vae.reconstruct(x);
    const yb = loaded.reconstruct(x);
    expect(Array.from(yb.dataSync())).toEqual(Array.from(ya.dataSync()));
    expect(() => vae.toReferenceJson()).toThrow(/no IAF posterior/);
    await expect(vae.loadReferenceJson([])).rejects.toThrow(/no IAF posterior/);
    const partial = Object.fromEntries(Object.entries(vae.getWeights()).filter(([n]) => n !== 'iaf/step2/s/bias'));
    expect(() => loaded.setWeights(partial)).toThrow(/missing variable iaf\/step2\/s\/bias/);
    const plain = new ConvVAE(small);
    expect(() => plain.forwardIaf(x)).toThrow(/iafSteps > 0/);
    expect(() => new ConvVAE({ iafSteps: -1 })).toThrow(/iafSteps/);
    tf.dispose([x, ya, yb]);
    [vae, loaded, plain].forEach((v) => v.dispose());
  });

  it('trains through trainVAE and resumes after a kill to the weights of an uninterrupted run', async () => {
    const dataset = join(tmp(), 'rollouts');
    await writeSyntheticRollouts(dataset, 2, 4);
    const common = { dataset, epochs: 2, batchSize: 2, seed: 3, model: { ...small, iafSteps: 2, iafHiddenSize: 8, iafContextSize: 4 }, learningRate: 1e-3, progress: false as const };
    const straight = await trainVAE({ ...common, runDir: join(tmp(), 'straight') });
    const runDir = join(tmp(), 'killed');
    const controller = new AbortController();
    const killed = await trainVAE({ ...common, runDir, checkpointEvery: 3, signal: controller.signal, onStep: (s) => s === 5 && controller.abort() });
    expect(killed.completed).toBe(false);
    killed.vae.dispose();
    const resumed = await trainVAE({ ...common, runDir, checkpointEvery: 3 });
    expect(resumed.completed).toBe(true);
    expect(resumed.vae.config.iafSteps).toBe(2);
    for (const name of straight.vae.variableNames) {
      expect(Array.from(resumed.vae.getWeights()[name]!.dataSync()), name).toEqual(Array.from(straight.vae.getWeights()[name]!.dataSync()));
    }
    straight.vae.dispose();
    resumed.vae.dispose();
  });
});

describe('β and the KL floor on the plain ConvVAE', () => {
  it('change the loss exactly as r + β · mean_b max(KL_b, klTolerance · z), independently', () => {
    const base = new ConvVAE({ ...small, seed: 4, klTolerance: 0, beta: 1 });
    const x = tf.randomUniform([3, 64, 64, 3], 0, 1, 'float32', 9);
    const { mu, logvar } = base.encode(x);
    const m = mu.arraySync();
    const l = logvar.arraySync();
    const perImage = m.map((row, b) => row.reduce((s, mj, j) => s - 0.5 * (1 + l[b]![j]! - mj * mj - Math.exp(l[b]![j]!)), 0));
    const ref = base.loss(x, new Rng(2));
    const r = scalar(ref.reconstruction);
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(scalar(ref.loss)).toBeCloseTo(r + mean(perImage), 2);
    const mid = (Math.min(...perImage) + Math.max(...perImage)) / 2 / 4; // a floor between the images' KLs
    for (const c of [{ beta: 4, klTolerance: 0 }, { beta: 1, klTolerance: mid }, { beta: 0.25, klTolerance: mid }, { beta: 0, klTolerance: 50 }, { beta: 2, klTolerance: 50 }]) {
      const other = new ConvVAE({ ...base.config, ...c });
      other.setWeights(base.getWeights());
      const t = other.loss(x, new Rng(2));
      const floored = perImage.map((k) => Math.max(k, c.klTolerance * 4));
      expect(scalar(t.reconstruction)).toBe(r); // same weights, same ε: the options touch the KL term only
      expect(scalar(t.rawKl)).toBeCloseTo(mean(perImage), 4);
      expect(scalar(t.kl)).toBeCloseTo(mean(floored), 4);
      expect(scalar(t.loss)).toBeCloseTo(r + c.beta * mean(floored), 2);
      tf.dispose(Object.values(t));
      other.dispose();
    }
    tf.dispose([x, mu, logvar, ...Object.values(ref)]);
    base.dispose();
  });
});
