import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { decodePng } from '@worldmodels/core/image';
import { Rng } from '@worldmodels/core/rng';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../test-support/backend.js';
import { PixelTrainer } from '../train/pixel-trainer.js';
import { writeImageGrid } from '../train/sample-grid.js';
import { GatedPixelCNN } from '../gated-pixelcnn.js';
import { ConditionMap } from './condition-map.js';
import { ConvEncoder } from './conv-encoder.js';
import { encoderFromConvVAE } from './latent-encoder.js';
import { PixelVAE } from './pixel-vae.js';

const SHAPE: [number, number, number] = [4, 4, 3];
const CONFIG = { imageShape: SHAPE, zSize: 2, encoder: { channels: [4] }, decoder: { features: 6, layers: 2, firstKernelSize: 3, skipChannels: 6, headChannels: 6 }, seed: 1 };
let dir = '';

beforeAll(async () => {
  await useTestBackend();
  dir = await mkdtemp(join(tmpdir(), 'pixel-vae-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Two kinds of 4×4 frames: a bright square in the left or the right half. */
function batchFor(step: number, n = 8): tf.Tensor4D {
  const r = new Rng(100).derive('data', step);
  const data = new Int32Array(n * 48);
  for (let b = 0; b < n; b++) {
    const right = r.random() < 0.5;
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) for (let c = 0; c < 3; c++) data[((b * 4 + y) * 4 + x) * 3 + c] = (x >= 2) === right ? 200 : 20;
  }
  return tf.tensor4d(data, [n, ...SHAPE], 'int32');
}

describe('ConvEncoder', () => {
  it('has the exact parameter count and checks its input', () => {
    const enc = new ConvEncoder({ imageShape: [8, 8, 3], zSize: 5, channels: [4, 6] });
    try {
      // conv1 4·4·3·4 + 4 = 196, conv2 4·4·4·6 + 6 = 390 (8 → 4 → 2), two heads (2·2·6)·5 + 5 = 125.
      expect(enc.countParams()).toBe(196 + 390 + 2 * 125);
      expect(() => enc.encode(tf.zeros([1, 4, 4, 3]))).toThrow(/needs frames \[B, 8, 8, 3\]/);
    } finally {
      enc.dispose();
    }
  });
});

describe('PixelVAE', () => {
  it('computes the KL of q(z|x) to N(0, I) and the ELBO in bits/dim', () => {
    const model = new PixelVAE(CONFIG);
    const x = batchFor(0, 4);
    try {
      const terms = model.lossTerms(x, new Rng(1));
      const { mu, logvar } = model.encode(tf.div(x, 255));
      const m = mu.arraySync();
      const lv = logvar.arraySync();
      let kl = 0;
      for (let b = 0; b < 4; b++) for (let k = 0; k < 2; k++) kl += 0.5 * (m[b]![k]! ** 2 + Math.exp(lv[b]![k]!) - lv[b]![k]! - 1);
      expect(terms.kl.dataSync()[0]).toBeCloseTo(kl / 4, 5);
      const bpd = terms.bitsPerDim.dataSync()[0]!;
      expect(terms.loss.dataSync()[0]).toBeCloseTo(bpd + kl / 4 / (48 * Math.LN2), 5);
      tf.dispose([mu, logvar, terms.loss, terms.bitsPerDim, terms.kl]);
    } finally {
      x.dispose();
      model.dispose();
    }
  });

  it('trains, checkpoints, and resumes to exactly the uninterrupted run', async () => {
    const run = async (checkpointDir: string, stops: number[]) => {
      let weights: number[] = [];
      let cpuBefore = 0;
      for (const steps of stops) {
        const model = new PixelVAE(CONFIG);
        const trainer = await PixelTrainer.create<tf.Tensor4D>({ model, loss: (x, rng) => model.lossTerms(x, rng), learningRate: 0.01, checkpointDir });
        // The CPU time of the steps before the kill comes back from the checkpoint.
        expect(trainer.cpuSeconds).toBe(cpuBefore);
        await trainer.run({ steps, nextBatch: (step) => batchFor(step), disposeBatch: (b) => b.dispose(), checkpointEvery: 2 });
        expect(trainer.step).toBe(steps);
        expect(trainer.cpuSeconds).toBeGreaterThan(cpuBefore);
        cpuBefore = trainer.cpuSeconds;
        weights = Object.values(model.getWeights()).flatMap((v) => Array.from(v.dataSync()));
        trainer.dispose();
        model.dispose();
      }
      return weights;
    };
    const straight = await run(join(dir, 'straight'), [6]);
    const resumed = await run(join(dir, 'resumed'), [4, 6]);
    expect(resumed).toEqual(straight);
  });

  it('learns: the loss falls on a two-mode data set', async () => {
    const model = new PixelVAE(CONFIG);
    const trainer = await PixelTrainer.create<tf.Tensor4D>({ model, loss: (x, rng) => model.lossTerms(x, rng), learningRate: 0.02 });
    const first = trainer.trainStep(batchFor(0));
    for (let s = 1; s < 40; s++) {
      const x = batchFor(s);
      trainer.trainStep(x);
      x.dispose();
    }
    const x = batchFor(999);
    const after = model.lossTerms(x, new Rng(3));
    expect(after.loss.dataSync()[0]).toBeLessThan(first.loss! * 0.5);
    tf.dispose([x, after.loss, after.bitsPerDim, after.kl]);
    trainer.dispose();
    model.dispose();
  });

  it('decodes z like ConvVAE.decode (frames in [0, 1]), saves and loads, leaks nothing', async () => {
    const model = new PixelVAE(CONFIG);
    const z = tf.tensor2d([[1, -1], [0, 2]]);
    const before = tf.memory().numTensors;
    try {
      const frames = model.decode(z);
      expect(frames.shape).toEqual([2, ...SHAPE]);
      const v = frames.dataSync();
      expect(v.every((p) => p >= 0 && p <= 1)).toBe(true);
      frames.dispose();
      const raw = batchFor(1, 2);
      const x01 = tf.div(raw, 255);
      const rec = model.reconstruct(x01);
      expect(rec.shape).toEqual([2, ...SHAPE]);
      tf.dispose([raw, x01, rec]);
      expect(tf.memory().numTensors).toBe(before);
      await model.save(join(dir, 'pvae'));
      const loaded = await PixelVAE.load(join(dir, 'pvae'));
      expect(Array.from(loaded.decodeBytes(z))).toEqual(Array.from(model.decodeBytes(z)));
      loaded.dispose();
    } finally {
      z.dispose();
      model.dispose();
    }
  });

  it("has the shape of the world model's vision model V (encode, sample, decode)", () => {
    // The VisionModel interface of @worldmodels/world-model, restated: PixelVAE must be assignable to it.
    type VisionModel = {
      readonly config: { zSize: number };
      encode(x: tf.Tensor): { mu: tf.Tensor2D; logvar: tf.Tensor2D };
      sample(mu: tf.Tensor, logvar: tf.Tensor, rng?: Rng): tf.Tensor2D;
      decode(z: tf.Tensor): tf.Tensor4D;
    };
    const model = new PixelVAE(CONFIG);
    const v: VisionModel = model;
    const z = tf.zeros([1, 3]);
    try {
      expect(v.config.zSize).toBe(2);
      expect(() => v.decode(z)).toThrow(/needs z of shape \[B, 2\]/);
    } finally {
      z.dispose();
      model.dispose();
    }
  });

  it('accepts a ConvVAE-shaped encoder (only its enc_* weights are trained and saved)', () => {
    const inner = new ConvEncoder({ imageShape: SHAPE, zSize: 2, channels: [4] });
    const extra = tf.variable(tf.zeros([3]), true, 'dec_fc_test/kernel');
    const vaeLike = { config: { zSize: 2 }, encode: (x: tf.Tensor) => inner.encode(x), getWeights: () => ({ ...inner.getWeights(), 'dec_fc/kernel': extra }), dispose: () => inner.dispose() };
    const encoder = encoderFromConvVAE(vaeLike);
    const model = new PixelVAE(CONFIG, encoder);
    try {
      expect(Object.keys(model.getWeights()).filter((n) => n.startsWith('encoder/'))).toEqual(Object.keys(inner.getWeights()).map((n) => `encoder/${n}`));
      expect(() => new PixelVAE({ ...CONFIG, zSize: 3 }, encoder)).toThrow(/zSize 3 differs from the encoder's 2/);
    } finally {
      model.dispose();
      extra.dispose();
    }
  });

  it('takes the encoder of a real @worldmodels/vae ConvVAE', async () => {
    const { ConvVAE } = await import('@worldmodels/vae');
    const encoder = encoderFromConvVAE(new ConvVAE({ zSize: 2, width: 0.125, seed: 4 }));
    const x = tf.fill([1, 64, 64, 3], 0.5);
    try {
      const names = Object.keys(encoder.getWeights());
      expect(names).toEqual(['enc_conv1', 'enc_conv2', 'enc_conv3', 'enc_conv4', 'enc_fc_mu', 'enc_fc_log_var'].flatMap((l) => [`${l}/kernel`, `${l}/bias`]));
      const { mu, logvar } = encoder.encode(x);
      expect(mu.shape).toEqual([1, 2]);
      expect(logvar.shape).toEqual([1, 2]);
      const zeros = Object.fromEntries(names.map((n) => [n, tf.zerosLike(encoder.getWeights()[n]!)]));
      encoder.setWeights(zeros);
      const after = encoder.encode(x);
      expect(Array.from(after.mu.dataSync())).toEqual([0, 0]);
      tf.dispose([mu, logvar, after.mu, after.logvar, ...Object.values(zeros)]);
      expect(() => encoder.setWeights({})).toThrow(/missing variable 'enc_conv1\/kernel'/);
    } finally {
      x.dispose();
      encoder.dispose();
    }
  });

  it('with a condition map: exact parameter count, saves and loads, decodes the same, leaks nothing', async () => {
    const config = { ...CONFIG, conditionMap: { channels: 3, hidden: [4] } };
    const model = new PixelVAE(config);
    const z = tf.tensor2d([[1, -1], [0, 2]]);
    try {
      const encoder = new ConvEncoder({ imageShape: SHAPE, zSize: 2, channels: [4] });
      const decoderParams = GatedPixelCNN.paramCount({ ...CONFIG.decoder, imageShape: SHAPE, conditionSize: 3 });
      const mapParams = ConditionMap.paramCount({ imageShape: SHAPE, zSize: 2, channels: 3, hidden: [4] });
      expect(model.countParams()).toBe(encoder.countParams() + mapParams + decoderParams);
      encoder.dispose();
      expect(Object.keys(model.getWeights()).filter((n) => n.startsWith('condition-map/'))).toHaveLength(4);
      const before = tf.memory().numTensors;
      const bytes = model.decodeBytes(z, { temperature: 1, rng: new Rng(2) });
      const x = batchFor(3, 2);
      tf.dispose(model.lossTerms(x));
      x.dispose();
      expect(tf.memory().numTensors).toBe(before);
      await model.save(join(dir, 'pvae-map'));
      const loaded = await PixelVAE.load(join(dir, 'pvae-map'));
      expect(loaded.conditionMap?.config.channels).toBe(3);
      expect(Array.from(loaded.decodeBytes(z, { temperature: 1, rng: new Rng(2) }))).toEqual(Array.from(bytes));
      loaded.dispose();
    } finally {
      z.dispose();
      model.dispose();
    }
  });

  // The decoder below sees only the pixel above and the current pixel's earlier channels (receptive
  // field 1 row, 0 columns), so nothing in its input tells it which column it is in. On the two-mode
  // data (bright left or right half) z can say which half is bright; added the same at every position
  // it cannot tell the first row's pixels apart, a map of z can.
  it('a location-dependent map lets a decoder that cannot see where it is use z; a conditioning vector cannot', async () => {
    const decoder = { features: 6, layers: 1, firstKernelSize: 1, skipChannels: 6, headChannels: 12 };
    const train = async (conditionMap: { channels: number; hidden: number[] } | null) => {
      // 1 nat of free KL per latent dimension: one bit (left or right) costs the loss nothing
      const model = new PixelVAE({ ...CONFIG, decoder, conditionMap, klTolerance: 1 });
      expect(model.decoder.receptiveField()).toEqual({ rowsAbove: 1, halfWidth: 0 });
      const trainer = await PixelTrainer.create<tf.Tensor4D>({ model, loss: (x, rng) => model.lossTerms(x, rng), learningRate: 0.02 });
      for (let s = 0; s < 200; s++) {
        const x = batchFor(s, 16);
        trainer.trainStep(x);
        x.dispose();
      }
      const x = batchFor(999, 64);
      const terms = model.lossTerms(x, new Rng(3));
      const bpd = terms.bitsPerDim.dataSync()[0]!;
      tf.dispose([x, terms.loss, terms.bitsPerDim, terms.kl]);
      trainer.dispose();
      model.dispose();
      return bpd;
    };
    const vector = await train(null);
    const map = await train({ channels: 2, hidden: [4] });
    // the first row costs 1 bit per pixel without knowing the column: 4 bits of 48 sub-pixels
    expect(vector).toBeGreaterThan(0.07);
    expect(map).toBeLessThan(0.02);
  });

  it('writes sample grids as PNG', async () => {
    const images = Uint8Array.from({ length: 6 * 48 }, (_, i) => i % 256);
    const path = join(dir, 'grid.png');
    await writeImageGrid(path, images, SHAPE, 2, 3, 2);
    const png = decodePng(await readFile(path));
    expect([png.width, png.height]).toEqual([3 * 8 + 2 * 2, 2 * 8 + 2]);
  });
});
