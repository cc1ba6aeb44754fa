import { threeWayAction } from './car-racing-action.js';
import { type Controller, checkInput, checkParams, checkSize } from './controller.js';

export interface DoomControllerOptions {
  /** Default 64 (z of the Doom VAE). */
  zSize?: number;
  /** LSTM size; the input holds both its cell c and hidden h (default 512 each). */
  hSize?: number;
}

/**
 * The Doom TakeCover controller: one tanh output of the features [z, c, h] with no bias
 * (64 + 512 + 512 = 1,088 parameters), thresholded to a three-way action: −1 (left) below −1/3,
 * +1 (right) above 1/3, 0 otherwise. Layout: params[i] is the weight of input i.
 */
export class DoomController implements Controller {
  readonly inputSize: number;
  readonly paramCount: number;
  private readonly params: Float64Array;

  constructor(options: DoomControllerOptions = {}) {
    const z = checkSize('zSize', options.zSize ?? 64);
    const h = checkSize('hSize', options.hSize ?? 512);
    this.inputSize = z + 2 * h;
    this.paramCount = this.inputSize;
    this.params = new Float64Array(this.paramCount);
  }

  setParams(params: ArrayLike<number>): void {
    checkParams('DoomController', params, this.paramCount);
    this.params.set(params);
  }

  getParams(): Float64Array {
    return this.params.slice();
  }

  /** tanh(w · x). */
  output(input: ArrayLike<number>): number {
    checkInput('DoomController', input, this.inputSize);
    let s = 0;
    for (let i = 0; i < this.inputSize; i++) s += this.params[i]! * input[i]!;
    return Math.tanh(s);
  }

  /** [action] with action ∈ {−1, 0, 1}. */
  act(input: ArrayLike<number>): Float64Array {
    return Float64Array.of(threeWayAction(this.output(input)));
  }
}
