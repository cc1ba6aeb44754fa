/**
 * Pong: does a strong (PixelCNN) decoder make the VAE's latents carry where the objects are?
 *
 *   node --conditions=worldmodels-source --import tsx packages/pixelcnn/experiments/pong-latents.ts \
 *     [--budget small|medium|full] [--out DIR] [--seed N] [--vae-steps N] [--pixel-steps N]
 *     [--decoder-layers N] [--decoder-first-kernel K] [--decoder-kernel K] [--free-bits NATS] [--cond-map D]
 *
 * --vae-steps / --pixel-steps override the budget's step counts (e.g. to evaluate a run whose
 * training was stopped early at a checkpoint: pass the checkpoint's step); results.json records them.
 * --decoder-layers / --decoder-first-kernel / --decoder-kernel replace the PixelVAE decoder's depth
 * and kernel sizes (a small receptive field, as in the Variational Lossy Autoencoder), --free-bits
 * its KL floor in nats per latent dimension, --cond-map D conditions the decoder on a map
 * [H, W, D] computed from z (van den Oord et al. 2016, §2.3) instead of on z, which is added the same
 * at every position; they too are recorded.
 *
 * Stages, each resumable (kill and rerun the same command; finished stages are skipped, training
 * resumes from its last checkpoint):
 *   1. data      Pong-v0 frames under a sticky random policy, with the env's ground truth
 *                (ball and paddle centres): train and test sets as .npz.
 *   2. vae       the plain ConvVAE (@worldmodels/vae), trained on the train frames.
 *   3. pixelvae  a ConvVAE-shaped encoder + a Gated PixelCNN decoder conditioned on z,
 *                trained on the PixelCNN likelihood + KL (teacher forcing).
 *   4. evaluate  reconstructions of test frames in which the ball is visible: (a) the VAE's
 *                decode(mu), (b) the PixelVAE's decode of mu at each budget temperature (0 =
 *                greedy); the share of frames whose ball is found within 2 px of its true position,
 *                and the paddle position errors. Then K sampled decodes of mu per frame at each
 *                sampled temperature (the share of samples with the ball within 2 px, and of frames
 *                where any of the K has it), with a chance control (decodes of another frame's mu).
 *                Then a linear probe: ridge regression from each encoder's mu to the ball and
 *                paddle centres (experiments/latent-probe.ts), beside a mean-position baseline.
 *                results.json, results.md, reconstructions.png, sampled-decodes.png and
 *                samples.png (PixelVAE samples from the prior).
 *
 * Budgets with `frameSize: 32` (medium) work on 32×32 frames: every other row and column of the
 * 64×64 frame (nearest-neighbour), which keeps the 2×2 ball as one pixel of its own colour and the
 * paddles as 1×4 bars. The ConvVAE, whose architecture is fixed at 64×64, sees those frames scaled
 * back up 2× (each pixel a 2×2 block: the same information); the PixelVAE models the 32×32 frame.
 * Every reconstruction is scaled to 64×64 the same way before the detector scores it, and the
 * originals row scores the 32×32 originals, so it shows what the downsampling itself loses.
 *
 * CPU time (process.cpuUsage: user + system over all threads) is recorded per phase; training's
 * is kept in its checkpoints, so it adds up over kills and resumes.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@worldmodels/core';
import { atomicWriteFile, atomicWriteJson, readJsonFile, readNpz, writeNpz } from '@worldmodels/core/dataset';
import { ProgressReporter } from '@worldmodels/core/progress';
import { Rng } from '@worldmodels/core/rng';
import { make } from '@worldmodels/envs';
import { ConvVAE } from '@worldmodels/vae';
import { ConvEncoder, encoderFromConvVAE, PixelTrainer, PixelVAE, writeImageGrid, type GatedPixelCNNConfig } from '../src/index.js';
import { doubleFrames, halveFrames } from './pong-frames.js';
import { probeLatentPositions, type LatentProbeResult } from './latent-probe.js';
import { ballVisible, scorePositions, scoreSamples, type GroundTruth, type PositionScores, type SampleScores } from './pong-objects.js';

const FRAME = 64 * 64 * 3;
const SHAPE: [number, number, number] = [64, 64, 3];

type BudgetName = 'small' | 'medium' | 'full';

interface Budget {
  /** Side of the frames the models see: 64 (the env's) or 32 (every other row and column). */
  frameSize: 64 | 32;
  trainFrames: number;
  testFrames: number;
  evalFrames: number;
  zSize: number;
  vaeWidth: number;
  vaeSteps: number;
  vaeBatch: number;
  vaeLearningRate: number;
  pixelSteps: number;
  pixelBatch: number;
  decoder: Partial<GatedPixelCNNConfig>;
  /** PixelVAE free bits (KL floored at klTolerance · zSize nats; the ConvVAE's is 0.5). */
  pixelKlTolerance: number;
  /** Channels D of the PixelVAE's location-dependent conditioning map of z (0: z is a conditioning vector, the same at every position). */
  conditionMapChannels: number;
  /** PixelVAE decode temperatures scored in the evaluation, one decode per frame (0 = greedy). */
  temperatures: number[];
  /** Temperatures at which `samplesPerFrame` decodes of each of the first `sampledFrames` evaluation frames are scored. */
  sampledTemperatures: number[];
  samplesPerFrame: number;
  sampledFrames: number;
  checkpointEvery: number;
  /** Write a grid of greedy PixelVAE reconstructions every this many steps (0: never). */
  gridEvery: number;
}

