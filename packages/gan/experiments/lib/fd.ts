import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { atomicWriteJson } from '@worldmodels/core';
import { FeatureNetwork } from '../../src/metrics/feature-network.js';
import { type FeatureStatistics, featureStatistics, frechetDistanceFromStatistics } from '../../src/metrics/frechet-distance.js';

export interface FeatureNetworkBudget {
  steps: number;
  featureDim: number;
  width: number;
  batchSize: number;
}

/**
 * The Fréchet-distance feature network of a run: loaded from `<runDir>/feature-network` when a
 * previous run trained it, otherwise trained on the real training images and saved.
 */
export async function featureNetworkFor(runDir: string, images: Uint8Array, count: number, size: number, channels: number, budget: FeatureNetworkBudget, seed: number, log: (line: string) => void): Promise<FeatureNetwork> {
  const dir = join(runDir, 'feature-network');
  if (existsSync(join(dir, 'checkpoint.json')) || existsSync(join(dir, 'model.json'))) return FeatureNetwork.load(dir);
  const net = new FeatureNetwork({ imageSize: size, channels, featureDim: budget.featureDim, width: budget.width, seed });
  const before = net.reconstructionError(images, Math.min(count, 256));
  net.train(images, count, { steps: budget.steps, batchSize: budget.batchSize });
  const after = net.reconstructionError(images, Math.min(count, 256));
  log(`feature network: reconstruction MSE ${before.toFixed(4)} → ${after.toFixed(4)} after ${budget.steps} steps`);
  await net.save(dir);
  await atomicWriteJson(join(runDir, 'feature-network.json'), { reconstructionBefore: before, reconstructionAfter: after, steps: budget.steps });
  return net;
}

/** μ, Σ of the features of real uint8 images. */
export function realStatistics(net: FeatureNetwork, images: Uint8Array, count: number): FeatureStatistics {
  return featureStatistics(net.features(images, count), count, net.config.featureDim);
}

/** Fréchet distance between generated images in [−1, 1] (disposed here) and real statistics. */
export function fdOfImages(net: FeatureNetwork, real: FeatureStatistics, generated: tf.Tensor4D): number {
  const f = net.featuresOf(generated);
  const n = generated.shape[0];
  generated.dispose();
  return frechetDistanceFromStatistics(featureStatistics(f, n, net.config.featureDim), real);
}

/** Generates `count` images in batches with `generate(batch, offset)` and concatenates them. */
export function generateInBatches(count: number, batchSize: number, generate: (batch: number, offset: number) => tf.Tensor4D): tf.Tensor4D {
  const parts: tf.Tensor4D[] = [];
  for (let i = 0; i < count; i += batchSize) parts.push(generate(Math.min(batchSize, count - i), i));
  const all = tf.concat(parts, 0) as tf.Tensor4D;
  tf.dispose(parts);
  return all;
}
