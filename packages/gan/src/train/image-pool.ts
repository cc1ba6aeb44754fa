import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';

/**
 * The history of generated images CycleGAN feeds its discriminators (Shrivastava et al. 2017;
 * Zhu et al. 2017, §4): until the pool holds `size` images every new image is stored and
 * returned; afterwards each new image is, with probability ½, swapped with a random stored image
 * (the stored one is returned, the new one stays), otherwise returned as is. Size 0 disables it.
 */
export class ImagePool {
  private readonly images: tf.Tensor3D[] = [];
  private rng: Rng;

  constructor(
    readonly size: number,
    seed: number,
  ) {
    if (!Number.isInteger(size) || size < 0) throw new Error(`ImagePool size must be a non-negative integer, got ${size}`);
    this.rng = new Rng(seed).derive('image-pool');
  }

  /** Images stored so far. */
  get count(): number {
    return this.images.length;
  }

  /** Returns a batch [B, H, W, C] of the same shape mixing new and past images; the input stays the caller's. */
  query(batch: tf.Tensor4D): tf.Tensor4D {
    if (this.size === 0) return tf.clone(batch);
    const out: tf.Tensor3D[] = [];
    const evicted: tf.Tensor3D[] = [];
    const singles = tf.unstack(batch) as tf.Tensor3D[];
    for (const image of singles) {
      if (this.images.length < this.size) {
        this.images.push(tf.keep(tf.clone(image)));
        out.push(image);
      } else if (this.rng.random() < 0.5) {
        const j = this.rng.int(this.size);
        out.push(this.images[j]!);
        evicted.push(this.images[j]!);
        this.images[j] = tf.keep(tf.clone(image));
      } else out.push(image);
    }
    const result = tf.stack(out) as tf.Tensor4D;
    tf.dispose([...singles, ...evicted]);
    return result;
  }

  /** The stored images as one tensor [n, H, W, C] (for checkpoints), or null when empty. */
  stateTensor(): tf.Tensor4D | null {
    return this.images.length ? (tf.stack(this.images) as tf.Tensor4D) : null;
  }

  /** RNG state for checkpoints. */
  rngState(): ReturnType<Rng['getState']> {
    return this.rng.getState();
  }

  /** Restores images saved by {@link stateTensor} and the RNG state. */
  restore(stored: tf.Tensor4D | undefined, rngState: ReturnType<Rng['getState']> | undefined): void {
    this.dispose();
    if (stored) {
      if (stored.shape[0] > this.size) throw new Error(`ImagePool: a checkpoint holds ${stored.shape[0]} images for a pool of ${this.size}`);
      for (const t of tf.unstack(stored)) this.images.push(tf.keep(t as tf.Tensor3D));
    }
    if (rngState) this.rng = Rng.fromState(rngState);
  }

  dispose(): void {
    for (const t of this.images) t.dispose();
    this.images.length = 0;
  }
}
