import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { beforeAll, describe, expect, it } from 'vitest';
import { vaeLayers, vaeVariableNames } from './architecture.js';
import { ConvVAE } from './conv-vae.js';
import { isSlowBackend, useTestBackend } from './test-backend.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'wm-vae-'));

beforeAll(async () => {
  await useTestBackend();
});

describe('ConvVAE architecture', () => {
  it('has the reference parameter counts, per layer and in total', () => {
    const vae = new ConvVAE({ zSize: 32 });
    expect(vae.countParams()).toBe(4_348_547);
    const perLayer = Object.fromEntries(vaeLayers(32).map((l) => [l.name, l.kernelShape.reduce((a, b) => a * b, 1) + l.units]));
    expect(perLayer).toEqual({
      enc_conv1: 1_568, enc_conv2: 32_832, enc_conv3: 131_200, enc_conv4: 524_544,
      enc_fc_mu: 32_800, enc_fc_log_var: 32_800, dec_fc: 33_792,
      dec_deconv1: 3_276_928, dec_deconv2: 204_864, dec_deconv3: 73_760, dec_deconv4: 3_459,
    });
    vae.dispose();
    const doom = new ConvVAE({ zSize: 64 });
    expect(doom.countParams()).toBe(4_446_915);
    doom.dispose();
  });

  it('maps [B, 64, 64, 3] to mu, logvar [B, z] and z back to frames in (0, 1), without leaking', () => {
    const vae = new ConvVAE({ zSize: 8, width: isSlowBackend() ? 0.125 : 1 });
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 1);
      const { mu, logvar } = vae.encode(x);
      expect(mu.shape).toEqual([2, 8]);
      expect(logvar.shape).toEqual([2, 8]);
      const y = vae.decode(vae.sample(mu, logvar));
      expect(y.shape).toEqual([2, 64, 64, 3]);
      expect(tf.min(y).dataSync()[0]).toBeGreaterThan(0);
      expect(tf.max(y).dataSync()[0]).toBeLessThan(1);
    });
    expect(tf.memory().numTensors).toBe(before);
    vae.dispose();
  });

  it('initialises and samples reproducibly from seeds', () => {
    const a = new ConvVAE({ zSize: 4, width: 0.125, seed: 3 });
    const b = new ConvVAE({ zSize: 4, width: 0.125, seed: 3 });
    const c = new ConvVAE({ zSize: 4, width: 0.125, seed: 4 });
    const k = (v: ConvVAE) => Array.from(v.getWeights()['enc_conv2/kernel']!.dataSync());
    expect(k(a)).toEqual(k(b));
    expect(k(a)).not.toEqual(k(c));
    const mu = tf.zeros([3, 4]);
    const lv = tf.zeros([3, 4]);
    const s1 = a.sample(mu, lv, new Rng(9));
    const s2 = b.sample(mu, lv, new Rng(9));
    expect(Array.from(s1.dataSync())).toEqual(Array.from(s2.dataSync()));
    tf.dispose([mu, lv, s1, s2]);
    [a, b, c].forEach((v) => v.dispose());
  });

  it('rejects bad input with errors naming the problem', () => {
    const vae = new ConvVAE({ zSize: 4, width: 0.125 });
    expect(() => vae.encode(tf.zeros([1, 32, 32, 3]))).toThrow(/\[B, 64, 64, 3\].*got \[1,32,32,3\]/);
    expect(() => vae.encode(tf.zeros([1, 64, 64, 3], 'int32'))).toThrow(/float32/);
    expect(() => vae.decode(tf.zeros([1, 5]))).toThrow(/\[B, 4\]/);
    expect(() => new ConvVAE({ zSize: 0 })).toThrow(/zSize/);
    expect(() => new ConvVAE({ width: 0.01 })).toThrow(/width/);
    vae.dispose();
    expect(() => vae.encode(tf.zeros([1, 64, 64, 3]))).toThrow(/disposed/);
  });
});

