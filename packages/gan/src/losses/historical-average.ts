import * as tf from '@tensorflow/tfjs-core';

/**
 * Historical averaging (Salimans et al. 2016, §3.3): each player's cost gets the term
 * ‖θ − (1/t) Σ_{i=1..t} θ[i]‖², where θ[i] are its parameters at past steps. The running mean is
 * kept as non-trainable tensors (saved in checkpoints) and updated by {@link record} after each
 * step.
 */
export class HistoricalAverage {
  private means: tf.Variable[] | null = null;
  /** Number of parameter snapshots averaged so far (t). */
  count = 0;

  constructor(private readonly variables: tf.Variable[]) {}

  /** The penalty ‖θ − θ̄‖² summed over every parameter (0 before the first snapshot). */
  penalty(): tf.Scalar {
    return tf.tidy(() => {
      if (!this.means || this.count === 0) return tf.scalar(0);
      let total: tf.Tensor = tf.scalar(0);
      this.variables.forEach((v, i) => {
        total = tf.add(total, tf.sum(tf.square(tf.sub(v, this.means![i]!))));
      });
      return total as tf.Scalar;
    });
  }

  /** Adds the current parameters to the running mean: θ̄ ← θ̄ + (θ − θ̄)/t. */
  record(): void {
    this.means ??= this.variables.map((v) => tf.variable(tf.zerosLike(v), false));
    this.count += 1;
    const t = this.count;
    tf.tidy(() => {
      this.variables.forEach((v, i) => {
        const m = this.means![i]!;
        m.assign(tf.add(m, tf.div(tf.sub(v, m), t)));
      });
    });
  }

  /** The running means as named tensors (`<prefix>/000`, ...) for a checkpoint. */
  state(prefix: string): Record<string, tf.Tensor> {
    if (!this.means) return {};
    return Object.fromEntries(this.means.map((m, i) => [`${prefix}/${String(i).padStart(3, '0')}`, m]));
  }

  /** Restores means saved by {@link state} with snapshot count `count`. */
  restore(tensors: Record<string, tf.Tensor>, prefix: string, count: number, where: string): void {
    if (count === 0) return;
    const saved = this.variables.map((v, i) => {
      const t = tensors[`${prefix}/${String(i).padStart(3, '0')}`];
      if (!t) throw new Error(`${where}: historical average ${prefix}/${i} is missing`);
      if (t.shape.join(',') !== v.shape.join(',')) throw new Error(`${where}: historical average ${prefix}/${i} has shape [${t.shape.join(', ')}], expected [${v.shape.join(', ')}]`);
      return t;
    });
    this.dispose();
    this.means = saved.map((t) => tf.variable(t, false));
    this.count = count;
  }

  dispose(): void {
    if (this.means) for (const m of this.means) m.dispose();
    this.means = null;
  }
}
