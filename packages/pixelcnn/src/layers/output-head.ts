import * as tf from '@tensorflow/tfjs-core';
import { causalKernelMask, contiguousGroups } from './masks.js';
import type { VariableStore } from './variable-store.js';

/**
 * The output head: relu → masked 1×1 → relu → masked 1×1 (both type B), from the summed skip
 * connections (or the last horizontal stack) to the per-pixel distribution parameters.
 * `outGroups` gives the channel group of every output (R logits in group 0, G in 1, B in 2).
 */
export class OutputHead {
  constructor(
    private readonly store: VariableStore,
    readonly inChannels: number,
    readonly headChannels: number,
    readonly outGroups: readonly number[],
    readonly groups: number,
  ) {
    const inG = contiguousGroups(inChannels, groups);
    const midG = contiguousGroups(headChannels, groups);
    store.kernel('head/hidden', [1, 1, inChannels, headChannels], causalKernelMask(1, 1, inG, midG, 'B', [0, 0]));
    store.zeros('head/hidden_bias', [headChannels]);
    store.kernel('head/out', [1, 1, headChannels, outGroups.length], causalKernelMask(1, 1, midG, outGroups, 'B', [0, 0]));
    store.zeros('head/out_bias', [outGroups.length]);
  }

  static paramCount(inChannels: number, headChannels: number, outChannels: number): number {
    return inChannels * headChannels + headChannels + headChannels * outChannels + outChannels;
  }

  /** features [B, h, w, in] → [B, h, w, out]. */
  apply(features: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const hidden = tf.relu(tf.add(tf.conv2d(tf.relu(features), this.store.masked('head/hidden') as tf.Tensor4D, 1, 'valid'), this.store.get('head/hidden_bias'))) as tf.Tensor4D; // [B, h, w, head]
      return tf.add(tf.conv2d(hidden, this.store.masked('head/out') as tf.Tensor4D, 1, 'valid'), this.store.get('head/out_bias')) as tf.Tensor4D; // [B, h, w, out]
    });
  }
}
