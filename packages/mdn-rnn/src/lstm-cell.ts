import * as tf from '@tensorflow/tfjs-core';

/** LSTM state: hidden output h and cell c, each [B, H]. */
export interface LSTMState {
  h: tf.Tensor2D;
  c: tf.Tensor2D;
}

/**
 * One step of TF1's BasicLSTMCell / LayerNormBasicLSTMCell without layer norm or dropout (the
 * reference's cell; Hochreiter & Schmidhuber 1997 with Gers et al.'s forget gate):
 *   [i, j, f, o] = split(gatesIn, 4)          gatesIn = [x, h] · W + b, columns in that order
 *   c' = c · σ(f + forgetBias) + σ(i) · tanh(j)
 *   h' = tanh(c') · σ(o)
 * `gatesIn` is the full pre-activation [B, 4H] (the caller adds x·Wx, h·Wh and b).
 */
export function lstmCellFromGates(gatesIn: tf.Tensor2D, c: tf.Tensor2D, forgetBias: number): LSTMState {
  return tf.tidy(() => {
    const [i, j, f, o] = tf.split(gatesIn, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D]; // each [B, H]
    const cNext = tf.add(tf.mul(c, tf.sigmoid(tf.add(f, forgetBias))), tf.mul(tf.sigmoid(i), tf.tanh(j))) as tf.Tensor2D; // [B, H]
    const hNext = tf.mul(tf.tanh(cNext), tf.sigmoid(o)) as tf.Tensor2D; // [B, H]
    return { h: hNext, c: cNext };
  });
}
