import * as tf from '@tensorflow/tfjs-core';

/**
 * The discretised logistic mixture likelihood of PixelCNN++ (Salimans et al. 2017, sec. 2.1–2.2).
 *
 * A pixel's parameters, for K components and C channels, are laid out as
 * [ mixture logits K | means C·K | log-scales C·K | coefficients C(C−1)/2·K ] (component-minor:
 * index = channel·K + k). Channel c's mean is shifted linearly by the values of channels < c
 * (eq. 3): μ'_c = μ_c + Σ_{j<c} tanh(α_{cj}) · x_j, so one network output per pixel models the
 * channels jointly. Values are scaled to [−1, 1]; each of the 256 levels is a bin of width 2/255,
 * with the edge bins open to ±∞ (eq. 2).
 */
export function mixtureParamCount(channels: number, components: number): number {
  return components * (1 + 2 * channels + (channels * (channels - 1)) / 2);
}

/** Lowest log-scale (PixelCNN++ clamps at −7). */
const MIN_LOG_SCALE = -7;

/** Index of coefficient α_{c,j} (j < c) among the C(C−1)/2 coefficients. */
function coeffIndex(c: number, j: number): number {
  return (c * (c - 1)) / 2 + j;
}

/**
 * Negative log-likelihood in nats: params [B, H, W, P], x [B, H, W, C] (0..255) → [B].
 */
