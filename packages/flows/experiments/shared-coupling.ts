/**
 * The shared-coupling experiment: does sharing the coupling networks' parameters across all flow
 * steps keep bits/dim with a fraction of the memory and a faster step? (Claim from an OpenAI 2018
 * intern talk: same CIFAR-10 bits/dim, ~3% of the memory, ~33% faster.)
 *
 * For each data set (CarRacing frames at 32×32 and procedurally generated shapes at 32×32), trains
 * Glow without sharing, with one coupling network per level and with one for the whole flow, each for the same
 * compute budget (process CPU seconds spent in training steps, all threads: on a shared machine
 * wall-clock time depends on the other processes), and reports parameter count, parameter and
 * Adam-state memory, peak memory of one training step (tf.profile), CPU and wall seconds per step,
 * steps done and test bits/dim. Every run checkpoints and resumes after a kill; finished runs are
 * not redone.
 *
 *   node --conditions=worldmodels-source --import tsx packages/flows/experiments/shared-coupling.ts \
 *     --budget-cpu-seconds 300 --out runs/shared-coupling
 *   ... --budget-seconds 600       # a wall-clock budget instead (or as well: whichever ends first)
 *   ... --tiny                     # a smoke run of a few seconds per variant
 *   ... --report-only              # no training: evaluate unfinished runs at their newest checkpoint
 *   ... --dataset-dir data/carracing  # CarRacing frames from a rollout store instead of the env
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { atomicWriteFile, initBackend } from '@worldmodels/core';
import { DatasetReader, ndarray, readNpz, writeNpz } from '@worldmodels/core/dataset';
import { imageGrid, upscale, writePng } from '@worldmodels/core/image';
import { MetricsLogger } from '@worldmodels/core/progress';
import { Rng } from '@worldmodels/core/rng';
import { make } from '@worldmodels/envs';
import {
  FlowTrainer,
  FlowTrainingDivergedError,
  type GlowConfig,
  type ShareScope,
  buildGlow,
  collectEnvFrames,
  downscaleArea,
  proceduralShapes,
  toFrames,
  writeInterpolationGif,
} from '../src/index.js';

const SIZE = 32;

interface Options {
  out: string;
  datasets: string[];
  datasetDir: string | null;
  /** Wall-clock seconds of training steps per run (Infinity: none). */
  budgetSeconds: number;
  /** Process CPU seconds of training steps per run (Infinity: none). */
  budgetCpuSeconds: number;
  levels: number;
  steps: number;
  width: number;
  batch: number;
  nBits: number;
  coupling: GlowConfig['coupling'];
  lr: number;
  warmup: number;
  trainFrames: number;
  testFrames: number;
  variants: ShareScope[];
  seed: number;
  /** Train nothing: report finished runs, and unfinished ones from their newest checkpoint. */
  reportOnly: boolean;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'runs/shared-coupling' },
      data: { type: 'string', default: 'carracing,shapes' },
      'dataset-dir': { type: 'string' },
      'budget-seconds': { type: 'string' },
      'budget-cpu-seconds': { type: 'string' },
      levels: { type: 'string', default: '3' },
      steps: { type: 'string', default: '8' },
      width: { type: 'string', default: '128' },
      batch: { type: 'string', default: '16' },
      'n-bits': { type: 'string', default: '5' },
      coupling: { type: 'string', default: 'affine-sigmoid' },
      lr: { type: 'string', default: '1e-3' },
      warmup: { type: 'string', default: '200' },
      'train-frames': { type: 'string', default: '4000' },
      'test-frames': { type: 'string', default: '500' },
      variants: { type: 'string', default: 'none,level,flow' },
      seed: { type: 'string', default: '0' },
      tiny: { type: 'boolean', default: false },
      'report-only': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      'shared-coupling: trains Glow with and without shared coupling networks for the same compute budget.\n' +
        '  --out DIR              results, checkpoints and cached data (default runs/shared-coupling)\n' +
        '  --data LIST            carracing,shapes (default both)\n' +
        '  --dataset-dir DIR      CarRacing frames from a rollout store (core DatasetReader) instead of the env\n' +
        '  --budget-cpu-seconds N process CPU seconds (all threads) of training steps per run (default 300)\n' +
        '  --budget-seconds N     wall-clock seconds of training steps per run (default none; with both, the first reached ends a run)\n' +
        '  --levels L --steps K --width W --batch B --n-bits N --coupling KIND --lr R --warmup S\n' +
        '  --train-frames N --test-frames N --seed S\n' +
        '  --variants LIST        sharing scopes to compare: none,level,flow (default all three)\n' +
        '  --report-only          train nothing: evaluate unfinished runs at their newest checkpoint (marked in the table)\n' +
        '  --tiny                 smoke test: L=2, K=2, width 16, 64/32 frames, at most 5 CPU seconds per run\n',
    );
    process.exit(0);
  }
  const num = (name: string, v: string | undefined) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got ${v}`);
    return n;
  };
  const o: Options = {
    out: values.out!,
    datasets: values.data!.split(',').filter(Boolean),
    datasetDir: values['dataset-dir'] ?? null,
    budgetSeconds: values['budget-seconds'] === undefined ? Infinity : num('budget-seconds', values['budget-seconds']),
    budgetCpuSeconds:
      values['budget-cpu-seconds'] === undefined
        ? values['budget-seconds'] === undefined
          ? 300
          : Infinity
        : num('budget-cpu-seconds', values['budget-cpu-seconds']),
    levels: num('levels', values.levels),
    steps: num('steps', values.steps),
    width: num('width', values.width),
    batch: num('batch', values.batch),
    nBits: num('n-bits', values['n-bits']),
    coupling: values.coupling as GlowConfig['coupling'],
    lr: num('lr', values.lr),
    warmup: Math.floor(Number(values.warmup)),
    trainFrames: num('train-frames', values['train-frames']),
    testFrames: num('test-frames', values['test-frames']),
    variants: values.variants!.split(',').filter(Boolean) as ShareScope[],
    seed: Math.floor(Number(values.seed)),
    reportOnly: values['report-only']!,
  };
  if (values.tiny) Object.assign(o, { levels: 2, steps: 2, width: 16, trainFrames: 64, testFrames: 32, budgetCpuSeconds: Math.min(o.budgetCpuSeconds, 5), warmup: 5 });
  for (const d of o.datasets) if (d !== 'carracing' && d !== 'shapes') throw new Error(`--data: unknown data set '${d}' (carracing, shapes)`);
  for (const v of o.variants) if (!['none', 'level', 'flow'].includes(v)) throw new Error(`--variants: unknown sharing scope '${v}' (none, level, flow)`);
  return o;
}

/** [N, 32, 32, 3] uint8 frames of a data set split, cached as .npz under `out/data`. */
async function loadSplit(o: Options, dataset: string, split: 'train' | 'test'): Promise<Uint8Array> {
  const count = split === 'train' ? o.trainFrames : o.testFrames;
  const path = join(o.out, 'data', `${dataset}-${split}-${count}.npz`);
  if (existsSync(path)) return (await readNpz(path)).frames!.data as Uint8Array;
  const seed = o.seed * 1000 + (split === 'train' ? 1 : 2);
  let frames: Uint8Array;
  if (dataset === 'shapes') frames = proceduralShapes(count, SIZE, seed);
  else if (o.datasetDir) frames = await framesFromStore(o.datasetDir, count, seed, split);
  else {
    process.stderr.write(`collecting ${count} CarRacing frames (${split}) …\n`);
    frames = collectEnvFrames(() => make('CarRacing-v0'), { count, observationShape: [96, 96, 3], size: SIZE, seed });
  }
  await mkdir(join(o.out, 'data'), { recursive: true });
  await writeNpz(path, { frames: ndarray('uint8', [count, SIZE, SIZE, 3], frames) });
  return frames;
}

/** Frames from a rollout store: episodes split by index parity (even: train, odd: test). */
async function framesFromStore(dir: string, count: number, seed: number, split: 'train' | 'test'): Promise<Uint8Array> {
  const reader = await DatasetReader.open(dir);
  const out = new Uint8Array(count * SIZE * SIZE * 3);
  let got = 0;
  const episodes = reader.episodes.filter((_, i) => (i % 2 === 0) === (split === 'train'));
  if (episodes.length === 0) throw new Error(`${dir}: no episodes for the ${split} split (episodes alternate train/test)`);
  const rng = new Rng(seed);
  for (const e of rng.shuffle([...episodes])) {
    const ep = await reader.readEpisode(e.id);
    const obs = ep.arrays.observations;
    if (!obs) throw new Error(`${dir}: episode ${e.id} has no observations`);
    const [t, h, w, c] = obs.shape as number[];
    if (c !== 3) throw new Error(`${dir}: observations must be RGB, got ${c} channels`);
    const small = downscaleArea(obs.data as Uint8Array, t!, h!, w!, 3, SIZE);
    for (let i = 0; i < t! && got < count; i += 4) out.set(small.subarray(i * SIZE * SIZE * 3, (i + 1) * SIZE * SIZE * 3), got++ * SIZE * SIZE * 3);
    if (got >= count) break;
  }
  if (got < count) throw new Error(`${dir}: only ${got} frames for the ${split} split, ${count} asked`);
  return out;
}

interface RunResult {
  dataset: string;
  share: ShareScope;
  /** The model and training settings of the run (a finished run is reused only when they match). */
  setup: string;
  parameters: number;
  trainableParameters: number;
  /** Bytes of the model's stored values. */
  parameterBytes: number;
  /** Bytes that live across steps once training runs: parameters and Adam's two moments. */
  persistentBytes: number;
  /** Peak bytes TensorFlow.js holds during one training step (persistent bytes included). */
  peakStepBytes: number;
  cpuSecondsPerStep: number;
  wallSecondsPerStep: number;
  steps: number;
  cpuSeconds: number;
  wallSeconds: number;
  testBitsPerDim: number;
  budgetCpuSeconds: number | null;
  budgetSeconds: number | null;
  backend: string;
  complete: boolean;
}

function glowConfig(o: Options, share: ShareScope): Partial<GlowConfig> & { imageShape: [number, number, number] } {
  return { imageShape: [SIZE, SIZE, 3], levels: o.levels, steps: o.steps, width: o.width, nBits: o.nBits, coupling: o.coupling, share, seed: o.seed };
}

/** Names the settings a run's checkpoints belong to (runs with other settings get their own directory). */
function setupTag(o: Options): string {
  return `L${o.levels}-K${o.steps}-w${o.width}-b${o.batch}-${o.nBits}bit-${o.coupling}-lr${o.lr}-wu${o.warmup}-n${o.trainFrames}-s${o.seed}`;
}

function batchOf(frames: Uint8Array, indices: number[]): tf.Tensor4D {
  const size = SIZE * SIZE * 3;
  const data = new Int32Array(indices.length * size);
  indices.forEach((idx, b) => data.set(frames.subarray(idx * size, (idx + 1) * size), b * size));
  return tf.tensor4d(data, [indices.length, SIZE, SIZE, 3], 'int32');
}

/**
 * Memory of training a fresh model, in bytes above whatever TensorFlow.js held before it was
 * built. `persistent`: what stays allocated between steps after a first step has created Adam's
 * slots (parameters, first and second moments). `peak`: the largest total TensorFlow.js holds
 * during the next step — tf.profile takes the engine's byte count after every kernel, so this
 * is the tracked maximum over the step's forward pass, backward pass and update (persistent bytes,
 * the batch, activations kept for the backward pass, gradients and temporaries). Memory a
 * backend keeps outside tensors (kernel scratch space, reusable buffers) is not counted.
 */
async function stepMemory(o: Options, share: ShareScope, frames: Uint8Array): Promise<{ persistent: number; peak: number }> {
  const base = tf.memory().numBytes;
  const trainer = await FlowTrainer.create(() => buildGlow(glowConfig(o, share)), { learningRate: o.lr, warmupSteps: o.warmup });
  try {
    const idx = Array.from({ length: o.batch }, (_, i) => i % (frames.length / (SIZE * SIZE * 3)));
    trainer.trainStep({ images: batchOf(frames, idx) }); // actnorm init and Adam's slots
    const persistent = tf.memory().numBytes - base;
    const info = await tf.profile(() => {
      trainer.trainStep({ images: batchOf(frames, idx) });
    });
    return { persistent, peak: info.peakBytes - base };
  } finally {
    trainer.dispose();
  }
}

async function testBitsPerDim(trainer: FlowTrainer, frames: Uint8Array): Promise<number> {
  const n = frames.length / (SIZE * SIZE * 3);
  let sum = 0;
  for (let start = 0; start < n; start += 50) {
    const idx = Array.from({ length: Math.min(50, n - start) }, (_, i) => start + i);
    const images = batchOf(frames, idx);
    const bpd = trainer.model.bitsPerDim(images, { seed: 12345 + start });
    for (const v of await bpd.data()) sum += v;
    tf.dispose([images, bpd]);
  }
  return sum / n;
}

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

async function runOne(o: Options, dataset: string, share: ShareScope, backend: string): Promise<RunResult | null> {
  const setup = setupTag(o);
  const dir = join(o.out, 'runs', setup, `${dataset}-${share}`);
  const resultPath = join(dir, 'result.json');
  if (existsSync(resultPath)) {
    const r = JSON.parse(await readFile(resultPath, 'utf8')) as RunResult;
    if (r.complete && r.setup === setup && r.budgetCpuSeconds === finiteOrNull(o.budgetCpuSeconds) && r.budgetSeconds === finiteOrNull(o.budgetSeconds)) return r;
  }
  const checkpoints = join(dir, 'checkpoints');
  if (o.reportOnly && !existsSync(checkpoints)) return null;
  const train = await loadSplit(o, dataset, 'train');
  const test = await loadSplit(o, dataset, 'test');
  const nTrain = train.length / (SIZE * SIZE * 3);
  const memory = await stepMemory(o, share, train); // before the trained model exists
  const trainer = await FlowTrainer.create(() => buildGlow(glowConfig(o, share)), {
    learningRate: o.lr,
    warmupSteps: o.warmup,
    clipNorm: 50,
    checkpointDir: checkpoints,
    checkpointEvery: 50,
    seed: o.seed,
  });
  const label = `${dataset}/${share}`;
  const overCpu = trainer.cpuSeconds - o.budgetCpuSeconds;
  const overWall = trainer.elapsedSeconds - o.budgetSeconds;
  if (trainer.step > 0 && (overCpu > trainer.cpuSeconds / trainer.step || overWall > trainer.elapsedSeconds / trainer.step)) {
    trainer.dispose();
    throw new Error(
      `${checkpoints} holds a run trained for ${trainer.cpuSeconds.toFixed(0)} CPU s / ${trainer.elapsedSeconds.toFixed(0)} s, past this budget; ` +
        'its results would not be for this budget: use another --out',
    );
  }
  if (trainer.step > 0) process.stderr.write(`${label}: resuming at step ${trainer.step} (${trainer.cpuSeconds.toFixed(0)} CPU s, ${trainer.elapsedSeconds.toFixed(0)} s done)\n`);
  const metrics = await MetricsLogger.open(join(dir, 'metrics.jsonl'));
  try {
    if (!o.reportOnly) await trainer.run({
      seconds: o.budgetSeconds,
      cpuSeconds: o.budgetCpuSeconds,
      nextBatch: (step) => {
        const rng = new Rng(o.seed).derive('batch', step);
        return { images: batchOf(train, Array.from({ length: o.batch }, () => rng.int(nTrain))) };
      },
      onStep: async (s) => {
        if (s.step % 10 === 0) {
          await metrics.log({ step: s.step, loss: s.loss, grad_norm: s.gradNorm, lr: s.learningRate, cpu_seconds: trainer.cpuSeconds, elapsed: trainer.elapsedSeconds });
          process.stderr.write(
            `${label} step ${s.step} bits/dim ${s.loss.toFixed(3)} (${trainer.cpuSeconds.toFixed(0)}/${o.budgetCpuSeconds} CPU s, ${trainer.elapsedSeconds.toFixed(0)} s wall)\n`,
          );
        }
      },
    });
  } catch (error) {
    if (error instanceof FlowTrainingDivergedError) process.stderr.write(`${label}: ${error.message}\n`);
    throw error;
  }
  const steps = Math.max(1, trainer.step);
  const result: RunResult = {
    dataset,
    share,
    setup,
    parameters: trainer.model.parameterCount(),
    trainableParameters: trainer.model.trainableParameterCount(),
    parameterBytes: trainer.model.params.bytes(),
    persistentBytes: memory.persistent,
    peakStepBytes: memory.peak,
    cpuSecondsPerStep: trainer.cpuSeconds / steps,
    wallSecondsPerStep: trainer.elapsedSeconds / steps,
    steps: trainer.step,
    cpuSeconds: trainer.cpuSeconds,
    wallSeconds: trainer.elapsedSeconds,
    testBitsPerDim: await testBitsPerDim(trainer, test),
    budgetCpuSeconds: finiteOrNull(o.budgetCpuSeconds),
    budgetSeconds: finiteOrNull(o.budgetSeconds),
    backend,
    complete: trainer.cpuSeconds >= o.budgetCpuSeconds || trainer.elapsedSeconds >= o.budgetSeconds,
  };
  // Pictures: samples at T = 0.7 and an interpolation between two test frames.
  const samples = trainer.model.sample(16, { temperature: 0.7, seed: 1 });
  await writePng(join(dir, 'samples.png'), upscale(imageGrid(toFrames(samples), 4, 4), 2));
  samples.dispose();
  const a = batchOf(test, [0]);
  const b = batchOf(test, [1]);
  await writeInterpolationGif(join(dir, 'interpolation.gif'), trainer.model, a, b, { steps: 12 });
  tf.dispose([a, b]);
  trainer.dispose();
  await atomicWriteFile(result.complete ? resultPath : join(dir, 'result-partial.json'), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

function table(results: RunResult[]): string {
  const rows = [
    '| data set | sharing | trainable parameters | parameter MiB | parameters + Adam MiB | peak step MiB | CPU s/step | wall s/step | steps | CPU s | test bits/dim |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const mib = (b: number) => (b / 2 ** 20).toFixed(2);
  for (const r of results) {
    rows.push(
      `| ${r.dataset} | ${r.share} | ${r.trainableParameters} | ${mib(r.parameterBytes)} | ${mib(r.persistentBytes)} | ${mib(r.peakStepBytes)} | ${r.cpuSecondsPerStep.toFixed(3)} | ${r.wallSecondsPerStep.toFixed(3)} | ${r.steps} | ${r.cpuSeconds.toFixed(0)} | ${r.testBitsPerDim.toFixed(3)}${r.complete ? '' : ' (budget not reached)'} |`,
    );
  }
  return rows.join('\n');
}

async function main() {
  const o = options();
  const { backend } = await initBackend();
  await mkdir(o.out, { recursive: true });
  const results: RunResult[] = [];
  for (const dataset of o.datasets) {
    for (const share of o.variants) {
      const r = await runOne(o, dataset, share, backend);
      if (r) results.push(r);
      else process.stderr.write(`${dataset}/${share}: no checkpoint yet, left out of the report\n`);
    }
  }
  const budget = [
    Number.isFinite(o.budgetCpuSeconds) ? `${o.budgetCpuSeconds} CPU s` : null,
    Number.isFinite(o.budgetSeconds) ? `${o.budgetSeconds} wall s` : null,
  ].filter(Boolean).join(' or ');
  const text =
    `${table(results)}\n\nbudget ${budget} of training steps per run; Glow L=${o.levels}, K=${o.steps}, width ${o.width}, batch ${o.batch}, ` +
    `${o.nBits}-bit, ${o.coupling}, lr ${o.lr}, warm-up ${o.warmup}; ${o.trainFrames} training / ${o.testFrames} test frames; backend ${backend}\n` +
    (results.some((r) => !r.complete) ? '(budget not reached: evaluated at the newest checkpoint, before the budget was spent)\n' : '');
  await atomicWriteFile(join(o.out, `results-${setupTag(o)}.md`), text);
  process.stdout.write(text);
}

main().catch((error: Error) => {
  process.stderr.write(`shared-coupling: ${error.message}\n`);
  process.exit(1);
});
