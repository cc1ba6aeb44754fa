import * as tf from '@tensorflow/tfjs-core';
import { type FlowContext, type FlowLayer, type FlowResult, checkInput } from './flow-layer.js';

/** [B, H, W, C] → [B, H/2, W/2, 4C]: each 2×2 block becomes channels (c, dy, dx order, as in openai/glow's squeeze2d). */
export function squeeze2d(x: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  if (h % 2 !== 0 || w % 2 !== 0) throw new Error(`squeeze: height and width must be even, got shape [${x.shape.join(', ')}]`);
  return tf.tidy(() => {
    const t = tf.reshape(x, [b, h / 2, 2, w / 2, 2, c]); // [B, H/2, 2, W/2, 2, C]
    return tf.reshape(tf.transpose(t, [0, 1, 3, 5, 2, 4]), [b, h / 2, w / 2, c * 4]) as tf.Tensor4D; // [B, H/2, W/2, 4C]
  });
}

/** Inverse of {@link squeeze2d}: [B, H, W, 4C] → [B, 2H, 2W, C]. */
export function unsqueeze2d(x: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, c4] = x.shape;
  if (c4 % 4 !== 0) throw new Error(`unsqueeze: channels must be a multiple of 4, got shape [${x.shape.join(', ')}]`);
  const c = c4 / 4;
  return tf.tidy(() => {
    const t = tf.reshape(x, [b, h, w, c, 2, 2]); // [B, H, W, C, 2, 2]
    return tf.reshape(tf.transpose(t, [0, 1, 4, 2, 5, 3]), [b, h * 2, w * 2, c]) as tf.Tensor4D; // [B, 2H, 2W, C]
  });
}

/** Squeeze as a flow layer (a permutation of the entries: log-det 0); reverse unsqueezes. */
export class Squeeze implements FlowLayer {
  constructor(readonly name: string) {}

  apply(x: tf.Tensor4D, logdet: tf.Tensor1D, reverse: boolean, _ctx: FlowContext): FlowResult {
    checkInput(this.name, x);
    return { y: reverse ? unsqueeze2d(x) : squeeze2d(x), logdet: tf.clone(logdet) };
  }
}
