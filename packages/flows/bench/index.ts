/**
 * Benchmarks for `npm run bench`: Glow training throughput (images/s) on 32×32×3 batches of 16,
 * with one coupling network per step, one per level, and one shared across the whole flow.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@worldmodels/core';
import { FlowTrainer, type ShareScope, buildGlow, proceduralShapes } from '../src/index.js';

const CASES = {
  'glow-train-b16-32x32': 'none',
  'glow-train-b16-32x32-shared': 'flow',
  'glow-train-b16-32x32-shared-level': 'level',
} as const satisfies Record<string, ShareScope>;

export const benchCases: readonly string[] = Object.keys(CASES);

/** The benchmarked model: Glow L = 3, K = 4, width 64, affine coupling, LU 1×1 convs, 5-bit input. */
export const BENCH_GLOW = { imageShape: [32, 32, 3] as [number, number, number], levels: 3, steps: 4, width: 64, nBits: 5 };
const BATCH = 16;

/** Training images per wall-clock second; also prints the CPU seconds (all threads) per step to stderr. */
async function trainImagesPerSecond(name: string, share: ShareScope, minSeconds: number): Promise<number> {
  const data = proceduralShapes(BATCH * 4, 32, 7);
  const batch = (i: number) => {
    const k = i % 4;
    return { images: tf.tensor4d(data.subarray(k * BATCH * 3072, (k + 1) * BATCH * 3072), [BATCH, 32, 32, 3], 'int32') };
  };
  const trainer = await FlowTrainer.create(() => buildGlow({ ...BENCH_GLOW, share }), { learningRate: 1e-4, warmupSteps: 0 });
  try {
    trainer.trainStep(batch(0)); // actnorm init, Adam slots, kernel warm-up
    let steps = 0;
    const start = performance.now();
    const cpuStart = trainer.cpuSeconds;
    while (steps < 3 || performance.now() - start < minSeconds * 1000) trainer.trainStep(batch(++steps));
    const wall = (performance.now() - start) / 1000;
    process.stderr.write(`${name}: ${((trainer.cpuSeconds - cpuStart) / steps).toFixed(3)} CPU s per step, ${(wall / steps).toFixed(3)} wall s per step (${steps} steps)\n`);
    return (steps * BATCH) / wall;
  } finally {
    trainer.dispose();
  }
}

export async function* runBenchCases(names?: string[]): AsyncIterable<{ case: string; unit: string; per_s: number; peer_per_s: null; ratio: null }> {
  const wanted = names ?? [...benchCases];
  for (const n of wanted) if (!(n in CASES)) throw new Error(`unknown flows bench case '${n}' (known: ${benchCases.join(', ')})`);
  await initBackend();
  const minSeconds = Number(process.env.FLOWS_BENCH_SECONDS ?? 10);
  for (const name of wanted) {
    const perS = await trainImagesPerSecond(name, CASES[name as keyof typeof CASES], minSeconds);
    yield { case: name, unit: 'images/s', per_s: Number(perS.toFixed(3)), peer_per_s: null, ratio: null };
  }
}
