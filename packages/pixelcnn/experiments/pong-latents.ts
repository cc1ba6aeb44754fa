/**
 * Pong: does a strong (PixelCNN) decoder make the VAE's latents carry where the objects are?
 *
 *   node --conditions=worldmodels-source --import tsx packages/pixelcnn/experiments/pong-latents.ts \
 *     [--budget small|full] [--out DIR] [--seed N]
 *
 * Stages, each resumable (kill and rerun the same command; finished stages are skipped, training
 * resumes from its last checkpoint):
 *   1. data      Pong-v0 frames under a sticky random policy, with the env's ground truth
 *                (ball and paddle centres): train and test sets as .npz.
 *   2. vae       the plain ConvVAE (@worldmodels/vae), trained on the train frames.
 *   3. pixelvae  the same ConvVAE encoder architecture + a Gated PixelCNN decoder conditioned on z,
 *                trained on the PixelCNN likelihood + KL (teacher forcing).
 *   4. evaluate  reconstructions of test frames in which the ball is visible: (a) the VAE's
 *                decode(mu), (b) the PixelVAE's greedy (temperature 0) decode of mu; the share of
 *                frames whose ball is found within 2 px of its true position, and the paddle
 *                position errors; results.json, results.md and reconstructions.png.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@worldmodels/core';
import { atomicWriteFile, atomicWriteJson, readNpz, writeNpz } from '@worldmodels/core/dataset';
import { ProgressReporter } from '@worldmodels/core/progress';
import { Rng } from '@worldmodels/core/rng';
import { make } from '@worldmodels/envs';
import { ConvVAE } from '@worldmodels/vae';
import { encoderFromConvVAE, PixelTrainer, PixelVAE, writeImageGrid, type GatedPixelCNNConfig } from '../src/index.js';
import { ballVisible, scorePositions, type GroundTruth, type PositionScores } from './pong-objects.js';

const FRAME = 64 * 64 * 3;
const SHAPE: [number, number, number] = [64, 64, 3];

interface Budget {
  trainFrames: number;
  testFrames: number;
  evalFrames: number;
  zSize: number;
  vaeWidth: number;
  vaeSteps: number;
  vaeBatch: number;
  pixelSteps: number;
  pixelBatch: number;
  decoder: Partial<GatedPixelCNNConfig>;
  checkpointEvery: number;
  /** Write a grid of greedy PixelVAE reconstructions every this many steps (0: never). */
  gridEvery: number;
}

const BUDGETS: Record<'small' | 'full', Budget> = {
  small: { trainFrames: 256, testFrames: 64, evalFrames: 4, zSize: 32, vaeWidth: 0.125, vaeSteps: 6, vaeBatch: 8, pixelSteps: 4, pixelBatch: 4, decoder: { features: 12, layers: 2, firstKernelSize: 5, skipChannels: 12, headChannels: 24 }, checkpointEvery: 2, gridEvery: 0 },
  full: { trainFrames: 20000, testFrames: 2000, evalFrames: 256, zSize: 32, vaeWidth: 1, vaeSteps: 10000, vaeBatch: 32, pixelSteps: 6000, pixelBatch: 16, decoder: { features: 24, layers: 5, firstKernelSize: 5, skipChannels: 24, headChannels: 48 }, checkpointEvery: 250, gridEvery: 1000 },
};

