/**
 * Stochastic next-frame prediction: a conditional VAE (FramePredictor, zSize > 0) against the same
 * network without a latent (the deterministic regressor), on TakeCover (fireballs appear at
 * random) and Pong (serves and the opponent's reactions), at an equal number of Adam steps.
 *
 * For each game: frames downscaled to 32×32, k = 2 past frames `stride` steps apart, the action,
 * the frame `stride` steps later. Held-out episodes give the test set, on which it reports
 *   - per-pixel squared error of the regressor and of the best of N CVAE samples (z ~ prior),
 *     also on the 10% of test examples where the frame changes most ("eventful"),
 *   - the mean error of one sample, and the error with z from the posterior (what the latent carries),
 *   - sample diversity: per-pixel standard deviation over the N samples, averaged,
 *   - sharpness: mean absolute spatial gradient of the predictions relative to the true frames,
 *   - test loss Σ(x − ŷ)² + KL (the negative ELBO up to a constant for a Gaussian decoder of variance ½;
 *     the regressor's is its squared error),
 * and writes a PNG of one-step predictions and a GIF of several sampled futures (12 steps, each
 * step's z drawn afresh from the prior given the model's own previous predictions).
 *
 *   nice -n 10 node --conditions=worldmodels-source --import tsx packages/vae/experiments/cvae-futures.ts \
 *     --data runs/vae-family/data --out runs/vae-family/cvae --steps 1200
 *
 * Data: `collect-family-data.ts`. Resumable: run again after a kill; finished runs are reused.
 * Results: `<out>/results-<games>.json` and a table on stdout.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@worldmodels/core';
import { DatasetReader, atomicWriteJson } from '@worldmodels/core/dataset';
import { type Frame, floatToBytes, frame, imageGrid, upscale, writeGif, writePng } from '@worldmodels/core/image';
import { Rng } from '@worldmodels/core/rng';
import { diagonalGaussianKl } from '../src/family/gaussian-kl.js';
import type { FramePredictor } from '../src/family/frame-predictor.js';
import { trainFramePredictor } from '../src/family/train-frame-predictor.js';
import { type Transitions, transitionBatch, transitionsFromDataset } from '../src/family/transitions.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: 'runs/vae-family/data' },
    out: { type: 'string', default: 'runs/vae-family/cvae' },
    games: { type: 'string', default: 'takecover,pong' },
    steps: { type: 'string', default: '1200' },
    batch: { type: 'string', default: '32' },
    lr: { type: 'string', default: '1e-3' },
    z: { type: 'string', default: '8' },
    'kl-tolerance': { type: 'string', default: '0' },
    width: { type: 'string', default: '32' },
    hidden: { type: 'string', default: '256' },
    'test-episodes': { type: 'string', default: '4' },
    'test-examples': { type: 'string', default: '500' },
    samples: { type: 'string', default: '16' },
    'rollout-steps': { type: 'string', default: '12' },
    seed: { type: 'string', default: '0' },
  },
});
const GAMES: Record<string, { stride: number }> = { takecover: { stride: 4 }, pong: { stride: 2 } };
const SIZE = 32;
const PAST = 2;
const steps = Number(values.steps);
const samples = Number(values.samples);
const seed = Number(values.seed);
const klTolerance = Number(values['kl-tolerance']);
/** The CVAE's run directory name; the regressor (no KL) is shared by CVAE variants. */
const cvaeName = klTolerance > 0 ? `cvae-freebits${klTolerance}` : 'cvae';

