import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MDNRNN } from './mdn-rnn.js';
import { mixtureNegLogLikelihood } from './mixture.js';
import { useTestBackend } from './test-backend.js';

// The shared reference data of the project (published CarRacing M, reference frames + encoder outputs).
const DATA = join(import.meta.dirname, '../../../../shared/data');
const WEIGHTS = join(DATA, 'published-weights/carracing-mdnrnn.json');
const FRAMES = join(DATA, 'carracing-reference-frames');
const present = existsSync(WEIGHTS) && existsSync(FRAMES);

/** The reference encoder's mu for frame n (JSON [mu·10⁴, σ·10⁴]). */
function referenceMu(n: number): number[] {
  const [mu] = JSON.parse(readFileSync(join(FRAMES, `${n}.json`), 'utf8')) as number[][];
  return mu!.map((v) => v / 1e4);
}

/**
 * The reference forward pass written out by hand in float64 from the published integers:
 * TF1 BasicLSTMCell (concat [x, h] · kernel + bias; gates i, j, f, o; forget bias 1), then
 * xw_plus_b and rows of 15 = logmix | mean | logstd per z dimension, logmix log-softmax.
 */
function referenceForward(json: number[][][] | number[][], inputs: number[][]) {
  const [outW, outB, kernel, bias] = json as [number[][], number[], number[][], number[]];
  const H = 256;
  let h = new Float64Array(H);
  let c = new Float64Array(H);
  const sig = (x: number) => 1 / (1 + Math.exp(-x));
  const results: { logmix: number[][]; mean: number[][]; logstd: number[][] }[] = [];
  for (const x of inputs) {
    const xh = [...x, ...h];
    const gates = new Float64Array(4 * H);
    for (let col = 0; col < 4 * H; col++) {
      let s = bias[col]! / 1e4;
      for (let row = 0; row < xh.length; row++) s += (xh[row]! * kernel[row]![col]!) / 1e4;
      gates[col] = s;
    }
    const nc = new Float64Array(H);
    const nh = new Float64Array(H);
    for (let u = 0; u < H; u++) {
      const i = gates[u]!;
      const j = gates[H + u]!;
      const f = gates[2 * H + u]!;
      const o = gates[3 * H + u]!;
      nc[u] = c[u]! * sig(f + 1) + sig(i) * Math.tanh(j);
      nh[u] = Math.tanh(nc[u]!) * sig(o);
    }
    h = nh;
    c = nc;
    const out = new Float64Array(480);
    for (let col = 0; col < 480; col++) {
      let s = outB[col]! / 1e4;
      for (let u = 0; u < H; u++) s += (h[u]! * outW[u]![col]!) / 1e4;
      out[col] = s;
    }
    const r = { logmix: [] as number[][], mean: [] as number[][], logstd: [] as number[][] };
    for (let d = 0; d < 32; d++) {
      const row = Array.from(out.subarray(d * 15, d * 15 + 15));
      const logits = row.slice(0, 5);
      const max = Math.max(...logits);
      const lse = max + Math.log(logits.reduce((s, v) => s + Math.exp(v - max), 0));
      r.logmix.push(logits.map((v) => v - lse));
      r.mean.push(row.slice(5, 10));
      r.logstd.push(row.slice(10, 15));
    }
    results.push(r);
  }
  return results;
}

beforeAll(async () => {
  await useTestBackend();
});

describe.skipIf(!present)('published CarRacing MDN-RNN weights', () => {
  it('reproduce the reference forward pass', async () => {
    const json = JSON.parse(readFileSync(WEIGHTS, 'utf8'));
    const m = new MDNRNN({ zSize: 32, actionSize: 3, hiddenSize: 256, mixtures: 5 });
    await m.loadReferenceJson(WEIGHTS);
    const actions = [[0, 1, 0], [-0.5, 0.3, 0], [0.8, 0, 0.2], [0, 0, 0], [1, 1, 0]];
    const inputs = actions.map((a, t) => [...referenceMu(40 + t), ...a]);
    const expected = referenceForward(json, inputs);
    let state = m.initialState(1);
    for (let t = 0; t < inputs.length; t++) {
      const out = m.step(tf.tensor2d([inputs[t]!.slice(0, 32)]), tf.tensor2d([actions[t]!]), state);
      tf.dispose([state.h, state.c]);
      state = out.state;
      for (const key of ['logmix', 'mean', 'logstd'] as const) {
        const got = (out[key].arraySync() as number[][][])[0]!;
        const want = expected[t]![key];
        let worst = 0;
        for (let d = 0; d < 32; d++) for (let k = 0; k < 5; k++) worst = Math.max(worst, Math.abs(got[d]![k]! - want[d]![k]!));
        expect(worst, `${key} at step ${t}`).toBeLessThan(1e-4);
      }
      tf.dispose([out.logmix, out.mean, out.logstd]);
    }
    tf.dispose([state.h, state.c]);
    m.dispose();
  });

  it('predict the next latent of the reference frame series better than an unrelated latent', async () => {
    const m = new MDNRNN();
    await m.loadReferenceJson(WEIGHTS);
    // Frames 20..219 are consecutive steps of one drive; the actions are not recorded, so M is
    // given "straight ahead, light gas" throughout.
    const first = 20;
    const T = 200;
    const mus = Array.from({ length: T + 1 }, (_, t) => referenceMu(first + t));
    const nll = tf.tidy(() => {
      const z = tf.tensor3d([mus.slice(0, T)]); // [1, T, 32]
      const a = tf.tile(tf.tensor3d([[[0, 0.3, 0]]]), [1, T, 1]); // [1, T, 3]
      const out = m.unroll(z, a);
      const next = tf.tensor3d([mus.slice(1, T + 1)]); // [1, T, 32]: the true z_{t+1}
      // The same predictions scored against latents of frames far away in the drive.
      const shifted = tf.tensor3d([mus.slice(1, T + 1).map((_, t) => mus[(t + 101) % (T + 1)]!)]);
      return {
        actual: tf.mean(mixtureNegLogLikelihood(out, next)).dataSync()[0]!,
        unrelated: tf.mean(mixtureNegLogLikelihood(out, shifted)).dataSync()[0]!,
        // NLL of z_{t+1} under the VAE prior N(0, I): what a model that knows nothing would get.
        prior: tf.mean(tf.add(tf.mul(0.5, tf.square(next)), 0.5 * Math.log(2 * Math.PI))).dataSync()[0]!,
      };
    });
    expect(nll.actual).toBeLessThan(nll.unrelated - 0.5);
    expect(nll.actual).toBeLessThan(nll.prior - 0.5);
    m.dispose();
  });
});
