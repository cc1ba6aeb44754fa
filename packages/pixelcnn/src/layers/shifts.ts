import * as tf from '@tensorflow/tfjs-core';

/**
 * Shifts a feature map down by one row, filling the top row with zeros (PixelCNN++'s
 * `down_shift`): output row i holds input row i − 1, so a stack fed with it sees only rows above.
 */
export function downShift(x: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  return tf.concat([tf.zeros([b, 1, w, c]), tf.slice(x, [0, 0, 0, 0], [b, h - 1, w, c])], 1) as tf.Tensor4D; // [B, H, W, C]
}

/** Zero padding of the H and W axes: [top, bottom], [left, right]. */
export function padHW(x: tf.Tensor4D, rows: [number, number], cols: [number, number]): tf.Tensor4D {
  if (rows[0] === 0 && rows[1] === 0 && cols[0] === 0 && cols[1] === 0) return x;
  return tf.pad(x, [[0, 0], rows, cols, [0, 0]]) as tf.Tensor4D;
}
