/**
 * The reference's CarRacing action mapping of three tanh outputs a ∈ (−1, 1)³:
 * steer = a0, gas = (a1 + 1)/2, brake = clip(a2, 0, 1). Writes into `out` (default a new array).
 */
export function carRacingAction(tanhOutputs: ArrayLike<number>, out: Float64Array = new Float64Array(3)): Float64Array {
  if (tanhOutputs.length !== 3) throw new Error(`carRacingAction needs 3 outputs, got ${tanhOutputs.length}`);
  out[0] = tanhOutputs[0]!;
  out[1] = (tanhOutputs[1]! + 1) / 2;
  out[2] = Math.min(Math.max(tanhOutputs[2]!, 0), 1);
  return out;
}

/** Identity for outputs that are already actions. */
export function identityAction(outputs: ArrayLike<number>): Float64Array {
  return Float64Array.from(outputs);
}

/** Doom TakeCover's three-way action from one tanh output: −1 (left) below −1/3, +1 (right) above 1/3, else 0. */
export function threeWayAction(output: number): -1 | 0 | 1 {
  if (output < -1 / 3) return -1;
  if (output > 1 / 3) return 1;
  return 0;
}
