import * as tf from '@tensorflow/tfjs-core';

/** uint8 HWC images [B, H, W, C] → float tensor in [−1, 1] (the tanh range GANs generate in). */
export function imagesToTensor(data: Uint8Array, batch: number, height: number, width: number, channels: number): tf.Tensor4D {
  if (data.length !== batch * height * width * channels) {
    throw new Error(`imagesToTensor: ${data.length} bytes do not hold ${batch}×${height}×${width}×${channels} images`);
  }
  return tf.tidy(() => tf.sub(tf.div(tf.tensor4d(data, [batch, height, width, channels], 'float32'), 127.5), 1) as tf.Tensor4D);
}

/** Float images in [−1, 1] → uint8 HWC bytes (clamped, rounded). */
export function tensorToImages(x: tf.Tensor): Uint8Array {
  const values = x.dataSync();
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.max(0, Math.min(255, Math.round((values[i]! + 1) * 127.5)));
  return out;
}

/** Area (box-filter) downscale of uint8 HWC images by an integer factor: [N, H, W, C] → [N, H/f, W/f, C]. */
export function downscaleArea(data: Uint8Array, count: number, height: number, width: number, channels: number, factor: number): Uint8Array {
  if (!Number.isInteger(factor) || factor < 1 || height % factor !== 0 || width % factor !== 0) {
    throw new Error(`downscaleArea: factor ${factor} must be a positive integer dividing ${height}×${width}`);
  }
  if (data.length !== count * height * width * channels) throw new Error(`downscaleArea: ${data.length} bytes do not hold ${count}×${height}×${width}×${channels}`);
  const h = height / factor;
  const w = width / factor;
  const out = new Uint8Array(count * h * w * channels);
  const area = factor * factor;
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < channels; c++) {
          let sum = 0;
          for (let dy = 0; dy < factor; dy++) {
            const row = ((n * height + y * factor + dy) * width + x * factor) * channels + c;
            for (let dx = 0; dx < factor; dx++) sum += data[row + dx * channels]!;
          }
          out[((n * h + y) * w + x) * channels + c] = Math.round(sum / area);
        }
      }
    }
  }
  return out;
}

/**
 * Downscales label maps [N, H, W] by an integer factor taking each block's most frequent label
 * (ties to the smaller index), so a downscaled map still aligns with an area-downscaled frame.
 */
export function downscaleLabels(labels: Uint8Array, count: number, height: number, width: number, factor: number, numClasses: number): Uint8Array {
  if (!Number.isInteger(factor) || factor < 1 || height % factor !== 0 || width % factor !== 0) {
    throw new Error(`downscaleLabels: factor ${factor} must be a positive integer dividing ${height}×${width}`);
  }
  const h = height / factor;
  const w = width / factor;
  const out = new Uint8Array(count * h * w);
  const votes = new Int32Array(numClasses);
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        votes.fill(0);
        for (let dy = 0; dy < factor; dy++) {
          for (let dx = 0; dx < factor; dx++) {
            const l = labels[(n * height + y * factor + dy) * width + x * factor + dx]!;
            if (l >= numClasses) throw new Error(`downscaleLabels: label ${l} is not below numClasses ${numClasses}`);
            votes[l]!++;
          }
        }
        let best = 0;
        for (let k = 1; k < numClasses; k++) if (votes[k]! > votes[best]!) best = k;
        out[(n * h + y) * w + x] = best;
      }
    }
  }
  return out;
}

/** Label maps [N, H, W] → one-hot float tensor [N, H, W, K] scaled to [−1, 1] (pix2pix's input). */
export function labelsToTensor(labels: Uint8Array, count: number, height: number, width: number, numClasses: number): tf.Tensor4D {
  if (labels.length !== count * height * width) throw new Error(`labelsToTensor: ${labels.length} labels do not fill ${count}×${height}×${width}`);
  return tf.tidy(() => {
    const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses); // [N·H·W, K]
    return tf.sub(tf.mul(tf.reshape(tf.cast(oneHot, 'float32'), [count, height, width, numClasses]), 2), 1) as tf.Tensor4D;
  });
}
