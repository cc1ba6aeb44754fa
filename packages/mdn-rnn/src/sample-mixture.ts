import * as tf from '@tensorflow/tfjs-core';
import { categoricalAt, type Rng } from '@worldmodels/core/rng';
import type { MixtureParams } from './mixture.js';

/**
 * Draws z from the mixture with temperature τ as the reference does (rnn.py / the dream env):
 * per z dimension, a component from softmax(logmix / τ), then z = mean + exp(logstd) · ε · √τ.
 * τ = 0 picks the most likely component and returns its mean. Inputs [B, Z, K] → z [B, Z].
 */
export function sampleMixture(params: MixtureParams, temperature: number, rng: Rng): tf.Tensor2D {
  // One uniform (the component), then one normal (the offset) per row: the order of the stream.
  return drawMixture(params, temperature, () => rng.random(), () => rng.normal());
}

/**
 * The random numbers of B·Z mixture draws, given instead of taken from a stream: row r = b·Z + d
 * picks its component by the inverse CDF of softmax(logmix / τ) at `uniform[r]` ∈ [0, 1) and adds
 * exp(logstd) · `normal[r]` · √τ. Fed the numbers a stream would give, in the order
 * {@link sampleMixture} takes them (uniform, normal, uniform, …), it returns the same z; fed the
 * same numbers for several rows, it makes their draws common random numbers.
 */
export interface MixtureNoise {
  uniform: ArrayLike<number>;
  normal: ArrayLike<number>;
}

/** {@link sampleMixture} with its random numbers given ({@link MixtureNoise}): [B, Z, K] → z [B, Z]. */
export function sampleMixtureWithNoise(params: MixtureParams, temperature: number, noise: MixtureNoise): tf.Tensor2D {
  const [B, Z] = params.logmix.shape as [number, number, number];
  if (noise.uniform.length !== B * Z || noise.normal.length !== B * Z) {
    throw new Error(`mixture noise needs ${B * Z} uniforms and normals (B ${B} × z ${Z}), got ${noise.uniform.length} and ${noise.normal.length}`);
  }
  let u = 0;
  let n = 0;
  return drawMixture(params, temperature, () => noise.uniform[u++]!, () => noise.normal[n++]!);
}

function drawMixture(params: MixtureParams, temperature: number, uniform: () => number, normal: () => number): tf.Tensor2D {
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
      if (!Number.isFinite(max)) throw new Error(`mixture weights of row ${row} are not finite (logmix ${Array.from(logmix.subarray(base, base + K)).join(', ')})`);
      for (let k = 0; k < K; k++) weights[k] = Math.exp(logmix[base + k]! / temperature - max);
      chosen = categoricalAt(weights, uniform());
    }
    const noise = temperature === 0 ? 0 : normal() * Math.sqrt(temperature);
    out[row] = mean[base + chosen]! + Math.exp(logstd[base + chosen]!) * noise;
  }
  return tf.tensor2d(out, [B, Z]);
}