const backend = await initBackend();
const allResults: Record<string, unknown>[] = [];
for (const game of values.games!.split(',')) {
  const spec = GAMES[game];
  if (!spec) throw new Error(`unknown game ${game}; use ${Object.keys(GAMES).join(', ')}`);
  const reader = await DatasetReader.open(join(values.data!, game));
  const episodes = reader.episodes.length;
  const testCount = Number(values['test-episodes']);
  const trainEpisodes = Array.from({ length: episodes - testCount }, (_, i) => i);
  const testEpisodes = Array.from({ length: testCount }, (_, i) => episodes - testCount + i);
  const options = { frameSize: SIZE, pastFrames: PAST, stride: spec.stride, discreteActions: 3 };
  const train = await transitionsFromDataset(reader, { ...options, episodes: trainEpisodes });
  const test = await transitionsFromDataset(reader, { ...options, episodes: testEpisodes });
  const models: Record<string, { model: FramePredictor; cpuSeconds: number }> = {};
  for (const [name, zSize] of [[cvaeName, Number(values.z)], ['regressor', 0]] as const) {
    const result = await trainFramePredictor({
      data: train,
      runDir: join(values.out!, game, `${name}-${steps}steps`),
      model: { zSize, width: Number(values.width), hiddenSize: Number(values.hidden), klTolerance: zSize > 0 ? klTolerance : 0 },
      steps,
      batchSize: Number(values.batch),
      learningRate: Number(values.lr),
      seed,
      checkpointEvery: 200,
      progress: { label: `${game} ${name}` },
    });
    models[name === cvaeName ? 'cvae' : name] = { model: result.model, cpuSeconds: result.cpuSeconds };
  }
  const cvae = models.cvae!.model;
  const regressor = models.regressor!.model;
  const picked = evenly(test.count, Number(values['test-examples']));
  const metrics = evaluate(cvae, regressor, test, picked, samples, new Rng(seed).derive('eval', game));
  const result = {
    game, cvaeRun: cvaeName, klTolerance, stride: spec.stride, trainExamples: train.count, testExamples: picked.length, steps, samples,
    params: { cvae: cvae.countParams(), regressor: regressor.countParams() },
    trainCpuSeconds: { cvae: +models.cvae!.cpuSeconds.toFixed(1), regressor: +models.regressor!.cpuSeconds.toFixed(1) },
    ...metrics.summary,
  };
  allResults.push(result);
  console.log(JSON.stringify(result));
  await writePng(join(values.out!, `${game}-${cvaeName}-one-step.png`), oneStepGrid(cvae, regressor, test, metrics.eventful.slice(0, 6), new Rng(seed).derive('grid', game)));
  await writeGif(join(values.out!, `${game}-${cvaeName}-futures.gif`), rolloutFrames(cvae, regressor, test, new Rng(seed).derive('rollout', game), Number(values['rollout-steps']), spec.stride), { fps: 4 });
  cvae.dispose();
  regressor.dispose();
}
await atomicWriteJson(join(values.out!, `results-${values.games!.replace(/,/g, '-')}-${cvaeName}.json`), { backend: backend.backend, options: values, results: allResults });
console.log('| game | model | params | train CPU s | MSE/pixel (all) | best-of-N MSE | MSE/pixel (eventful 10%) | best-of-N (eventful) | 1-sample MSE | posterior-z MSE | diversity (px std) | sharpness | test Σ(x−ŷ)²+KL |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of allResults as any[]) {
  const f = (v: number, d = 5) => v.toFixed(d);
  console.log(`| ${r.game} | regressor | ${r.params.regressor} | ${r.trainCpuSeconds.regressor} | ${f(r.regressor.mse)} | — | ${f(r.regressor.mseEventful)} | — | — | — | 0 | ${f(r.regressor.sharpness, 2)} | ${f(r.regressor.testLoss, 1)} |`);
  console.log(`| ${r.game} | ${r.cvaeRun} | ${r.params.cvae} | ${r.trainCpuSeconds.cvae} | — | ${f(r.cvae.bestOfN)} | — | ${f(r.cvae.bestOfNEventful)} | ${f(r.cvae.oneSample)} | ${f(r.cvae.posterior)} | ${f(r.cvae.diversity, 4)} | ${f(r.cvae.sharpness, 2)} | ${f(r.cvae.testLoss, 1)} |`);
}

/** `count` indices spread evenly over 0..n−1. */
function evenly(n: number, count: number): number[] {
  const m = Math.min(n, count);
  return Array.from({ length: m }, (_, i) => Math.floor((i * n) / m));
}

/** Mean absolute horizontal + vertical difference of neighbouring pixels: [B, S, S, C] → scalar. */
function sharpness(x: tf.Tensor4D): number {
  return tf.tidy(() => {
    const [b, s, , c] = x.shape;
    const dx = tf.abs(tf.sub(tf.slice(x, [0, 0, 1, 0], [b, s, s - 1, c]), tf.slice(x, [0, 0, 0, 0], [b, s, s - 1, c])));
    const dy = tf.abs(tf.sub(tf.slice(x, [0, 1, 0, 0], [b, s - 1, s, c]), tf.slice(x, [0, 0, 0, 0], [b, s - 1, s, c])));
    return tf.add(tf.mean(dx), tf.mean(dy)).dataSync()[0]!;
  });
}

