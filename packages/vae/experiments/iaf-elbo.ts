/**
 * Does an IAF posterior raise the ConvVAE's ELBO on CarRacing frames at an equal training budget?
 *
 * Trains the plain ConvVAE and the same model with `iafSteps` IAF steps for the same number of
 * Adam steps on the same frames (trainVAE: checkpoints, resume, metrics), then evaluates the ELBO
 * on held-out frames with a Gaussian decoder of variance ½ (the likelihood whose negative log is
 * the reference's squared-error loss up to a constant):
 *   log p(x|z) = −Σ (x − y)² − (D/2) log π,   D = 64·64·3
 *   ELBO = E_q[log p(x|z)] − KL,  KL analytic for the plain VAE, E_q[log q(z|x) − log p(z)] for IAF,
 * both expectations averaged over `--samples` posterior samples per frame.
 * Both variants train with klTolerance 0 and β 1, so what they optimise is the ELBO itself.
 *
 *   nice -n 10 node --conditions=worldmodels-source --import tsx packages/vae/experiments/iaf-elbo.ts \
 *     --data runs/vae-family/data --out runs/vae-family/iaf --steps 2000
 *
 * Data: `collect-family-data.ts` (carracing/ for training, carracing-test/ held out). Run again after a
 * kill to resume; finished variants are not redone. Results: `<out>/results.json` and a table on stdout.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, loadVariables } from '@worldmodels/core';
import { DatasetReader, atomicWriteJson, readJsonFile } from '@worldmodels/core/dataset';
import { Rng } from '@worldmodels/core/rng';
import { ConvVAE } from '../src/conv-vae.js';
import { standardNormalLogDensity } from '../src/family/monte-carlo-kl.js';
import { framesToTensor } from '../src/frames.js';
import { trainVAE } from '../src/train-vae.js';
import { writeReconstructionGrid } from '../src/reconstruction-grid.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: 'runs/vae-family/data' },
    out: { type: 'string', default: 'runs/vae-family/iaf' },
    steps: { type: 'string', default: '2000' },
    batch: { type: 'string', default: '32' },
    width: { type: 'string', default: '0.5' },
    z: { type: 'string', default: '32' },
    'iaf-steps': { type: 'string', default: '4' },
    'iaf-hidden': { type: 'string', default: '128' },
    'iaf-context': { type: 'string', default: '64' },
    lr: { type: 'string', default: '1e-3' },
    'test-frames': { type: 'string', default: '1000' },
    samples: { type: 'string', default: '8' },
    chunk: { type: 'string', default: '250' },
    seed: { type: 'string', default: '0' },
  },
});
const steps = Number(values.steps);
const chunk = Number(values.chunk);
const seed = Number(values.seed);
const samples = Number(values.samples);
const common = { zSize: Number(values.z), width: Number(values.width), klTolerance: 0, beta: 1 };
const variants = [
  { name: 'plain', model: { ...common, iafSteps: 0 } },
  { name: 'iaf', model: { ...common, iafSteps: Number(values['iaf-steps']), iafHiddenSize: Number(values['iaf-hidden']), iafContextSize: Number(values['iaf-context']) } },
];

const backend = await initBackend();
const testFrames = await readTestFrames(join(values.data!, 'carracing-test'), Number(values['test-frames']));
const results: Record<string, unknown>[] = [];
for (const variant of variants) {
  const runDir = join(values.out!, variant.name);
  const vae = await trainWithBudget(runDir, variant.model);
  const evaluation = evaluateElbo(vae, testFrames, samples, new Rng(seed).derive('eval'));
  const cpu = (await readJsonFile(join(runDir, 'cpu.json'), 'CPU record')) as { cpuSeconds: number };
  await writeReconstructionGrid(join(values.out!, `${variant.name}-recon.png`), vae, testFrames.slice(0, 8 * 64 * 64 * 3), { columns: 8 });
  results.push({ variant: variant.name, params: vae.countParams(), steps, trainCpuSeconds: +cpu.cpuSeconds.toFixed(1), ...evaluation });
  vae.dispose();
}
await atomicWriteJson(join(values.out!, 'results.json'), { backend: backend.backend, options: values, results });
console.log('| variant | parameters | steps | train CPU s | ELBO (nats/frame) | E[log p(x|z)] | KL |');
console.log('|---|---|---|---|---|---|---|');
for (const r of results) console.log(`| ${r.variant} | ${r.params} | ${r.steps} | ${r.trainCpuSeconds} | ${fmt(r.elbo)} | ${fmt(r.logLikelihood)} | ${fmt(r.kl)} |`);

function fmt(v: unknown): string {
  return (v as number).toFixed(1);
}

/** Trains in chunks of `chunk` steps, adding each chunk's process CPU time to `cpu.json`. */
async function trainWithBudget(runDir: string, model: Partial<ConvVAE['config']>): Promise<ConvVAE> {
  const finalDir = join(runDir, 'final');
  if (existsSync(join(runDir, 'final.json'))) return ConvVAE.load(finalDir);
  const cpuPath = join(runDir, 'cpu.json');
  let cpuSeconds = existsSync(cpuPath) ? ((await readJsonFile(cpuPath, 'CPU record')) as { cpuSeconds: number }).cpuSeconds : 0;
  if ((await doneSteps(runDir)) >= steps) {
    // The budget was reached by an earlier run (possibly with a larger --steps): take that checkpoint.
    const vae = await modelAtCheckpoint(runDir, steps);
    await vae.save(finalDir);
    await atomicWriteJson(join(runDir, 'final.json'), { steps, cpuSeconds });
    return vae;
  }
  for (;;) {
    const before = process.cpuUsage();
    const result = await trainVAE({
      dataset: join(values.data!, 'carracing'),
      runDir,
      model,
      epochs: 1000,
      batchSize: Number(values.batch),
      learningRate: Number(values.lr),
      seed,
      checkpointEvery: chunk,
      logEvery: 25,
      maxSteps: Math.min(steps, (Math.floor(await doneSteps(runDir)) + chunk)),
      progress: { label: `V ${runDir}` },
    });
    const used = process.cpuUsage(before);
    cpuSeconds += (used.user + used.system) / 1e6;
    await atomicWriteJson(cpuPath, { cpuSeconds, steps: result.steps });
    if (result.steps >= steps) {
      await result.vae.save(finalDir);
      await atomicWriteJson(join(runDir, 'final.json'), { steps: result.steps, cpuSeconds });
      return result.vae;
    }
    result.vae.dispose();
  }
}

