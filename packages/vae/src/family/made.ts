/**
 * Masks of a MADE network (Germain et al. 2015, "MADE: Masked Autoencoder for Distribution
 * Estimation", section 4): every unit gets a degree, and a weight from unit a to unit b is kept
 * only when the degrees allow it, so output d depends on inputs that come strictly before d in
 * the ordering and on nothing else.
 *
 *   input d         degree m(d) = its position in `order` (1..D)
 *   hidden unit k   degree m(k) ∈ 1..D−1 (assigned cyclically; 0 when D = 1: no input reaches it)
 *   input → hidden  keep W[d, k] when m(k) ≥ m(d)                      (eq. 12)
 *   hidden → hidden keep W[k, k'] when m(k') ≥ m(k)
 *   hidden → output keep V[k, d] when m(d) > m(k)                       (eq. 13, strict)
 */
export interface MadeMasks {
  /** [D, H]: input → first hidden layer. */
  input: Float32Array;
  /** [H, H]: first → second hidden layer. */
  hidden: Float32Array;
  /** [H, D]: last hidden layer → outputs. */
  output: Float32Array;
}

/**
 * `order[p]` is the input dimension at position p of the autoregressive ordering; output
 * `order[p]` may depend on inputs `order[0..p−1]` only. `order` must be a permutation of 0..D−1.
 */
export function madeMasks(order: readonly number[], hiddenSize: number): MadeMasks {
  const d = order.length;
  if (d < 1) throw new Error('MADE needs at least one input dimension');
  if (!Number.isInteger(hiddenSize) || hiddenSize < 1) throw new Error(`MADE hidden size must be a positive integer, got ${hiddenSize}`);
  const seen = new Set(order);
  if (seen.size !== d || order.some((o) => !Number.isInteger(o) || o < 0 || o >= d)) {
    throw new Error(`MADE ordering must be a permutation of 0..${d - 1}, got [${order.join(', ')}]`);
  }
  const inputDegree = new Int32Array(d); // m(d), 1-based position in the ordering
  order.forEach((dim, position) => (inputDegree[dim] = position + 1));
  const hiddenDegree = new Int32Array(hiddenSize);
  for (let k = 0; k < hiddenSize; k++) hiddenDegree[k] = d > 1 ? (k % (d - 1)) + 1 : 0;

  const input = new Float32Array(d * hiddenSize);
  for (let i = 0; i < d; i++) for (let k = 0; k < hiddenSize; k++) input[i * hiddenSize + k] = hiddenDegree[k]! >= inputDegree[i]! ? 1 : 0;
  const hidden = new Float32Array(hiddenSize * hiddenSize);
  for (let k = 0; k < hiddenSize; k++) for (let j = 0; j < hiddenSize; j++) hidden[k * hiddenSize + j] = hiddenDegree[j]! >= hiddenDegree[k]! ? 1 : 0;
  const output = new Float32Array(hiddenSize * d);
  for (let k = 0; k < hiddenSize; k++) for (let i = 0; i < d; i++) output[k * d + i] = inputDegree[i]! > hiddenDegree[k]! ? 1 : 0;
  return { input, hidden, output };
}

/** The natural ordering 0..D−1, or its reverse (IAF reverses the ordering between steps). */
export function madeOrder(size: number, reversed: boolean): number[] {
  const order = Array.from({ length: size }, (_, i) => i);
  return reversed ? order.reverse() : order;
}
