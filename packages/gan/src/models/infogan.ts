import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { type CodeSpec, qOutputDim } from '../losses/mutual-information.js';
import { BatchNorm, Dense, lrelu, type Mode } from '../nn/layers.js';
import { ParamStore } from '../nn/params.js';

/**
 * InfoGAN's auxiliary head Q (Chen et al. 2016, §6 and appendix C): on top of the discriminator's
 * last shared features, a 128-unit fully connected layer with batch norm and LeakyReLU, then the
 * categorical codes' logits and the continuous codes' means.
 */
export class InfoGanQHead {
  readonly params: ParamStore;
  private readonly hidden: Dense;
  private readonly norm: BatchNorm;
  private readonly out: Dense;

  constructor(
    readonly featureDim: number,
    readonly codes: CodeSpec,
    hiddenUnits = 128,
    seed = 0,
  ) {
    this.params = new ParamStore('InfoGAN Q', new Rng(seed).derive('infogan', 'Q'));
    this.hidden = new Dense(this.params, 'hidden', featureDim, hiddenUnits, { bias: false });
    this.norm = new BatchNorm(this.params, 'hidden_bn', hiddenUnits);
    this.out = new Dense(this.params, 'out', hiddenUnits, qOutputDim(codes));
  }

  /** D's features [B, F] → [B, ΣK + C]. */
  apply(features: tf.Tensor2D, training: Mode): tf.Tensor2D {
    return tf.tidy(() => this.out.apply(lrelu(this.norm.apply(this.hidden.apply(features), training))));
  }

  dispose(): void {
    this.params.dispose();
  }
}

/** Latent codes drawn from the prior: integer classes, their one-hot encoding and U(−1, 1) values. */
export interface SampledCodes {
  /** [B, n_cat] class indices (float tensor of integers). */
  categorical: tf.Tensor2D;
  /** [B, C] continuous codes, or null when there are none. */
  continuous: tf.Tensor2D | null;
  /** [B, ΣK + C]: one-hot categoricals then continuous values, the generator's code input. */
  input: tf.Tensor2D;
}

/** Draws codes c ∼ P(c): each categorical uniform over its K classes, each continuous U(−1, 1). */
export function sampleCodes(rng: Rng, batch: number, spec: CodeSpec, fixed?: { categorical?: number[][]; continuous?: number[][] }): SampledCodes {
  const nCat = spec.categorical.length;
  const classes = new Float32Array(batch * nCat);
  const total = qOutputDim(spec);
  const input = new Float32Array(batch * total);
  const cont = new Float32Array(batch * spec.continuous);
  for (let b = 0; b < batch; b++) {
    let offset = 0;
    spec.categorical.forEach((k, j) => {
      const cls = fixed?.categorical?.[b]?.[j] ?? rng.int(k);
      if (!Number.isInteger(cls) || cls < 0 || cls >= k) throw new Error(`InfoGAN code ${j} must be an integer class in [0, ${k}), got ${cls}`);
      classes[b * nCat + j] = cls;
      input[b * total + offset + cls] = 1;
      offset += k;
    });
    for (let j = 0; j < spec.continuous; j++) {
      const v = fixed?.continuous?.[b]?.[j] ?? rng.uniform(-1, 1);
      cont[b * spec.continuous + j] = v;
      input[b * total + offset + j] = v;
    }
  }
  return {
    categorical: tf.tensor2d(classes, [batch, nCat]),
    continuous: spec.continuous > 0 ? tf.tensor2d(cont, [batch, spec.continuous]) : null,
    input: tf.tensor2d(input, [batch, total]),
  };
}