/** The ConvVAE of trainVAE's checkpoint at exactly `step`. */
async function modelAtCheckpoint(runDir: string, step: number): Promise<ConvVAE> {
  const { tensors, metadata } = await loadVariables(join(runDir, 'checkpoints', `step-${String(step).padStart(9, '0')}`));
  try {
    const vae = new ConvVAE((metadata as { config: ConvVAE['config'] }).config);
    vae.setWeights(Object.fromEntries(Object.entries(tensors).filter(([k]) => k.startsWith('model/')).map(([k, v]) => [k.slice('model/'.length), v])));
    return vae;
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

async function doneSteps(runDir: string): Promise<number> {
  const path = join(runDir, 'cpu.json');
  return existsSync(path) ? ((await readJsonFile(path, 'CPU record')) as { steps: number }).steps : 0;
}

async function readTestFrames(dir: string, count: number): Promise<Uint8Array> {
  const reader = await DatasetReader.open(dir);
  const out = new Uint8Array(count * 64 * 64 * 3);
  let got = 0;
  for (const entry of reader.episodes) {
    const episode = await reader.readEpisode(entry);
    const obs = episode.arrays.observations!.data as Uint8Array;
    const n = Math.min(entry.length, count - got);
    out.set(obs.subarray(0, n * 64 * 64 * 3), got * 64 * 64 * 3);
    got += n;
    if (got === count) return out;
  }
  throw new Error(`${dir} holds ${got} frames, fewer than the ${count} test frames asked for`);
}

/** Mean over frames of the ELBO and its two terms, each expectation over `samples` posterior draws. */
function evaluateElbo(vae: ConvVAE, frames: Uint8Array, samples: number, rng: Rng): { elbo: number; logLikelihood: number; kl: number } {
  const frameSize = 64 * 64 * 3;
  const n = frames.length / frameSize;
  const constant = (frameSize / 2) * Math.log(Math.PI);
  let logLikelihood = 0;
  let kl = 0;
  for (let start = 0; start < n; start += 50) {
    const count = Math.min(50, n - start);
    const [ll, k] = tf.tidy(() => {
      const x = framesToTensor(frames.subarray(start * frameSize, (start + count) * frameSize), count); // [b, 64, 64, 3]
      let llSum = tf.scalar(0);
      let klSum = tf.scalar(0);
      for (let s = 0; s < samples; s++) {
        let y: tf.Tensor4D;
        let klPerImage: tf.Tensor1D;
        if (vae.iaf) {
          const f = vae.forwardIaf(x, rng);
          y = f.y;
          klPerImage = tf.sub(f.logq, standardNormalLogDensity(f.z)) as tf.Tensor1D; // [b]
        } else {
          const f = vae.forward(x, rng);
          y = f.y;
          klPerImage = tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, f.logvar), tf.square(f.mu)), tf.exp(f.logvar)), 1)) as tf.Tensor1D; // [b]
        }
        llSum = tf.add(llSum, tf.sum(tf.neg(tf.sum(tf.squaredDifference(x, y), [1, 2, 3])))); // Σ_b −SSE
        klSum = tf.add(klSum, tf.sum(klPerImage));
      }
      return [llSum.dataSync()[0]! / samples, klSum.dataSync()[0]! / samples];
    });
    logLikelihood += ll! - count * constant;
    kl += k!;
  }
  return { elbo: (logLikelihood - kl) / n, logLikelihood: logLikelihood / n, kl: kl / n };
}
