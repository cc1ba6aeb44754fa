import { carRacingAction } from './car-racing-action.js';
import { type Controller, checkInput, checkParams, checkSize } from './controller.js';

export interface LinearControllerOptions {
  inputSize: number;
  /** Default 3. */
  outputSize?: number;
  /** Maps the tanh outputs to the action (default: the CarRacing mapping for 3 outputs, identity otherwise). */
  actionMap?: 'carracing' | 'identity';
}

/**
 * The paper's controller, a = tanh(W·x + b) (Ha & Schmidhuber 2018, eq. in §2.3 "C"), with
 * x = [z, h] (CarRacing: 32 + 256 → 3, 867 parameters) or x = z (V-only: 99 parameters).
 *
 * Parameter layout (the reference code's): params[0:out] = b, then W as [in, out] row-major, i.e.
 * the weight from input i to output j is params[out + i·out + j].
 */
export class LinearController implements Controller {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly paramCount: number;
  readonly actionMap: 'carracing' | 'identity';
  private readonly params: Float64Array;
  private readonly pre: Float64Array;

  constructor(options: LinearControllerOptions) {
    this.inputSize = checkSize('inputSize', options.inputSize);
    this.outputSize = checkSize('outputSize', options.outputSize ?? 3);
    this.actionMap = options.actionMap ?? (this.outputSize === 3 ? 'carracing' : 'identity');
    if (this.actionMap === 'carracing' && this.outputSize !== 3) throw new Error(`the CarRacing action mapping needs outputSize 3, got ${this.outputSize}`);
    this.paramCount = (this.inputSize + 1) * this.outputSize;
    this.params = new Float64Array(this.paramCount);
    this.pre = new Float64Array(this.outputSize);
  }

  setParams(params: ArrayLike<number>): void {
    checkParams('LinearController', params, this.paramCount);
    this.params.set(params);
  }

  getParams(): Float64Array {
    return this.params.slice();
  }

  /** The tanh outputs before the action mapping, [out]. */
  outputs(input: ArrayLike<number>): Float64Array {
    checkInput('LinearController', input, this.inputSize);
    const out = this.outputSize;
    const p = this.params;
    const a = this.pre;
    for (let j = 0; j < out; j++) a[j] = p[j]!; // b
    for (let i = 0; i < this.inputSize; i++) {
      const x = input[i]!;
      if (x === 0) continue;
      const row = out + i * out; // W[i, :]
      for (let j = 0; j < out; j++) a[j] = a[j]! + x * p[row + j]!;
    }
    const y = new Float64Array(out);
    for (let j = 0; j < out; j++) y[j] = Math.tanh(a[j]!);
    return y;
  }

  act(input: ArrayLike<number>): Float64Array {
    const y = this.outputs(input);
    return this.actionMap === 'carracing' ? carRacingAction(y) : y;
  }
}
