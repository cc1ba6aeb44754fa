/** Activation codes shared with native/addon.cc (enum Activation). */
export const ACTIVATION_CODES: Record<string, number> = {
  linear: 0,
  relu: 1,
  relu6: 2,
  sigmoid: 3,
  elu: 4,
  leakyrelu: 5,
};

/** The code of a fused activation, or null for ones done elsewhere (prelu). */
export function activationCode(activation: unknown): number | null {
  const name = activation == null ? 'linear' : String(activation);
  return ACTIVATION_CODES[name] ?? null;
}
