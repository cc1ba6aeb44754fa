import { carRacingAction } from './car-racing-action.js';
import { type Controller, checkInput, checkParams, checkSize } from './controller.js';

export interface HiddenControllerOptions {
  /** Default 32 (z only, the paper's "V model with hidden layer"). */
  inputSize?: number;
  /** Default 40. */
  hiddenSize?: number;
  /** Default 3. */
  outputSize?: number;
  actionMap?: 'carracing' | 'identity';
}

/**
 * One hidden layer of tanh units: a = tanh(W₂ · tanh(W₁·x + b₁) + b₂). With z (32) → 40 → 3 this
 * is the paper's "V model with hidden layer" agent, 1,443 parameters.
 *
 * Layout (the reference's): [b₁ (H), W₁ as [in, H] row-major, b₂ (out), W₂ as [H, out] row-major].
 */
export class HiddenController implements Controller {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  readonly paramCount: number;
  readonly actionMap: 'carracing' | 'identity';
  private readonly params: Float64Array;

  constructor(options: HiddenControllerOptions = {}) {
    this.inputSize = checkSize('inputSize', options.inputSize ?? 32);
    this.hiddenSize = checkSize('hiddenSize', options.hiddenSize ?? 40);
    this.outputSize = checkSize('outputSize', options.outputSize ?? 3);
    this.actionMap = options.actionMap ?? (this.outputSize === 3 ? 'carracing' : 'identity');
    if (this.actionMap === 'carracing' && this.outputSize !== 3) throw new Error(`the CarRacing action mapping needs outputSize 3, got ${this.outputSize}`);
    this.paramCount = (this.inputSize + 1) * this.hiddenSize + (this.hiddenSize + 1) * this.outputSize;
    this.params = new Float64Array(this.paramCount);
  }

  setParams(params: ArrayLike<number>): void {
    checkParams('HiddenController', params, this.paramCount);
    this.params.set(params);
  }

  getParams(): Float64Array {
    return this.params.slice();
  }

  /** The tanh outputs before the action mapping, [out]. */
  outputs(input: ArrayLike<number>): Float64Array {
    checkInput('HiddenController', input, this.inputSize);
    const { inputSize: n, hiddenSize: H, outputSize: out } = this;
    const p = this.params;
    const h = new Float64Array(H);
    for (let k = 0; k < H; k++) h[k] = p[k]!; // b₁
    for (let i = 0; i < n; i++) {
      const x = input[i]!;
      const row = H + i * H; // W₁[i, :]
      for (let k = 0; k < H; k++) h[k] = h[k]! + x * p[row + k]!;
    }
    for (let k = 0; k < H; k++) h[k] = Math.tanh(h[k]!);
    const base = (n + 1) * H;
    const y = new Float64Array(out);
    for (let j = 0; j < out; j++) y[j] = p[base + j]!; // b₂
    for (let k = 0; k < H; k++) {
      const row = base + out + k * out; // W₂[k, :]
      for (let j = 0; j < out; j++) y[j] = y[j]! + h[k]! * p[row + j]!;
    }
    for (let j = 0; j < out; j++) y[j] = Math.tanh(y[j]!);
    return y;
  }

  act(input: ArrayLike<number>): Float64Array {
    const y = this.outputs(input);
    return this.actionMap === 'carracing' ? carRacingAction(y) : y;
  }
}