function evaluate(cvae: FramePredictor, regressor: FramePredictor, data: Transitions, indices: number[], n: number, rng: Rng) {
  const perExample = { regressor: [] as number[], best: [] as number[], one: [] as number[], posterior: [] as number[], diversity: [] as number[], change: [] as number[] };
  let sharpTrue = 0, sharpRegressor = 0, sharpSample = 0, lossRegressor = 0, lossCvae = 0;
  for (let start = 0; start < indices.length; start += 50) {
    const chunk = indices.slice(start, start + 50);
    const out = tf.tidy(() => {
      const { past, action, next } = transitionBatch(data, chunk);
      const b = chunk.length;
      const pixelMse = (y: tf.Tensor4D) => tf.mean(tf.squaredDifference(next, y), [1, 2, 3]); // [b]
      const last = tf.slice(past, [0, 0, 0, (PAST - 1) * 3], [b, SIZE, SIZE, 3]) as tf.Tensor4D;
      const yr = regressor.predict(past, action);
      const draws = Array.from({ length: n }, () => cvae.predict(past, action, { rng })); // N × [b, S, S, C]
      const errors = tf.stack(draws.map(pixelMse), 1); // [b, N]
      const stacked = tf.stack(draws, 1); // [b, N, S, S, C]
      const std = tf.mean(tf.sqrt(tf.moments(stacked, 1).variance), [1, 2, 3]); // [b]
      const q = cvae.posterior(past, action, next);
      const enc = cvae.encodePast(past, action);
      const p = cvae.prior(enc.h);
      const yq = cvae.decode(enc, q.mu);
      const kl = diagonalGaussianKl(q.mu, q.logvar, p.mu, p.logvar); // [b]
      const sse = (y: tf.Tensor4D) => tf.sum(tf.squaredDifference(next, y), [1, 2, 3]);
      const cvaeLoss = tf.add(sse(cvae.decode(enc, tf.add(q.mu, tf.mul(tf.exp(tf.mul(0.5, q.logvar)), tf.randomNormal(q.mu.shape, 0, 1, 'float32', rng.nextSeed()))) as tf.Tensor2D)), kl);
      return {
        regressor: Array.from(pixelMse(yr).dataSync()),
        best: Array.from(tf.min(errors, 1).dataSync()),
        one: Array.from(tf.slice(errors, [0, 0], [b, 1]).dataSync()),
        posterior: Array.from(pixelMse(yq).dataSync()),
        diversity: Array.from(std.dataSync()),
        change: Array.from(pixelMse(last).dataSync()),
        sharp: [sharpness(next) * b, sharpness(yr) * b, sharpness(draws[0]!) * b],
        loss: [tf.sum(sse(yr)).dataSync()[0]!, tf.sum(cvaeLoss).dataSync()[0]!],
      };
    });
    for (const key of ['regressor', 'best', 'one', 'posterior', 'diversity', 'change'] as const) perExample[key].push(...out[key]);
    sharpTrue += out.sharp[0]!;
    sharpRegressor += out.sharp[1]!;
    sharpSample += out.sharp[2]!;
    lossRegressor += out.loss[0]!;
    lossCvae += out.loss[1]!;
  }
  const m = indices.length;
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const order = perExample.change.map((c, i) => [c, i] as const).sort((a, b) => b[0] - a[0]).map(([, i]) => i);
  const top = order.slice(0, Math.max(1, Math.round(m / 10)));
  const pick = (a: number[]) => top.map((i) => a[i]!);
  return {
    eventful: top.map((i) => indices[i]!),
    summary: {
      regressor: { mse: mean(perExample.regressor), mseEventful: mean(pick(perExample.regressor)), sharpness: sharpRegressor / sharpTrue, testLoss: lossRegressor / m },
      cvae: {
        bestOfN: mean(perExample.best), bestOfNEventful: mean(pick(perExample.best)), oneSample: mean(perExample.one), posterior: mean(perExample.posterior),
        diversity: mean(perExample.diversity), diversityEventful: mean(pick(perExample.diversity)), sharpness: sharpSample / sharpTrue, testLoss: lossCvae / m,
      },
      copyLastFrame: { mse: mean(perExample.change), mseEventful: mean(pick(perExample.change)) },
    },
  };
}

