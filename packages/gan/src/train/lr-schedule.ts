/**
 * CycleGAN's learning-rate schedule (Zhu et al. 2017, §4): the base rate for the first
 * `constantSteps`, then linear decay to zero over `decaySteps`. At step t:
 * lr = base · (1 − max(0, t − constantSteps) / decaySteps), never below 0.
 */
export function linearDecayLearningRate(base: number, step: number, constantSteps: number, decaySteps: number): number {
  if (!(base > 0)) throw new Error(`learning rate must be > 0, got ${base}`);
  if (!Number.isInteger(constantSteps) || constantSteps < 0 || !Number.isInteger(decaySteps) || decaySteps < 0) {
    throw new Error(`linear decay needs non-negative integer step counts, got constant ${constantSteps}, decay ${decaySteps}`);
  }
  if (decaySteps === 0) return base;
  const past = Math.max(0, step - constantSteps);
  return base * Math.max(0, 1 - past / decaySteps);
}
