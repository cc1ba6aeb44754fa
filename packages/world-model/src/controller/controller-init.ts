import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonFile } from '@worldmodels/core';
import type { Rng } from '@worldmodels/core/rng';
import { ControllerLayout } from './controller-layout.js';

/** Where TakeCover's moves change: the pre-activation u at which tanh(u) crosses ±1/3. */
const MOVE_THRESHOLD = Math.atanh(1 / 3);

/**
 * Second-layer weight of an embedded unit whose first layer is scaled by `scale`: the mlp's output
 * tanh(k·tanh(s·u)) crosses ±1/3 exactly where the old tanh(u) did, so TakeCover's moves are the
 * same. For small s it is ≈ 1/s and the outputs themselves match (tanh(s·u)/s ≈ u); at s = 1
 * (k ≈ 1.04) continuous outputs saturate at ±0.78 instead of ±1.
 */
export function embeddedOutputWeight(scale: number): number {
  return MOVE_THRESHOLD / Math.tanh(scale * MOVE_THRESHOLD);
}

/**
 * Where `controller.init` points: a controller file (`best.json`), or a directory holding one — a
 * controller stage, or a run / exported agent with `controller/best.json`.
 */
export function resolveControllerFile(path: string): string {
  if (!existsSync(path)) throw new Error(`controller.init: ${path} does not exist`);
  if (!statSync(path).isDirectory()) return path;
  for (const candidate of [join(path, 'best.json'), join(path, 'controller', 'best.json')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`controller.init: ${path} holds neither best.json nor controller/best.json`);
}

/** The parameters of a controller file (`{ params: [...] }`, as the controller stage writes). */
export async function readControllerParams(file: string): Promise<Float64Array> {
  const json = (await readJsonFile(file, 'controller file')) as { params?: unknown };
  if (!Array.isArray(json.params)) throw new Error(`controller file ${file} has no params array`);
  const raw = json.params as unknown[];
  const bad = raw.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) throw new Error(`controller file ${file}: parameter ${bad} is ${JSON.stringify(raw[bad])}, expected a finite number`);
  return Float64Array.from(raw as number[]);
}

/**
 * A starting point for `layout` from a trained controller's parameters:
 * - the same layout (same parameter count): copied;
 * - a `doom` controller (one output on [z, c, h], no bias) or a `linear` one (tanh(W·[z, h] + b))
 *   into an `mlp`: output a's readout u_a = w_a·x + b_a becomes hidden unit a with first-layer
 *   weights s·w_a, bias s·b_a and second-layer weight {@link embeddedOutputWeight}(s) to output a,
 *   so the mlp makes the same TakeCover moves (outputs cross ±1/3 at the same inputs). At the
 *   default s = 1 a step of the search moves the embedded unit as much as it moved the old
 *   controller. The other hidden units start as random features — first-layer weights drawn from
 *   N(0, 1/in) with `rng` — with zero second-layer weights: they change nothing until the search
 *   uses them.
 * Anything else is refused with both parameter counts named.
 */
export function embedController(layout: ControllerLayout, source: ArrayLike<number>, rng: Rng, scale = 1): Float64Array {
  if (!(scale > 0 && Number.isFinite(scale))) throw new Error(`controller.init: the embedding scale must be positive, got ${scale}`);
  const n = source.length;
  if (n === layout.paramCount) return Float64Array.from(source);
  const { zSize: Z, hiddenSize: S, outputs: A } = layout;
  const sizes = { zSize: Z, hiddenSize: S, outputs: A };
  const linearCount = new ControllerLayout({ form: 'linear', ...sizes }).paramCount;
  const doomCount = A === 1 ? new ControllerLayout({ form: 'doom', ...sizes }).paramCount : undefined; // one output only
  const accepted = layout.form === 'mlp' ? ` (or ${doomCount !== undefined ? `${doomCount} of a doom controller, ` : ''}${linearCount} of a linear one, to embed)` : '';
  if (layout.form !== 'mlp' || (n !== linearCount && n !== doomCount)) {
    throw new Error(`controller.init has ${n} parameters; the ${layout.form} controller needs ${layout.paramCount}${accepted}`);
  }
  const H = layout.hiddenUnits;
  if (H < A) throw new Error(`controller.init: embedding needs at least one hidden unit per output (${A}), the mlp has ${H}`);
  const I = layout.inputSize; // [z, c, h]
  // Readout rows in the mlp's input order: w[a][i], bias[a].
  const w = Array.from({ length: A }, () => new Float64Array(I));
  const bias = new Float64Array(A);
  if (n === doomCount) {
    for (let i = 0; i < I; i++) w[0]![i] = source[i]!; // doom: W [in, 1] over [z, c, h]
  } else {
    // linear: b (A), then W row-major [z + h, A] over [z, h]; c gets zero weight.
    for (let a = 0; a < A; a++) bias[a] = source[a]!;
    for (let j = 0; j < Z + S; j++) {
      const i = j < Z ? j : j + S; // h follows c in [z, c, h]
      for (let a = 0; a < A; a++) w[a]![i] = source[A + j * A + a]!;
    }
  }
  const out = new Float64Array(layout.paramCount);
  // Layout: W1 [I, H] row-major, b1 (H), W2 [H, A] row-major, b2 (A).
  const b1 = I * H;
  const W2 = b1 + H;
  const spareStd = 1 / Math.sqrt(I);
  for (let i = 0; i < I; i++) {
    for (let k = 0; k < H; k++) out[i * H + k] = k < A ? scale * w[k]![i]! : rng.normal(0, spareStd);
  }
  const k = embeddedOutputWeight(scale);
  for (let a = 0; a < A; a++) {
    out[b1 + a] = scale * bias[a]!;
    out[W2 + a * A + a] = k;
  }
  return out;
}

/** `controller.init` resolved and read, as the search's starting mean for `layout`. */
export async function initialControllerMean(layout: ControllerLayout, path: string, rng: Rng): Promise<Float64Array> {
  const file = resolveControllerFile(path);
  return embedController(layout, await readControllerParams(file), rng);
}
