import * as tf from '@tensorflow/tfjs-core';

/**
 * RealNVP's checkerboard mask b (Dinh et al. 2017, §3.4): [1, H, W, 1] with b = 1 where
 * (i + j + parity) is even. Entries with b = 1 condition the coupling; the others are transformed.
 */
export function checkerboardMask(height: number, width: number, parity: 0 | 1): tf.Tensor4D {
  const v = new Float32Array(height * width);
  for (let i = 0; i < height; i++) for (let j = 0; j < width; j++) v[i * width + j] = (i + j + parity) % 2 === 0 ? 1 : 0;
  return tf.tensor4d(v, [1, height, width, 1]);
}

/**
 * RealNVP's channel mask as a split: the first ⌊C/2⌋ channels and the rest. With parity 1 the
 * second part conditions and the first is transformed.
 */
export function channelSplit(channels: number, parity: 0 | 1): { conditioner: [number, number]; transformed: [number, number] } {
  if (channels < 2) throw new Error(`a channel-mask coupling needs at least 2 channels, got ${channels}`);
  const half = Math.floor(channels / 2);
  const first: [number, number] = [0, half];
  const second: [number, number] = [half, channels - half];
  return parity === 0 ? { conditioner: first, transformed: second } : { conditioner: second, transformed: first };
}
