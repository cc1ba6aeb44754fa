/**
 * Benchmarks of @worldmodels/gan for `npm run bench`:
 * - dcgan-train-b64: DCGAN training on 64×64×3 images at the paper's sizes (z 100, ngf = ndf = 64),
 *   batch 64, one discriminator and one generator Adam step per batch; images per second.
 */
import { initBackend } from '@worldmodels/core';
import { Rng } from '@worldmodels/core/rng';
import { DcganTrainer } from '../src/train/dcgan-trainer.js';

export interface BenchResult {
  case: string;
  unit: string;
  per_s: number;
  peer_per_s: number | null;
  ratio: number | null;
  [extra: string]: unknown;
}

export const benchCases: readonly string[] = ['dcgan-train-b64'];

/** Images per second of DCGAN training (64×64, batch 64), timed over `steps` steps after one warm-up step. */
export async function benchDcganTrain(steps = 3): Promise<BenchResult> {
  const choice = await initBackend({ quiet: true });
  const batch = 64;
  const trainer = new DcganTrainer({ model: { imageSize: 64, channels: 3, zDim: 100, gWidth: 64, dWidth: 64 }, seed: 0 });
  const rng = new Rng(0).derive('bench', 'dcgan');
  const images = new Uint8Array(batch * 64 * 64 * 3);
  for (let i = 0; i < images.length; i++) images[i] = rng.int(256);
  try {
    trainer.trainStep({ images, count: batch }); // warm-up: kernels, optimizer slots
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) trainer.trainStep({ images, count: batch });
    const seconds = (performance.now() - t0) / 1000;
    return { case: 'dcgan-train-b64', unit: 'images/s', per_s: (steps * batch) / seconds, peer_per_s: null, ratio: null, backend: choice.backend };
  } finally {
    trainer.dispose();
  }
}

export async function* runBenchCases(names?: string[]): AsyncIterable<BenchResult> {
  const wanted = names ?? [...benchCases];
  for (const name of wanted) {
    if (name === 'dcgan-train-b64') yield await benchDcganTrain();
    else if (!benchCases.includes(name)) throw new Error(`unknown gan bench case '${name}' (cases: ${benchCases.join(', ')})`);
  }
}