function parseArgs(argv: string[]): { budget: 'small' | 'full'; out: string; seed: number } {
  let budget: 'small' | 'full' = 'small';
  let out = '';
  let seed = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--budget') {
      const v = value();
      if (v !== 'small' && v !== 'full') throw new Error(`--budget must be small or full, got ${v}`);
      budget = v;
    } else if (a === '--out') out = value();
    else if (a === '--seed') {
      seed = Number(value());
      if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer`);
    } else if (a === '--help' || a === '-h') {
      process.stdout.write('pong-latents.ts [--budget small|full] [--out DIR] [--seed N]\n');
      process.exit(0);
    } else throw new Error(`unknown argument '${a}' (use --budget small|full, --out DIR, --seed N)`);
  }
  return { budget, out: resolve(out || `runs/pixelcnn-pong-${budget}`), seed };
}

const TRUTH_KEYS = ['ballX', 'ballY', 'opponentPaddleY', 'agentPaddleY', 'ballVisible'] as const;

/** Frames and ground truth of `count` steps of Pong-v0 under a sticky random policy. */
async function collect(path: string, count: number, rng: Rng, label: string): Promise<void> {
  if (existsSync(path)) return;
  const env = make('Pong-v0');
  const frames = new Uint8Array(count * FRAME);
  const truth = new Float32Array(count * TRUTH_KEYS.length);
  let action = 0;
  env.reset({ seed: rng.nextSeed() });
  const progress = new ProgressReporter({ total: count, label });
  for (let t = 0; t < count; t++) {
    if (rng.random() < 0.1) action = rng.int(3); // hold an action for ~10 frames so the agent paddle moves about
    let s = env.step(action);
    if (s.terminated || s.truncated) s = { ...s, ...env.reset({ seed: rng.nextSeed() }) };
    const info = s.info as unknown as GroundTruth & { ballInPlay: boolean };
    frames.set(s.observation as Uint8Array, t * FRAME);
    truth.set([info.ballX, info.ballY, info.opponentPaddleY, info.agentPaddleY, ballVisible(info) ? 1 : 0], t * TRUTH_KEYS.length);
    if (t % 64 === 0) progress.update(t);
  }
  progress.stop();
  env.close();
  await writeNpz(path, { frames: { data: frames, shape: [count, ...SHAPE], dtype: 'uint8' }, truth: { data: truth, shape: [count, TRUTH_KEYS.length], dtype: 'float32' } });
}

async function loadSet(path: string): Promise<{ frames: Uint8Array; truth: (GroundTruth & { visible: boolean })[] }> {
  const npz = await readNpz(path);
  const frames = npz.frames!.data as Uint8Array;
  const t = npz.truth!.data as Float32Array;
  const k = TRUTH_KEYS.length;
  const truth = Array.from({ length: t.length / k }, (_, i) => ({ ballX: t[i * k]!, ballY: t[i * k + 1]!, opponentPaddleY: t[i * k + 2]!, agentPaddleY: t[i * k + 3]!, visible: t[i * k + 4] === 1 }));
  return { frames, truth };
}

function batchOf(frames: Uint8Array, indices: number[]): tf.Tensor4D {
  const out = new Int32Array(indices.length * FRAME);
  indices.forEach((idx, b) => out.set(frames.subarray(idx * FRAME, (idx + 1) * FRAME), b * FRAME));
  return tf.tensor4d(out, [indices.length, ...SHAPE], 'int32');
}

async function main(): Promise<void> {
  const { budget: budgetName, out, seed } = parseArgs(process.argv.slice(2));
  const budget = BUDGETS[budgetName];
  const backend = await initBackend();
  await mkdir(out, { recursive: true });
  const root = new Rng(seed).derive('pong-latents');
  const log = (line: string) => process.stderr.write(`[pong-latents] ${line}\n`);
  log(`budget ${budgetName}, output ${out}, backend ${backend.backend}`);

  // 1. data
  await collect(join(out, 'train.npz'), budget.trainFrames, root.derive('data', 'train'), 'collect train');
  await collect(join(out, 'test.npz'), budget.testFrames, root.derive('data', 'test'), 'collect test');
  const train = await loadSet(join(out, 'train.npz'));
  const test = await loadSet(join(out, 'test.npz'));
  const pick = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.int(train.truth.length));

  // 2. plain ConvVAE
  const vae = new ConvVAE({ zSize: budget.zSize, width: budget.vaeWidth, seed });
  const vaeTrainer = await PixelTrainer.create<tf.Tensor4D>({ model: vae, loss: (x, rng) => tf.tidy(() => vae.loss(tf.div(x, 255), rng)), learningRate: 1e-4 * (budgetName === 'small' ? 10 : 1), checkpointDir: join(out, 'vae', 'checkpoints'), seed });
  if (vaeTrainer.step > 0) log(`vae: resuming at step ${vaeTrainer.step}`);
  await vaeTrainer.run({ steps: budget.vaeSteps, nextBatch: (_, rng) => batchOf(train.frames, pick(rng, budget.vaeBatch)), disposeBatch: (b) => b.dispose(), checkpointEvery: budget.checkpointEvery, metricsFile: join(out, 'vae', 'metrics.jsonl'), label: 'vae' });
  vaeTrainer.dispose();

  // 3. ConvVAE encoder + Gated PixelCNN decoder
  const encoder = encoderFromConvVAE(new ConvVAE({ zSize: budget.zSize, width: budget.vaeWidth, seed: seed + 1 }));
  const pvae = new PixelVAE({ imageShape: SHAPE, zSize: budget.zSize, decoder: budget.decoder, seed }, encoder);
  log(`pixelvae: ${pvae.countParams()} parameters (decoder ${pvae.decoder.countParams()})`);
  const pixelTrainer = await PixelTrainer.create<tf.Tensor4D>({ model: pvae, loss: (x, rng) => pvae.lossTerms(x, rng), learningRate: 1e-3, clipNorm: 100, checkpointDir: join(out, 'pixelvae', 'checkpoints'), seed });
  if (pixelTrainer.step > 0) log(`pixelvae: resuming at step ${pixelTrainer.step}`);
  const gridFrames = test.truth.map((t, i) => (t.visible ? i : -1)).filter((i) => i >= 0).slice(0, 4);
  const writeGrid = async (step: number) => {
    const x = batchOf(test.frames, gridFrames);
    const x01 = tf.div(x, 255);
    const { mu, logvar } = pvae.encode(x01);
    const bytes = pvae.decodeBytes(mu, { temperature: 0 });
    const both = new Uint8Array(2 * gridFrames.length * FRAME);
    both.set(Uint8Array.from(x.dataSync()));
    both.set(bytes, gridFrames.length * FRAME);
    tf.dispose([x, x01, mu, logvar]);
    await writeImageGrid(join(out, 'pixelvae', `reconstructions-step-${String(step).padStart(6, '0')}.png`), both, SHAPE, 2, gridFrames.length, 2);
  };
  await pixelTrainer.run({
    steps: budget.pixelSteps,
    nextBatch: (_, rng) => batchOf(train.frames, pick(rng, budget.pixelBatch)),
    disposeBatch: (b) => b.dispose(),
    checkpointEvery: budget.checkpointEvery,
    metricsFile: join(out, 'pixelvae', 'metrics.jsonl'),
    label: 'pixelvae',
    ...(budget.gridEvery > 0 && gridFrames.length > 0 && { periodic: { everySteps: budget.gridEvery, run: writeGrid } }),
  });
  pixelTrainer.dispose();

  // 4. evaluation on test frames with the ball visible
  const resultsPath = join(out, 'results.json');
  const evalIdx = test.truth.map((t, i) => (t.visible ? i : -1)).filter((i) => i >= 0).slice(0, budget.evalFrames);
  if (evalIdx.length === 0) throw new Error('no test frame has the ball visible; collect more test frames');
  const truth = evalIdx.map((i) => test.truth[i]!);
  const originals = new Uint8Array(evalIdx.length * FRAME);
  evalIdx.forEach((idx, b) => originals.set(test.frames.subarray(idx * FRAME, (idx + 1) * FRAME), b * FRAME));
  const x = batchOf(test.frames, evalIdx);
  const x01 = tf.div(x, 255);
  const vaeRecon = tf.tidy(() => tf.round(tf.mul(vae.reconstruct(x01), 255)));
  const vaeBytes = Uint8Array.from(vaeRecon.dataSync());
  const { mu, logvar } = pvae.encode(x01);
  const progress = new ProgressReporter({ total: 64, label: 'pixelvae greedy decode' });
  const pixelBytes = pvae.decodeBytes(mu, { temperature: 0, onRow: (row) => progress.update(row) });
  progress.stop();
  const testBpd = tf.tidy(() => pvae.lossTerms(x, root.derive('eval')).bitsPerDim.dataSync()[0]!);
  tf.dispose([x, x01, vaeRecon, mu, logvar]);
  const scores: Record<string, PositionScores> = { originals: scorePositions(originals, truth), vae: scorePositions(vaeBytes, truth), pixelvae: scorePositions(pixelBytes, truth) };
  const result = { budget: budgetName, seed, backend: backend.backend, evalFrames: evalIdx.length, vaeSteps: budget.vaeSteps, pixelSteps: budget.pixelSteps, pixelVaeTestBitsPerDim: testBpd, scores, finishedAt: new Date().toISOString() };
  await atomicWriteJson(resultsPath, result);
  const fmt = (v: number | null, d = 2) => (v === null ? '–' : v.toFixed(d));
  const rows = Object.entries(scores).map(([name, s]) => `| ${name} | ${s.frames} | ${fmt(s.ballWithinRadius * 100, 1)}% | ${fmt(s.ballPresent * 100, 1)}% | ${fmt(s.opponentPaddleError)} (${fmt(s.opponentPaddleFound * 100, 0)}%) | ${fmt(s.agentPaddleError)} (${fmt(s.agentPaddleFound * 100, 0)}%) |`);
  const table = ['| reconstruction | frames | ball within 2 px | ball present | opponent paddle error px (found) | agent paddle error px (found) |', '|---|---|---|---|---|---|', ...rows].join('\n');
  await atomicWriteFile(join(out, 'results.md'), `${table}\n\nbudget ${budgetName}; PixelVAE test bits/dim ${testBpd.toFixed(3)}\n`);
  const cols = Math.min(8, evalIdx.length);
  const grid = new Uint8Array(3 * cols * FRAME);
  for (let c = 0; c < cols; c++) {
    grid.set(originals.subarray(c * FRAME, (c + 1) * FRAME), c * FRAME);
    grid.set(vaeBytes.subarray(c * FRAME, (c + 1) * FRAME), (cols + c) * FRAME);
    grid.set(pixelBytes.subarray(c * FRAME, (c + 1) * FRAME), (2 * cols + c) * FRAME);
  }
  await writeImageGrid(join(out, 'reconstructions.png'), grid, SHAPE, 3, cols, 2);
  process.stdout.write(`${table}\n`);
  log(`results in ${resultsPath}; rows of reconstructions.png: originals, ConvVAE, ConvVAE encoder + PixelCNN decoder`);
  vae.dispose();
  pvae.dispose();
}

main().catch((error: unknown) => {
  process.stderr.write(`pong-latents: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
