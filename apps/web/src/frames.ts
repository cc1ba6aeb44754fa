import * as tf from '@tensorflow/tfjs-core';
import type { VisionModel } from '@worldmodels/world-model';

const SIZE = 64;

/** V's decoding of one z [Z] as RGB bytes [64, 64, 3]. */
export function decodeLatent(vae: VisionModel, z: ArrayLike<number>): Uint8Array {
  const values = tf.tidy(() => {
    const y = vae.decode(tf.tensor2d(Float32Array.from(z), [1, vae.config.zSize])); // [1, 64, 64, 3] in (0, 1)
    return tf.round(tf.mul(tf.clipByValue(y, 0, 1), 255)).dataSync(); // [1, 64, 64, 3] in 0..255
  });
  return Uint8Array.from(values);
}

/** V's posterior mean μ [Z] of an RGB frame [64, 64, 3]. */
export function encodeFrame(vae: VisionModel, frame: Uint8Array): Float32Array {
  return tf.tidy(() => Float32Array.from(vae.encode(tf.div(tf.tensor4d(frame, [1, SIZE, SIZE, 3], 'float32'), 255)).mu.dataSync())); // [1, Z]
}

/** Draws RGB bytes [h, w, 3] onto a canvas, scaled to its size with square pixels. */
export function drawFrame(canvas: HTMLCanvasElement, rgb: Uint8Array, width = SIZE, height = SIZE): void {
  const source = document.createElement('canvas');
  source.width = width;
  source.height = height;
  const image = new ImageData(width, height);
  for (let p = 0; p < width * height; p++) {
    image.data[p * 4] = rgb[p * 3]!;
    image.data[p * 4 + 1] = rgb[p * 3 + 1]!;
    image.data[p * 4 + 2] = rgb[p * 3 + 2]!;
    image.data[p * 4 + 3] = 255;
  }
  source.getContext('2d')!.putImageData(image, 0, 0);
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
}

/** A short fingerprint of a canvas's pixels (FNV-1a), for seeing that a frame changed. */
export function canvasHash(canvas: HTMLCanvasElement): string {
  const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i += 4) {
    h ^= data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16);
}
