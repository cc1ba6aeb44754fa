/**
 * A linear probe of a latent code (Alain & Bengio 2016, "Understanding intermediate layers using
 * linear classifier probes"): ridge regression from the encoder's mean μ to the positions the
 * frame shows (ball centre x and y, each paddle's centre y), fitted on training frames and scored
 * on held-out ones beside a baseline that always predicts the training mean. If the probe beats
 * the baseline, the latent carries where the objects are, whatever a decoder then draws from it;
 * a linear probe is a lower bound on what the latent carries (a non-linear read-out could do better).
 *
 * Ridge regression (Hoerl & Kennard 1970): with standardised features X [N, D] and centred targets
 * Y [N, T], W = (XᵀX + λI)⁻¹ XᵀY; the intercept is the targets' training mean (not penalised).
 * λ is picked from a grid on a validation block (the last `validationShare` of the training rows,
 * a contiguous block so that frames next to each other in time do not straddle the split), then
 * the probe is refitted on every training row.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';

/** Rows of features and targets: `features` [count, dim], `targets` [count, targets] (row-major). */
export interface ProbeRows {
  features: Float32Array;
  targets: Float32Array;
  count: number;
}

export interface RidgeProbe {
  lambda: number;
  featureMean: Float64Array;
  featureScale: Float64Array;
  targetMean: Float64Array;
  /** [dim, targets] on standardised features. */
  weights: Matrix;
}

export interface ProbeOptions {
  /** Ridge penalties tried, as multiples of the row count (default 1e-4 … 10). */
  lambdas?: readonly number[];
  /** Share of the training rows (the last ones) used to pick λ (default 0.2). */
  validationShare?: number;
}

const DEFAULT_LAMBDAS = [1e-4, 1e-3, 1e-2, 0.1, 1, 10];

function checkRows(rows: ProbeRows, dim: number, targets: number, name: string): void {
  if (!Number.isInteger(rows.count) || rows.count < 1) throw new Error(`latent probe: ${name} has ${rows.count} rows; it needs at least 1`);
  if (rows.features.length !== rows.count * dim) throw new Error(`latent probe: ${name} features hold ${rows.features.length} values, expected ${rows.count} rows × ${dim}`);
  if (rows.targets.length !== rows.count * targets) throw new Error(`latent probe: ${name} targets hold ${rows.targets.length} values, expected ${rows.count} rows × ${targets}`);
  for (const v of rows.features) if (!Number.isFinite(v)) throw new Error(`latent probe: ${name} features contain a non-finite value (${v})`);
  for (const v of rows.targets) if (!Number.isFinite(v)) throw new Error(`latent probe: ${name} targets contain a non-finite value (${v})`);
}

function slice(rows: ProbeRows, dim: number, targets: number, from: number, to: number): ProbeRows {
  return { features: rows.features.subarray(from * dim, to * dim), targets: rows.targets.subarray(from * targets, to * targets), count: to - from };
}

/** Fits W for one λ (a multiple of the row count) on `rows`. */
function fitOne(rows: ProbeRows, dim: number, targets: number, lambda: number): RidgeProbe {
  const n = rows.count;
  const featureMean = new Float64Array(dim);
  const featureScale = new Float64Array(dim);
  const targetMean = new Float64Array(targets);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) featureMean[j]! += rows.features[i * dim + j]! / n;
    for (let k = 0; k < targets; k++) targetMean[k]! += rows.targets[i * targets + k]! / n;
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) featureScale[j]! += (rows.features[i * dim + j]! - featureMean[j]!) ** 2 / n;
  // A constant feature carries nothing: scale 1 keeps it at 0 after centring instead of dividing by 0.
  for (let j = 0; j < dim; j++) featureScale[j] = featureScale[j]! > 1e-12 ? Math.sqrt(featureScale[j]!) : 1;
  const x = new Matrix(n, dim); // [N, D] standardised
  const y = new Matrix(n, targets); // [N, T] centred
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) x.set(i, j, (rows.features[i * dim + j]! - featureMean[j]!) / featureScale[j]!);
    for (let k = 0; k < targets; k++) y.set(i, k, rows.targets[i * targets + k]! - targetMean[k]!);
  }
  const xt = x.transpose(); // [D, N]
  const gram = xt.mmul(x); // [D, D]
  for (let j = 0; j < dim; j++) gram.set(j, j, gram.get(j, j) + lambda * n);
  const weights = new CholeskyDecomposition(gram).solve(xt.mmul(y)); // [D, T]
  return { lambda, featureMean, featureScale, targetMean, weights };
}

/** Predictions [count, targets] of `probe` for `features` [count, dim]. */
export function predictProbe(probe: RidgeProbe, features: Float32Array, count: number): Float32Array {
  const dim = probe.featureMean.length;
  const targets = probe.targetMean.length;
  if (features.length !== count * dim) throw new Error(`latent probe: ${features.length} feature values for ${count} rows of ${dim}`);
  const out = new Float32Array(count * targets);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < targets; k++) {
      let s = probe.targetMean[k]!;
      for (let j = 0; j < dim; j++) s += ((features[i * dim + j]! - probe.featureMean[j]!) / probe.featureScale[j]!) * probe.weights.get(j, k);
      out[i * targets + k] = s;
    }
  }
  return out;
}