describe('ConvVAE weights', () => {
  it('saves and loads through core checkpoints bit-exactly', async () => {
    const dir = join(tmp(), 'vae');
    const vae = new ConvVAE({ zSize: 6, width: 0.25, klTolerance: 0.25, seed: 11 });
    await vae.save(dir);
    const loaded = await ConvVAE.load(dir);
    expect(loaded.config).toEqual(vae.config);
    for (const name of vae.variableNames) {
      expect(Array.from(loaded.getWeights()[name]!.dataSync())).toEqual(Array.from(vae.getWeights()[name]!.dataSync()));
    }
    vae.dispose();
    loaded.dispose();
  });

  it('loads the reference JSON format: round(w·10⁴), variable order, TF kernel layouts', async () => {
    const zSize = 4;
    const width = 0.125;
    const names = vaeVariableNames(zSize, width);
    const layers = vaeLayers(zSize, width);
    // Known weights: value of flat element i of variable v is ((7·i + 13·v) mod 201) − 100, in 10⁻⁴ units.
    const nested = (shape: number[], v: number): unknown => {
      let i = 0;
      const build = (axis: number): unknown => (axis === shape.length ? ((7 * i++ + 13 * v) % 201) - 100 : Array.from({ length: shape[axis]! }, () => build(axis + 1)));
      return build(0);
    };
    const shapes = layers.flatMap((l) => [l.kernelShape, [l.units]]);
    const json = shapes.map((s, v) => nested(s, v));
    const path = join(tmp(), 'vae.json');
    writeFileSync(path, JSON.stringify(json));
    const vae = new ConvVAE({ zSize, width });
    await vae.loadReferenceJson(path);
    const w = vae.getWeights();
    // enc_conv1 kernel [kh, kw, in, out] = [4, 4, 3, 4]: element [1, 2, 0, 3] is json[0][1][2][0][3].
    const conv1 = (json[0] as number[][][][])[1]![2]![0]![3]!;
    expect(w['enc_conv1/kernel']!.shape).toEqual([4, 4, 3, 4]);
    expect((await w['enc_conv1/kernel']!.array() as number[][][][])[1]![2]![0]![3]).toBeCloseTo(conv1 / 1e4, 7);
    // dec_deconv4 kernel [kh, kw, out, in] = [6, 6, 3, 4]; the last variable is its bias [3].
    expect(w['dec_deconv4/kernel']!.shape).toEqual([6, 6, 3, 4]);
    expect(Array.from(w['dec_deconv4/bias']!.dataSync()).map((x) => Math.round(x * 1e4))).toEqual(json[21]);
    // Every variable round-trips through the reference encoder exactly.
    expect(vae.toReferenceJson()).toEqual(json);
    expect(names.slice(8, 12)).toEqual(['enc_fc_mu/kernel', 'enc_fc_mu/bias', 'enc_fc_log_var/kernel', 'enc_fc_log_var/bias']);
    // Wrong count and wrong shapes are named.
    await expect(vae.loadReferenceJson(json.slice(1))).rejects.toThrow(/expected 22 weight arrays/);
    const bad = [...json];
    bad[2] = nested([4, 4, 4, 9], 2);
    await expect(vae.loadReferenceJson(bad)).rejects.toThrow(/enc_conv2\/kernel has length 9 at axis 3/);
    await expect(vae.loadReferenceJson('/nonexistent/vae.json')).rejects.toThrow(/cannot read reference weights \/nonexistent\/vae.json/);
    vae.dispose();
  });

  it('reproduces its forward pass after a reference JSON round trip of known weights', async () => {
    const a = new ConvVAE({ zSize: 4, width: 0.125, seed: 5 });
    const b = new ConvVAE({ zSize: 4, width: 0.125, seed: 6 });
    await b.loadReferenceJson(a.toReferenceJson());
    const x = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 2);
    const ya = a.reconstruct(x);
    const yb = b.reconstruct(x);
    // Weights are quantised to 10⁻⁴, so the outputs agree closely but not bit-exactly.
    expect(tf.max(tf.abs(tf.sub(ya, yb))).dataSync()[0]).toBeLessThan(2e-3);
    tf.dispose([x, ya, yb]);
    a.dispose();
    b.dispose();
  });
});