const BUDGETS: Record<BudgetName, Budget> = {
  small: { frameSize: 64, trainFrames: 256, testFrames: 64, evalFrames: 4, zSize: 32, vaeWidth: 0.125, vaeSteps: 6, vaeBatch: 8, vaeLearningRate: 1e-3, pixelSteps: 4, pixelBatch: 4, decoder: { features: 12, layers: 2, firstKernelSize: 5, skipChannels: 12, headChannels: 24 }, pixelKlTolerance: 0, temperatures: [0], sampledTemperatures: [1], samplesPerFrame: 2, sampledFrames: 2, checkpointEvery: 2, gridEvery: 0, conditionMapChannels: 0 },
  // About 10 CPU-minutes of training on the development machine, split evenly between (a) and (b):
  // a ConvVAE step (width 0.5, batch 32) costs ~0.14 CPU-s, a PixelVAE step (32×32, F 12, 4 layers, batch 8) ~1.0.
  medium: { frameSize: 32, trainFrames: 8000, testFrames: 1000, evalFrames: 128, zSize: 32, vaeWidth: 0.5, vaeSteps: 2000, vaeBatch: 32, vaeLearningRate: 5e-4, pixelSteps: 300, pixelBatch: 8, decoder: { features: 12, layers: 4, firstKernelSize: 5, skipChannels: 12, headChannels: 24 }, pixelKlTolerance: 0.5, temperatures: [0, 0.3], sampledTemperatures: [0.7, 1], samplesPerFrame: 4, sampledFrames: 64, checkpointEvery: 25, gridEvery: 100, conditionMapChannels: 0 },
  full: { frameSize: 64, trainFrames: 20000, testFrames: 2000, evalFrames: 256, zSize: 32, vaeWidth: 1, vaeSteps: 10000, vaeBatch: 32, vaeLearningRate: 1e-4, pixelSteps: 6000, pixelBatch: 16, decoder: { features: 24, layers: 5, firstKernelSize: 5, skipChannels: 24, headChannels: 48 }, pixelKlTolerance: 0, temperatures: [0], sampledTemperatures: [0.7, 1], samplesPerFrame: 4, sampledFrames: 64, checkpointEvery: 250, gridEvery: 1000, conditionMapChannels: 0 },
};

interface Args {
  budget: BudgetName;
  out: string;
  seed: number;
  /** Step counts and the KL floor that replace the budget's. */
  overrides: Partial<Pick<Budget, 'vaeSteps' | 'pixelSteps' | 'pixelKlTolerance' | 'conditionMapChannels'>>;
  /** Decoder options that replace the budget's (layers, kernel sizes). */
  decoder: Partial<GatedPixelCNNConfig>;
}