function meanSquaredError(pred: Float32Array, truth: Float32Array): number {
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += (pred[i]! - truth[i]!) ** 2;
  return s / pred.length;
}

/**
 * Fits a ridge probe from features [count, dim] to targets [count, targets], with λ picked on the
 * last `validationShare` of the rows, then refitted on all of them.
 */
export function fitRidgeProbe(rows: ProbeRows, dim: number, targets: number, options: ProbeOptions = {}): RidgeProbe {
  const lambdas = options.lambdas ?? DEFAULT_LAMBDAS;
  const share = options.validationShare ?? 0.2;
  if (!Number.isInteger(dim) || dim < 1 || !Number.isInteger(targets) || targets < 1) throw new Error(`latent probe: dim (${dim}) and targets (${targets}) must be positive integers`);
  if (lambdas.length === 0 || lambdas.some((l) => !(l > 0))) throw new Error(`latent probe: lambdas must be positive, got [${lambdas.join(', ')}]`);
  if (!(share > 0 && share < 1)) throw new Error(`latent probe: validationShare must be in (0, 1), got ${share}`);
  checkRows(rows, dim, targets, 'training set');
  const split = Math.round(rows.count * (1 - share));
  if (split < 2 || rows.count - split < 1) throw new Error(`latent probe: ${rows.count} training rows are too few to hold out a validation block`);
  const fit = slice(rows, dim, targets, 0, split);
  const val = slice(rows, dim, targets, split, rows.count);
  let best = lambdas[0]!;
  let bestError = Infinity;
  for (const lambda of lambdas) {
    const error = meanSquaredError(predictProbe(fitOne(fit, dim, targets, lambda), val.features, val.count), val.targets);
    if (error < bestError) (bestError = error), (best = lambda);
  }
  return fitOne(rows, dim, targets, best);
}

/** Where the objects are: ball centre and both paddle centres, px. */
export interface Positions {
  ballX: number;
  ballY: number;
  opponentPaddleY: number;
  agentPaddleY: number;
}

/** How close predicted positions are to the true ones. */
export interface PositionErrors {
  /** Mean Euclidean distance of the predicted ball centre (px). */
  ballError: number;
  /** Share of frames whose predicted ball centre is within `radius` px. */
  ballWithinRadius: number;
  /** Mean |predicted − true| paddle centre (px). */
  opponentPaddleError: number;
  agentPaddleError: number;
}

export interface LatentProbeResult {
  trainFrames: number;
  testFrames: number;
  /** λ picked on the validation block (a multiple of the row count). */
  lambda: number;
  probe: PositionErrors;
  /** Always predicting the training mean position. */
  baseline: PositionErrors;
}

const POSITION_KEYS = ['ballX', 'ballY', 'opponentPaddleY', 'agentPaddleY'] as const;

function positionErrors(pred: Float32Array, truth: readonly Positions[], radius: number): PositionErrors {
  let ball = 0;
  let within = 0;
  let opp = 0;
  let agent = 0;
  truth.forEach((t, i) => {
    const d = Math.hypot(pred[i * 4]! - t.ballX, pred[i * 4 + 1]! - t.ballY);
    ball += d;
    if (d <= radius) within++;
    opp += Math.abs(pred[i * 4 + 2]! - t.opponentPaddleY);
    agent += Math.abs(pred[i * 4 + 3]! - t.agentPaddleY);
  });
  const n = truth.length;
  return { ballError: ball / n, ballWithinRadius: within / n, opponentPaddleError: opp / n, agentPaddleError: agent / n };
}

function toRows(latents: Float32Array, truth: readonly Positions[], dim: number, name: string): ProbeRows {
  if (latents.length !== truth.length * dim) throw new Error(`latent probe: ${name} has ${latents.length} latent values for ${truth.length} frames of ${dim}`);
  const targets = new Float32Array(truth.length * 4);
  truth.forEach((t, i) => POSITION_KEYS.forEach((k, j) => (targets[i * 4 + j] = t[k])));
  return { features: latents, targets, count: truth.length };
}

/**
 * Probes latents [frames, dim] for the object positions: a ridge probe fitted on the training
 * frames, scored on the test frames (ball error and the share within `radius` px, paddle errors),
 * beside the mean-position baseline.
 */
export function probeLatentPositions(
  train: { latents: Float32Array; truth: readonly Positions[] },
  test: { latents: Float32Array; truth: readonly Positions[] },
  dim: number,
  options: ProbeOptions & { radius?: number } = {},
): LatentProbeResult {
  const radius = options.radius ?? 2;
  const trainRows = toRows(train.latents, train.truth, dim, 'training set');
  const testRows = toRows(test.latents, test.truth, dim, 'test set');
  checkRows(testRows, dim, 4, 'test set');
  const probe = fitRidgeProbe(trainRows, dim, 4, options);
  const baseline = new Float32Array(testRows.count * 4);
  for (let i = 0; i < testRows.count; i++) baseline.set(probe.targetMean, i * 4);
  return {
    trainFrames: trainRows.count,
    testFrames: testRows.count,
    lambda: probe.lambda,
    probe: positionErrors(predictProbe(probe, testRows.features, testRows.count), test.truth, radius),
    baseline: positionErrors(baseline, test.truth, radius),
  };
}