function tile(values: ArrayLike<number>, offset: number): Frame {
  const bytes = floatToBytes(Array.from({ length: SIZE * SIZE * 3 }, (_, i) => values[offset + i]!));
  return upscale(frame(bytes, SIZE, SIZE, 3), 2);
}

/** Columns: examples; rows: last past frame, true next frame, regressor, 4 CVAE samples. */
function oneStepGrid(cvae: FramePredictor, regressor: FramePredictor, data: Transitions, indices: number[], rng: Rng): Frame {
  const size = SIZE * SIZE * 3;
  const images = tf.tidy(() => {
    const { past, action, next } = transitionBatch(data, indices);
    const last = tf.slice(past, [0, 0, 0, (PAST - 1) * 3], [indices.length, SIZE, SIZE, 3]);
    const draws = Array.from({ length: 4 }, () => cvae.predict(past, action, { rng }));
    return [last, next, regressor.predict(past, action), ...draws]; // 7 × [b, S, S, 3]
  });
  const rows = images.map((t) => indices.map((_, i) => tile(t.dataSync(), i * size)));
  tf.dispose(images);
  return imageGrid(rows.flat(), rows.length, indices.length, { gap: 2 });
}

/**
 * GIF frames of 12-step futures from two test starts: columns truth, regressor, 4 CVAE samples;
 * each model feeds its own predictions back as the past, with the recorded actions.
 */
function rolloutFrames(cvae: FramePredictor, regressor: FramePredictor, data: Transitions, rng: Rng, horizon: number, step: number): Frame[] {
  const size = SIZE * SIZE * 3;
  const key = (e: number, t: number) => `${e}:${t}`;
  const at = new Map<string, number>();
  for (let i = 0; i < data.count; i++) at.set(key(data.episode[i]!, data.time[i]!), i);
  // Starts: in each of the first two test episodes, the first example (past step 20 on) whose next
  // `horizon` examples, `step` apart, all exist.
  const starts: number[] = [];
  const usedEpisodes = new Set<number>();
  for (let i = 0; i < data.count && starts.length < 2; i++) {
    const e = data.episode[i]!;
    if (usedEpisodes.has(e) || data.time[i]! < 20) continue;
    let ok = true;
    for (let h = 0; h < horizon; h++) if (at.get(key(e, data.time[i]! + h * step)) === undefined) ok = false;
    if (ok) {
      starts.push(i);
      usedEpisodes.add(e);
    }
  }
  const models: { model: FramePredictor; rng: Rng | null }[] = [
    { model: regressor, rng: null },
    ...[0, 1, 2, 3].map((j) => ({ model: cvae, rng: rng.derive('sample', j) })),
  ];
  const gif: Frame[][] = Array.from({ length: horizon }, () => []);
  for (const index of starts) {
    const e = data.episode[index]!;
    const t0 = data.time[index]!;
    const truth: Frame[] = [];
    for (let h = 0; h < horizon; h++) truth.push(tile(Float32Array.from(data.next.subarray(at.get(key(e, t0 + h * step))! * size, (at.get(key(e, t0 + h * step))! + 1) * size), (v) => v / 255), 0));
    const columns: Frame[][] = [truth];
    for (const { model, rng: sampleRng } of models) {
      const frames: Frame[] = [];
      let past = tf.tidy(() => transitionBatch(data, [index]).past);
      for (let h = 0; h < horizon; h++) {
        const i = at.get(key(e, t0 + h * step))!;
        const next = tf.tidy(() => {
          const { action, past: p, next: n } = transitionBatch(data, [i]);
          tf.dispose([p, n]);
          return model.predict(past, action, sampleRng ? { rng: sampleRng } : {});
        });
        frames.push(tile(next.dataSync(), 0));
        const shifted = tf.tidy(() => tf.concat([tf.slice(past, [0, 0, 0, 3], [1, SIZE, SIZE, 3 * (PAST - 1)]), next], 3) as tf.Tensor4D);
        tf.dispose([past, next]);
        past = shifted;
      }
      past.dispose();
      columns.push(frames);
    }
    for (let h = 0; h < horizon; h++) gif[h]!.push(...columns.map((c) => c[h]!));
  }
  return gif.map((tiles) => imageGrid(tiles, starts.length, tiles.length / starts.length, { gap: 2 }));
}