export function logisticMixtureNll(params: tf.Tensor4D, x: tf.Tensor4D, components: number): tf.Tensor1D {
  return tf.tidy(() => {
    const [b, h, w, c] = x.shape;
    const k = components;
    const expected = mixtureParamCount(c, k);
    if (params.shape[3] !== expected) throw new Error(`logistic mixture of ${k} components over ${c} channels needs ${expected} parameters per pixel, got ${params.shape[3]}`);
    const xs = tf.sub(tf.div(tf.cast(x, 'float32'), 127.5), 1); // [B, H, W, C] in [−1, 1]
    const logitProbs = tf.slice(params, [0, 0, 0, 0], [b, h, w, k]); // [B, H, W, K]
    const means = tf.reshape(tf.slice(params, [0, 0, 0, k], [b, h, w, c * k]), [b, h, w, c, k]); // [B, H, W, C, K]
    const logScales = tf.maximum(tf.reshape(tf.slice(params, [0, 0, 0, k + c * k], [b, h, w, c * k]), [b, h, w, c, k]), MIN_LOG_SCALE); // [B, H, W, C, K]
    const nCoeffs = (c * (c - 1)) / 2;
    const coeffs = nCoeffs > 0 ? tf.tanh(tf.reshape(tf.slice(params, [0, 0, 0, k + 2 * c * k], [b, h, w, nCoeffs * k]), [b, h, w, nCoeffs, k])) : null; // [B, H, W, C(C−1)/2, K]
    const xk = tf.expandDims(xs, 4); // [B, H, W, C, 1]
    const shifted: tf.Tensor[] = [];
    for (let ch = 0; ch < c; ch++) {
      let m = tf.slice(means, [0, 0, 0, ch, 0], [b, h, w, 1, k]); // [B, H, W, 1, K]
      for (let j = 0; j < ch; j++) {
        const a = tf.slice(coeffs!, [0, 0, 0, coeffIndex(ch, j), 0], [b, h, w, 1, k]); // [B, H, W, 1, K]
        m = tf.add(m, tf.mul(a, tf.slice(xk, [0, 0, 0, j, 0], [b, h, w, 1, 1])));
      }
      shifted.push(m);
    }
    const mu = tf.concat(shifted, 3); // [B, H, W, C, K]
    const centred = tf.sub(xk, mu); // [B, H, W, C, K]
    const invS = tf.exp(tf.neg(logScales));
    const plusIn = tf.mul(invS, tf.add(centred, 1 / 255));
    const minIn = tf.mul(invS, tf.sub(centred, 1 / 255));
    const cdfDelta = tf.sub(tf.sigmoid(plusIn), tf.sigmoid(minIn));
    const logCdfPlus = tf.sub(plusIn, tf.softplus(plusIn)); // log σ(plusIn): the bin (−∞, −1 + 1/255]
    const logOneMinusCdfMin = tf.neg(tf.softplus(minIn)); // log(1 − σ(minIn)): the bin [1 − 1/255, ∞)
    const midIn = tf.mul(invS, centred);
    const logPdfMid = tf.sub(tf.sub(midIn, logScales), tf.mul(2, tf.softplus(midIn))); // log density at the bin centre
    // The cases are chosen by 0/1 masks from tf.step (whose gradient is zero) rather than tf.where
    // on a comparison: the gradient of a select reaches its condition, and the comparison ops have
    // no gradient, so tf.where here made training fail. Every branch is finite, so 0 · branch is 0.
    const choose = (mask: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.add(tf.mul(mask, a), tf.mul(tf.sub(1, mask), b));
    const interior = choose(tf.step(tf.sub(cdfDelta, 1e-5)), tf.log(tf.maximum(cdfDelta, 1e-12)), tf.sub(logPdfMid, Math.log(127.5)));
    const xb = tf.broadcastTo(xk, centred.shape);
    const lowEdge = tf.step(tf.sub(-0.999, xb)); // 1 where x is the bottom bin (value 0)
    const highEdge = tf.step(tf.sub(xb, 0.999)); // 1 where x is the top bin (value 255)
    const logProbs = choose(lowEdge, logCdfPlus, choose(highEdge, logOneMinusCdfMin, interior)); // [B, H, W, C, K]
    const perComponent = tf.add(tf.sum(logProbs, 3), tf.logSoftmax(logitProbs, 3)); // [B, H, W, K]
    const perPixel = tf.logSumExp(perComponent, 3); // [B, H, W]
    return tf.neg(tf.sum(tf.reshape(perPixel, [b, -1]), 1)) as tf.Tensor1D; // [B]
  });
}

/** Stable logistic quantile: log(u) − log(1 − u). */
function logisticQuantile(u: number): number {
  const uu = Math.min(Math.max(u, 1e-5), 1 - 1e-5);
  return Math.log(uu) - Math.log(1 - uu);
}

/**
 * Draws one pixel from the mixture whose parameters start at `offset` in `params`: a component
 * from softmax(logits / T), then each channel from its logistic with scale multiplied by T (T = 0:
 * the chosen component's mean, greedy). `uniforms` supplies 1 + C numbers in [0, 1). A channel
 * with a given value (`known[c]` ≥ 0) keeps it and shifts the later channels' means by it. The
 * component is drawn from the mixture weights alone, not re-weighted by known channels.
 */
export function sampleLogisticMixturePixel(params: ArrayLike<number>, offset: number, channels: number, components: number, temperature: number, uniforms: ArrayLike<number>, known?: ArrayLike<number>): number[] {
  const k = components;
  let comp = 0;
  let max = -Infinity;
  for (let i = 0; i < k; i++) if (params[offset + i]! > max) (max = params[offset + i]!), (comp = i);
  if (temperature > 0) {
    const p = new Float64Array(k);
    let total = 0;
    for (let i = 0; i < k; i++) total += p[i] = Math.exp((params[offset + i]! - max) / temperature);
    let target = uniforms[0]! * total;
    for (let i = 0; i < k; i++) {
      target -= p[i]!;
      if (target < 0) {
        comp = i;
        break;
      }
    }
  }
  const values: number[] = [];
  const scaled: number[] = [];
  for (let c = 0; c < channels; c++) {
    const given = known ? known[c]! : -1;
    if (given >= 0) {
      values.push(given);
      scaled.push(given / 127.5 - 1);
      continue;
    }
    let mu = params[offset + k + c * k + comp]!;
    const logScale = Math.max(params[offset + k + channels * k + c * k + comp]!, MIN_LOG_SCALE);
    for (let j = 0; j < c; j++) mu += Math.tanh(params[offset + k + 2 * channels * k + coeffIndex(c, j) * k + comp]!) * scaled[j]!;
    const xs = temperature > 0 ? mu + Math.exp(logScale) * temperature * logisticQuantile(uniforms[1 + c]!) : mu;
    const v = Math.round((Math.min(Math.max(xs, -1), 1) + 1) * 127.5);
    values.push(v);
    scaled.push(v / 127.5 - 1);
  }
  return values;
}