const USAGE = `pong-latents.ts [--budget small|medium|full] [--out DIR] [--seed N] [--vae-steps N] [--pixel-steps N]
  [--decoder-layers N] [--decoder-first-kernel K] [--decoder-kernel K] [--free-bits NATS] [--cond-map D]
    --decoder-*     the PixelVAE decoder's gated layers and (odd) kernel sizes, replacing the budget's:
                    fewer layers and smaller kernels shrink its receptive field (VLAE)
    --free-bits     the PixelVAE's KL floor in nats per latent dimension (the floor is this times zSize)
    --cond-map      D > 0: the decoder is conditioned on a map [H, W, D] computed from z (location-dependent)
                    instead of on z itself (added the same at every position); 0 (default): on z`;

function parseArgs(argv: string[]): Args {
  let budget: BudgetName = 'small';
  let out = '';
  let seed = 0;
  const overrides: Args['overrides'] = {};
  const decoder: Args['decoder'] = {};
  const stepCount = (flag: string, v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a non-negative integer, got ${v}`);
    return n;
  };
  const positive = (flag: string, v: string, odd = false) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || (odd && n % 2 === 0)) throw new Error(`${flag} must be a${odd ? 'n odd' : ''} positive integer, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--budget') {
      const v = value();
      if (v !== 'small' && v !== 'medium' && v !== 'full') throw new Error(`--budget must be small, medium or full, got ${v}`);
      budget = v;
    } else if (a === '--out') out = value();
    else if (a === '--seed') {
      seed = Number(value());
      if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer`);
    } else if (a === '--vae-steps') overrides.vaeSteps = stepCount(a, value());
    else if (a === '--pixel-steps') overrides.pixelSteps = stepCount(a, value());
    else if (a === '--cond-map') overrides.conditionMapChannels = stepCount(a, value());
    else if (a === '--decoder-layers') decoder.layers = positive(a, value());
    else if (a === '--decoder-first-kernel') decoder.firstKernelSize = positive(a, value(), true);
    else if (a === '--decoder-kernel') decoder.kernelSize = positive(a, value(), true);
    else if (a === '--free-bits') {
      const v = value();
      const n = Number(v);
      if (!(n >= 0) || !Number.isFinite(n)) throw new Error(`--free-bits must be a number >= 0 (nats per latent dimension), got ${v}`);
      overrides.pixelKlTolerance = n;
    } else if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new Error(`unknown argument '${a}'\n${USAGE}`);
  }
  return { budget, out: resolve(out || `runs/pixelcnn-pong-${budget}`), seed, overrides, decoder };
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

function batchOf(frames: Uint8Array, indices: number[], shape: [number, number, number] = SHAPE): tf.Tensor4D {
  const per = shape[0] * shape[1] * shape[2];
  const out = new Int32Array(indices.length * per);
  indices.forEach((idx, b) => out.set(frames.subarray(idx * per, (idx + 1) * per), b * per));
  return tf.tensor4d(out, [indices.length, ...shape], 'int32');
}

function gather(frames: Uint8Array, indices: number[], per: number): Uint8Array {
  const out = new Uint8Array(indices.length * per);
  indices.forEach((idx, b) => out.set(frames.subarray(idx * per, (idx + 1) * per), b * per));
  return out;
}

/** Encoder means μ [indices.length, zSize] of the frames at `indices` ([N, ...shape] bytes), in chunks of 256. */
function encodeMeans(encode: (x01: tf.Tensor4D) => { mu: tf.Tensor2D; logvar: tf.Tensor2D }, frames: Uint8Array, indices: number[], shape: [number, number, number], zSize: number): Float32Array {
  const out = new Float32Array(indices.length * zSize);
  for (let i = 0; i < indices.length; i += 256) {
    const chunk = indices.slice(i, i + 256);
    const mu = tf.tidy(() => encode(tf.div(batchOf(frames, chunk, shape), 255) as tf.Tensor4D).mu); // [b, zSize]
    out.set(mu.dataSync(), i * zSize);
    mu.dispose();
  }
  return out;
}

/** Each of `n` rows tiled `k` times, frame-major: [n, d] → [n·k, d] (row i·k + j is row i). */
function tileRows(x: tf.Tensor2D, k: number): tf.Tensor2D {
  return tf.tidy(() => tf.reshape(tf.tile(tf.expandDims(x, 1), [1, k, 1]), [x.shape[0] * k, x.shape[1]]) as tf.Tensor2D);
}

/** A random derangement of 0..n−1 (no index maps to itself; n ≥ 2): a cycle through a shuffled order. */
function derangement(n: number, rng: Rng): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const partner = new Array<number>(n);
  for (let j = 0; j < n; j++) partner[order[j]!] = order[(j + 1) % n]!;
  return partner;
}

/** Sample j of every frame from frame-major [n·k, 64, 64, 3] decodes → [n, 64, 64, 3]. */
function pickSample(frames: Uint8Array, k: number, j: number): Uint8Array {
  const n = frames.length / (k * FRAME);
  const out = new Uint8Array(n * FRAME);
  for (let i = 0; i < n; i++) out.set(frames.subarray((i * k + j) * FRAME, (i * k + j + 1) * FRAME), i * FRAME);
  return out;
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

/** CPU seconds of the phases that keep no checkpoint of their own (data collection, evaluation), in `cpu.json`. */
class CpuLedger {
  private constructor(private readonly path: string, readonly seconds: Record<string, number>) {}

  static async open(path: string): Promise<CpuLedger> {
    return new CpuLedger(path, existsSync(path) ? ((await readJsonFile(path, "CPU ledger")) as Record<string, number>) : {});
  }

  /** Runs `fn` and records its CPU time under `phase` (replacing an earlier record: a rerun phase starts over). */
  async time<T>(phase: string, fn: () => T | Promise<T>): Promise<T> {
    const start = process.cpuUsage();
    const result = await fn();
    this.seconds[phase] = cpuSince(start);
    await atomicWriteJson(this.path, this.seconds);
    return result;
  }
}

const temperatureLabel = (t: number) => (t === 0 ? 'pixelvae greedy' : `pixelvae T=${t}`);

async function main(): Promise<void> {
  const { budget: budgetName, out, seed, overrides, decoder: decoderOverrides } = parseArgs(process.argv.slice(2));
  const base = BUDGETS[budgetName];
  const budget = { ...base, ...overrides, decoder: { ...base.decoder, ...decoderOverrides } };
  const backend = await initBackend();
  await mkdir(out, { recursive: true });
  const root = new Rng(seed).derive('pong-latents');
  const log = (line: string) => process.stderr.write(`[pong-latents] ${line}\n`);
  const size = budget.frameSize;
  const modelShape: [number, number, number] = [size, size, 3];
  const modelFrame = size * size * 3;
  /** Frames as the PixelVAE sees them ([N, size, size, 3]) and as the ConvVAE and the detector see them ([N, 64, 64, 3]). */
  const views = (frames64: Uint8Array) => {
    if (size === 64) return { model: frames64, full: frames64 };
    const model = halveFrames(frames64, 64);
    return { model, full: doubleFrames(model, size) };
  };
  const to64 = (frames: Uint8Array) => (size === 64 ? frames : doubleFrames(frames, size));
  log(`budget ${budgetName} (${size}×${size} frames), output ${out}, backend ${backend.backend}`);
  const cpu = await CpuLedger.open(join(out, 'cpu.json'));

  // 1. data
  for (const [name, count] of [['train', budget.trainFrames], ['test', budget.testFrames]] as const) {
    const path = join(out, `${name}.npz`);
    if (!existsSync(path)) await cpu.time(`collect ${name}`, () => collect(path, count, root.derive('data', name), `collect ${name}`));
  }
  const trainSet = await loadSet(join(out, 'train.npz'));
  const testSet = await loadSet(join(out, 'test.npz'));
  const train = views(trainSet.frames);
  const test = views(testSet.frames);
  const pick = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.int(trainSet.truth.length));

  // 2. plain ConvVAE (64×64 input; at frameSize 32 the doubled 32×32 frames)
  const vae = new ConvVAE({ zSize: budget.zSize, width: budget.vaeWidth, seed });
  const vaeTrainer = await PixelTrainer.create<tf.Tensor4D>({ model: vae, loss: (x, rng) => tf.tidy(() => vae.loss(tf.div(x, 255), rng)), learningRate: budget.vaeLearningRate, checkpointDir: join(out, 'vae', 'checkpoints'), seed });
  if (vaeTrainer.step > 0) log(`vae: resuming at step ${vaeTrainer.step}`);
  await vaeTrainer.run({ steps: budget.vaeSteps, nextBatch: (_, rng) => batchOf(train.full, pick(rng, budget.vaeBatch)), disposeBatch: (b) => b.dispose(), checkpointEvery: budget.checkpointEvery, metricsFile: join(out, 'vae', 'metrics.jsonl'), label: 'vae' });
  const vaeCpu = vaeTrainer.cpuSeconds;
  vaeTrainer.dispose();

  // 3. ConvVAE-shaped encoder + Gated PixelCNN decoder
  const encoder =
    size === 64
      ? encoderFromConvVAE(new ConvVAE({ zSize: budget.zSize, width: budget.vaeWidth, seed: seed + 1 }))
      : new ConvEncoder({ imageShape: modelShape, zSize: budget.zSize, channels: [32, 64, 128, 256].map((c) => Math.max(1, Math.round(c * budget.vaeWidth))), seed: seed + 1 });
  const conditionMap = budget.conditionMapChannels > 0 ? { channels: budget.conditionMapChannels } : null;
  const pvae = new PixelVAE({ imageShape: modelShape, zSize: budget.zSize, klTolerance: budget.pixelKlTolerance, decoder: budget.decoder, conditionMap, seed }, encoder);
  const field = pvae.decoder.receptiveField();
  log(`pixelvae: ${pvae.countParams()} parameters (decoder ${pvae.decoder.countParams()}, receptive field ${field.rowsAbove} rows above × ${2 * field.halfWidth + 1} columns); vae: ${vae.countParams()}`);
  const pixelTrainer = await PixelTrainer.create<tf.Tensor4D>({ model: pvae, loss: (x, rng) => pvae.lossTerms(x, rng), learningRate: 1e-3, clipNorm: 100, checkpointDir: join(out, 'pixelvae', 'checkpoints'), seed });
  if (pixelTrainer.step > 0) log(`pixelvae: resuming at step ${pixelTrainer.step}`);
  const gridFrames = testSet.truth.map((t, i) => (t.visible ? i : -1)).filter((i) => i >= 0).slice(0, 4);
  const gridScale = 128 / size;
  const writeGrid = async (step: number) => {
    const x = batchOf(test.model, gridFrames, modelShape);
    const x01 = tf.div(x, 255);
    const { mu, logvar } = pvae.encode(x01);
    const bytes = pvae.decodeBytes(mu, { temperature: 0 });
    const both = new Uint8Array(2 * gridFrames.length * modelFrame);
    both.set(Uint8Array.from(x.dataSync()));
    both.set(bytes, gridFrames.length * modelFrame);
    tf.dispose([x, x01, mu, logvar]);
    await writeImageGrid(join(out, 'pixelvae', `reconstructions-step-${String(step).padStart(6, '0')}.png`), both, modelShape, 2, gridFrames.length, gridScale);
  };
  await pixelTrainer.run({
    steps: budget.pixelSteps,
    nextBatch: (_, rng) => batchOf(train.model, pick(rng, budget.pixelBatch), modelShape),
    disposeBatch: (b) => b.dispose(),
    checkpointEvery: budget.checkpointEvery,
    metricsFile: join(out, 'pixelvae', 'metrics.jsonl'),
    label: 'pixelvae',
    ...(budget.gridEvery > 0 && gridFrames.length > 0 && { periodic: { everySteps: budget.gridEvery, run: writeGrid } }),
  });
  const pixelCpu = pixelTrainer.cpuSeconds;
  pixelTrainer.dispose();

  // 4. evaluation on test frames with the ball visible, every reconstruction scored at 64×64
  const resultsPath = join(out, 'results.json');
  const evalIdx = testSet.truth.map((t, i) => (t.visible ? i : -1)).filter((i) => i >= 0).slice(0, budget.evalFrames);
  if (evalIdx.length === 0) throw new Error('no test frame has the ball visible; collect more test frames');
  const truth = evalIdx.map((i) => testSet.truth[i]!);
  const originals = gather(test.full, evalIdx, FRAME);
  const vaeBytes = await cpu.time('evaluate vae', () => {
    const x01 = tf.tidy(() => tf.div(batchOf(test.full, evalIdx), 255));
    const recon = tf.tidy(() => tf.round(tf.mul(vae.reconstruct(x01), 255)));
    const bytes = Uint8Array.from(recon.dataSync());
    tf.dispose([x01, recon]);
    return bytes;
  });
  const x = batchOf(test.model, evalIdx, modelShape);
  const x01 = tf.div(x, 255);
  const { mu, logvar } = pvae.encode(x01);
  const decoded: Record<string, Uint8Array> = {};
  for (const t of budget.temperatures) {
    const label = temperatureLabel(t);
    const progress = new ProgressReporter({ total: size, label: `${label} decode` });
    decoded[label] = await cpu.time(`evaluate ${label}`, () => to64(pvae.decodeBytes(mu, { temperature: t, rng: root.derive('decode', String(t)), onRow: (row) => progress.update(row) })));
    progress.stop();
  }
  // K sampled decodes of each of the first `sampledFrames` frames at each sampled temperature, and a
  // chance control: T = 1 decodes of *another* frame's μ, scored against this frame's ground truth.
  const sampledCount = Math.min(budget.sampledFrames, evalIdx.length);
  const sampledTruth = truth.slice(0, sampledCount);
  const k = budget.samplesPerFrame;
  const muSampled = tf.slice(mu, [0, 0], [sampledCount, budget.zSize]) as tf.Tensor2D; // [n, zSize]
  const sampled: Record<string, Uint8Array> = {};
  const sampleScores: Record<string, SampleScores> = {};
  const decodeSamples = async (label: string, z: tf.Tensor2D, temperature: number) => {
    const tiled = tileRows(z, k); // [n·K, zSize], frame-major
    const progress = new ProgressReporter({ total: size, label: `${label} decode` });
    const bytes = await cpu.time(`evaluate ${label}`, () => to64(pvae.decodeBytes(tiled, { temperature, rng: root.derive('decode samples', label), onRow: (row) => progress.update(row) })));
    progress.stop();
    tiled.dispose();
    sampled[label] = bytes;
    sampleScores[label] = scoreSamples(bytes, sampledTruth, k);
  };
  for (const t of budget.sampledTemperatures) await decodeSamples(`pixelvae T=${t}, ${k} samples`, muSampled, t);
  if (sampledCount >= 2) {
    const muOther = tf.gather(muSampled, derangement(sampledCount, root.derive('chance'))) as tf.Tensor2D; // [n, zSize]
    await decodeSamples(`chance: pixelvae T=1, ${k} samples of another frame's mu`, muOther, 1);
    muOther.dispose();
  }
  muSampled.dispose();

  // Latent probe: ridge regression from μ to the object positions, fitted on the ball-visible
  // training frames and scored on every ball-visible test frame, for both encoders.
  const visible = (set: typeof trainSet) => set.truth.map((t, i) => (t.visible ? i : -1)).filter((i) => i >= 0);
  const trainVisible = visible(trainSet);
  const testVisible = visible(testSet);
  const probes = await cpu.time('latent probe', () => {
    const trainTruth = trainVisible.map((i) => trainSet.truth[i]!);
    const testTruth = testVisible.map((i) => testSet.truth[i]!);
    const probe = (encode: (x01: tf.Tensor4D) => { mu: tf.Tensor2D; logvar: tf.Tensor2D }, trainFrames: Uint8Array, testFrames: Uint8Array, shape: [number, number, number]): LatentProbeResult =>
      probeLatentPositions(
        { latents: encodeMeans(encode, trainFrames, trainVisible, shape, budget.zSize), truth: trainTruth },
        { latents: encodeMeans(encode, testFrames, testVisible, shape, budget.zSize), truth: testTruth },
        budget.zSize,
      );
    return { vae: probe((x01) => vae.encode(x01), train.full, test.full, SHAPE), pixelvae: probe((x01) => pvae.encode(x01), train.model, test.model, modelShape) };
  });
  let bpdSum = 0;
  for (let i = 0; i < evalIdx.length; i += 32) {
    const chunk = evalIdx.slice(i, i + 32);
    const xc = batchOf(test.model, chunk, modelShape);
    bpdSum += tf.tidy(() => pvae.lossTerms(xc, root.derive('eval')).bitsPerDim.dataSync()[0]!) * chunk.length;
    xc.dispose();
  }
  const testBpd = bpdSum / evalIdx.length;
  const samples = await cpu.time('prior samples', () => {
    const z = tf.randomNormal([8, budget.zSize], 0, 1, 'float32', root.derive('prior').nextSeed());
    const bytes = pvae.decodeBytes(z, { temperature: 1, rng: root.derive('prior samples') });
    z.dispose();
    return bytes;
  });
  await writeImageGrid(join(out, 'samples.png'), samples, modelShape, 1, 8, gridScale);
  tf.dispose([x, x01, mu, logvar]);
  const scores: Record<string, PositionScores> = { originals: scorePositions(originals, truth), vae: scorePositions(vaeBytes, truth) };
  for (const [label, bytes] of Object.entries(decoded)) scores[label] = scorePositions(bytes, truth);
  const cpuSeconds = { ...cpu.seconds, 'train vae': vaeCpu, 'train pixelvae': pixelCpu };
  const result = {
    budget: budgetName, overrides: { ...overrides, ...(Object.keys(decoderOverrides).length > 0 && { decoder: decoderOverrides }) }, seed, backend: backend.backend, frameSize: size, evalFrames: evalIdx.length,
    vae: { width: budget.vaeWidth, steps: budget.vaeSteps, batch: budget.vaeBatch, learningRate: budget.vaeLearningRate, params: vae.countParams() },
    pixelvae: { steps: budget.pixelSteps, batch: budget.pixelBatch, decoder: budget.decoder, receptiveField: field, conditionMap: pvae.conditionMap?.config ?? null, klTolerance: budget.pixelKlTolerance, params: pvae.countParams(), decoderParams: pvae.decoder.countParams() },
    pixelVaeTestBitsPerDim: testBpd, scores, sampledFrames: sampledCount, samplesPerFrame: k, sampleScores, probe: probes, cpuSeconds, finishedAt: new Date().toISOString(),
  };
  await atomicWriteJson(resultsPath, result);
  const fmt = (v: number | null, d = 2) => (v === null ? '–' : v.toFixed(d));
  const rows = Object.entries(scores).map(([name, s]) => `| ${name} | ${s.frames} | ${fmt(s.ballWithinRadius * 100, 1)}% | ${fmt(s.ballPresent * 100, 1)}% | ${fmt(s.opponentPaddleError)} (${fmt(s.opponentPaddleFound * 100, 0)}%) | ${fmt(s.agentPaddleError)} (${fmt(s.agentPaddleFound * 100, 0)}%) |`);
  const table = ['| reconstruction | frames | ball within 2 px | ball present | opponent paddle error px (found) | agent paddle error px (found) |', '|---|---|---|---|---|---|', ...rows].join('\n');
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const sampleTable = [
    `| sampled decodes (${sampledCount} frames × ${k}) | samples with ball within 2 px | frames with ≥ 1 of ${k} within 2 px | samples with a ball | opponent paddle error px (found) | agent paddle error px (found) |`,
    '|---|---|---|---|---|---|',
    ...Object.entries(sampleScores).map(([name, s]) => `| ${name} | ${pct(s.sampleBallWithinRadius)} | ${pct(s.frameAnyBallWithinRadius)} | ${pct(s.sampleBallPresent)} | ${fmt(s.opponentPaddleError)} (${fmt(s.opponentPaddleFound * 100, 0)}%) | ${fmt(s.agentPaddleError)} (${fmt(s.agentPaddleFound * 100, 0)}%) |`),
  ].join('\n');
  const probeTable = [
    `| ridge probe from mu (train ${trainVisible.length} / test ${testVisible.length} ball-visible frames) | ball error px | ball within 2 px | opponent paddle error px | agent paddle error px |`,
    '|---|---|---|---|---|',
    ...Object.entries(probes).flatMap(([name, r]) =>
      [['probe', r.probe], ['mean-position baseline', r.baseline]].map(([kind, e]) => {
        const p = e as LatentProbeResult['probe'];
        return `| ${name} ${kind}${kind === 'probe' ? ` (λ ${r.lambda}·N)` : ''} | ${fmt(p.ballError)} | ${pct(p.ballWithinRadius)} | ${fmt(p.opponentPaddleError)} | ${fmt(p.agentPaddleError)} |`;
      }),
    ),
  ].join('\n');
  const cpuTable = ['| phase | CPU s |', '|---|---|', ...Object.entries(cpuSeconds).map(([k, v]) => `| ${k} | ${v.toFixed(1)} |`)].join('\n');
  await atomicWriteFile(join(out, 'results.md'), `${table}\n\n${sampleTable}\n\n${probeTable}\n\n${cpuTable}\n\nbudget ${budgetName} (${size}×${size} frames); PixelVAE test bits/dim ${testBpd.toFixed(3)}\n`);
  const cols = Math.min(8, evalIdx.length);
  // The first sample of each sampled temperature joins the grid when enough frames were sampled.
  const firstSamples = sampledCount >= cols ? budget.sampledTemperatures.map((t) => pickSample(sampled[`pixelvae T=${t}, ${k} samples`]!, k, 0)) : [];
  const rowsOfGrid = [originals, vaeBytes, ...Object.values(decoded), ...firstSamples];
  const grid = new Uint8Array(rowsOfGrid.length * cols * FRAME);
  rowsOfGrid.forEach((frames, r) => grid.set(frames.subarray(0, cols * FRAME), r * cols * FRAME));
  await writeImageGrid(join(out, 'reconstructions.png'), grid, SHAPE, rowsOfGrid.length, cols, 2);
  // Every sample of the first `cols` frames: rows originals, then K rows per sampled temperature.
  if (sampledCount >= cols) {
    const sampleRows = [originals, ...Object.entries(sampled).filter(([name]) => !name.startsWith('chance')).flatMap(([, bytes]) => Array.from({ length: k }, (_, j) => pickSample(bytes, k, j)))];
    const sampleGrid = new Uint8Array(sampleRows.length * cols * FRAME);
    sampleRows.forEach((frames, r) => sampleGrid.set(frames.subarray(0, cols * FRAME), r * cols * FRAME));
    await writeImageGrid(join(out, 'sampled-decodes.png'), sampleGrid, SHAPE, sampleRows.length, cols, 1);
  }
  process.stdout.write(`${table}\n\n${sampleTable}\n\n${probeTable}\n\n${cpuTable}\n`);
  log(`results in ${resultsPath}; rows of reconstructions.png: originals, ConvVAE, then the PixelVAE at ${budget.temperatures.map(temperatureLabel).join(', ')}${firstSamples.length > 0 ? `, then the first sample at ${budget.sampledTemperatures.map((t) => `T=${t}`).join(', ')}` : ''}`);
  vae.dispose();
  pvae.dispose();
}

main().catch((error: unknown) => {
  process.stderr.write(`pong-latents: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
