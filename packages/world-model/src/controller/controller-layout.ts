import * as tf from '@tensorflow/tfjs-core';

/**
 * The controller forms of the paper and its reference code, with their flat parameter layouts:
 * - `linear`: a = tanh(W·[z, h] + b); params = b (A), then W row-major [in, A] (CarRacing: 867).
 * - `vonly`: the same from z alone (CarRacing: 99).
 * - `hidden`: V only + one tanh hidden layer (paper's "V only + hidden layer", 40 units: 1,443);
 *   params = W1 [z, H], b1 (H), W2 [H, A], b2 (A).
 * - `doom`: a = tanh(W·[z, c, h]), one output, no bias (Doom reference: 1,088).
 * - `mlp`: one tanh hidden layer of `hiddenUnits` on the doom input [z, c, h]:
 *   a = tanh(W2·tanh(W1·[z, c, h] + b1) + b2); params = W1 [in, H], b1 (H), W2 [H, A], b2 (A)
 *   (TakeCover, 16 units: 17,441). Not in the paper: a linear C can only split its one output into
 *   parallel bands, while dodging ("move away from what lands near me") is not monotone in the
 *   threat's position.
 */
export type ControllerForm = 'linear' | 'vonly' | 'hidden' | 'doom' | 'mlp';

export interface ControllerLayoutOptions {
  form: ControllerForm;
  zSize: number;
  hiddenSize: number;
  /** Controller outputs (CarRacing 3; TakeCover 1). */
  outputs: number;
  /** Units of the `hidden` and `mlp` forms (default 40). */
  hiddenUnits?: number;
}

export class ControllerLayout {
  readonly form: ControllerForm;
  readonly zSize: number;
  readonly hiddenSize: number;
  readonly outputs: number;
  readonly hiddenUnits: number;
  /** Width of the controller's input vector. */
  readonly inputSize: number;
  /** Length of the flat parameter vector. */
  readonly paramCount: number;

  constructor(options: ControllerLayoutOptions) {
    const { form, zSize, hiddenSize, outputs } = options;
    for (const [k, v] of [['zSize', zSize], ['hiddenSize', hiddenSize], ['outputs', outputs]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`controller ${k} must be a positive integer, got ${v}`);
    }
    this.form = form;
    this.zSize = zSize;
    this.hiddenSize = hiddenSize;
    this.outputs = outputs;
    this.hiddenUnits = options.hiddenUnits ?? 40;
    switch (form) {
      case 'linear':
        this.inputSize = zSize + hiddenSize;
        this.paramCount = outputs + this.inputSize * outputs;
        break;
      case 'vonly':
        this.inputSize = zSize;
        this.paramCount = outputs + this.inputSize * outputs;
        break;
      case 'hidden':
      case 'mlp':
        if (!Number.isInteger(this.hiddenUnits) || this.hiddenUnits < 1) throw new Error(`controller hiddenUnits must be a positive integer, got ${this.hiddenUnits}`);
        this.inputSize = form === 'hidden' ? zSize : zSize + 2 * hiddenSize;
        this.paramCount = this.inputSize * this.hiddenUnits + this.hiddenUnits + this.hiddenUnits * outputs + outputs;
        break;
      case 'doom':
        if (outputs !== 1) throw new Error(`the doom controller form has one output, got outputs=${outputs}`);
        this.inputSize = zSize + 2 * hiddenSize;
        this.paramCount = this.inputSize;
        break;
      default:
        throw new Error(`unknown controller form '${String(form)}'; use linear, vonly, hidden, doom or mlp`);
    }
  }

  /** The controller's input from z and M's state (before M's step): [B, inputSize]. */
  input(z: tf.Tensor2D, h: tf.Tensor2D, c: tf.Tensor2D): tf.Tensor2D {
    switch (this.form) {
      case 'linear':
        return tf.concat([z, h], 1) as tf.Tensor2D; // [B, z + hidden]
      case 'doom':
      case 'mlp':
        return tf.concat([z, c, h], 1) as tf.Tensor2D; // [B, z + 2·hidden]
      default:
        return z.clone(); // [B, z]
    }
  }

  /**
   * Batched controller: member p's parameters applied to its E inputs.
   * params [P, D], x [P, E, in] → tanh outputs [P, E, A].
   */
  forward(params: tf.Tensor2D, x: tf.Tensor3D): tf.Tensor3D {
    const [P, D] = params.shape;
    if (D !== this.paramCount) throw new Error(`controller (${this.form}) needs ${this.paramCount} parameters per member, got ${D}`);
    if (x.shape[0] !== P || x.shape[2] !== this.inputSize) throw new Error(`controller input must be [${P}, E, ${this.inputSize}], got [${x.shape}]`);
    const A = this.outputs;
    const I = this.inputSize;
    return tf.tidy(() => {
      switch (this.form) {
        case 'linear':
        case 'vonly': {
          const b = tf.reshape(tf.slice(params, [0, 0], [P, A]), [P, 1, A]); // [P, 1, A]
          const W = tf.reshape(tf.slice(params, [0, A], [P, I * A]), [P, I, A]); // [P, I, A]
          return tf.tanh(tf.add(tf.matMul(x, W), b)) as tf.Tensor3D; // [P, E, A]
        }
        case 'hidden':
        case 'mlp': {
          const H = this.hiddenUnits;
          let o = 0;
          const W1 = tf.reshape(tf.slice(params, [0, o], [P, I * H]), [P, I, H]); // [P, I, H]
          o += I * H;
          const b1 = tf.reshape(tf.slice(params, [0, o], [P, H]), [P, 1, H]); // [P, 1, H]
          o += H;
          const W2 = tf.reshape(tf.slice(params, [0, o], [P, H * A]), [P, H, A]); // [P, H, A]
          o += H * A;
          const b2 = tf.reshape(tf.slice(params, [0, o], [P, A]), [P, 1, A]); // [P, 1, A]
          const hidden = tf.tanh(tf.add(tf.matMul(x, W1), b1)); // [P, E, H]
          return tf.tanh(tf.add(tf.matMul(hidden, W2), b2)) as tf.Tensor3D; // [P, E, A]
        }
        case 'doom': {
          const W = tf.reshape(params, [P, I, 1]); // [P, I, 1]
          return tf.tanh(tf.matMul(x, W)) as tf.Tensor3D; // [P, E, 1]
        }
      }
    });
  }

  /** Parameters drawn one by one from `draw` (e.g. a scaled normal or Cauchy variate). */
  randomParams(draw: () => number): Float32Array {
    const out = new Float32Array(this.paramCount);
    for (let i = 0; i < out.length; i++) out[i] = draw();
    return out;
  }
}
