import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@worldmodels/core/rng';
import type { MixtureParams } from './mixture.js';

/**
 * Draws z from the mixture with temperature τ as the reference does (rnn.py / the dream env):
 * per z dimension, a component from softmax(logmix / τ), then z = mean + exp(logstd) · ε · √τ.
 * τ = 0 picks the most likely component and returns its mean. Inputs [B, Z, K] → z [B, Z].
 */
export function sampleMixture(params: MixtureParams, temperature: number, rng: Rng): tf.Tensor2D {
  if (!(temperature >= 0) || !Number.isFinite(temperature)) throw new Error(`sampling temperature must be a finite number >= 0, got ${temperature}`);
  const [B, Z, K] = params.logmix.shape as [number, number, number];
  const logmix = params.logmix.dataSync();
  const mean = params.mean.dataSync();
  const logstd = params.logstd.dataSync();
  const out = new Float32Array(B * Z);
  const weights = new Float64Array(K);
  for (let row = 0; row < B * Z; row++) {
    const base = row * K;
    let chosen = 0;
    if (temperature === 0) {
      for (let k = 1; k < K; k++) if (logmix[base + k]! > logmix[base + chosen]!) chosen = k;
    } else {
      let max = -Infinity;
      for (let k = 0; k < K; k++) max = Math.max(max, logmix[base + k]! / temperature);
      for (let k = 0; k < K; k++) weights[k] = Math.exp(logmix[base + k]! / temperature - max);
      chosen = rng.categorical(weights);
    }
    const noise = temperature === 0 ? 0 : rng.normal() * Math.sqrt(temperature);
    out[row] = mean[base + chosen]! + Math.exp(logstd[base + chosen]!) * noise;
  }
  return tf.tensor2d(out, [B, Z]);
}
