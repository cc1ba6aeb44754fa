/**
 * A controller C maps features (z, or [z, h]) to an action. Its weights are one flat parameter
 * vector in the reference's layout, which is what the evolution strategies search over.
 */
export interface Controller {
  /** Features expected by {@link act}. */
  readonly inputSize: number;
  /** Number of parameters (the ES dimension). */
  readonly paramCount: number;
  /** Loads a flat parameter vector (copied). */
  setParams(params: ArrayLike<number>): void;
  /** A copy of the parameters. */
  getParams(): Float64Array;
  /** The action for one feature vector. */
  act(input: ArrayLike<number>): Float64Array;
}

export function checkParams(name: string, params: ArrayLike<number>, expected: number): void {
  if (!params || typeof params.length !== 'number') throw new Error(`${name}.setParams needs an array of ${expected} numbers`);
  if (params.length !== expected) throw new Error(`${name} has ${expected} parameters, got a vector of length ${params.length}`);
  for (let i = 0; i < params.length; i++) if (!Number.isFinite(params[i]!)) throw new Error(`${name} parameter ${i} is ${params[i]}, expected a finite number`);
}

export function checkInput(name: string, input: ArrayLike<number>, expected: number): void {
  if (!input || input.length !== expected) throw new Error(`${name}.act needs ${expected} input features, got ${input ? input.length : input}`);
}

export function checkSize(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
  return value;
}
