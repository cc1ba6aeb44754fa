import { Rng } from '@worldmodels/core/rng';
import { make } from '@worldmodels/envs';
import { ENV_KINDS, type EnvKind } from '../config/env-kinds.js';
import { actionAdapter } from '../controller/action-adapter.js';
import { ControllerLayout } from '../controller/controller-layout.js';
import type { DreamEnv } from './dream-env.js';

/** A policy that always gives the same controller outputs (tanh space, one value per output). */
export interface FixedAction {
  name: string;
  outputs: readonly number[];
}

/**
 * The fixed actions worth checking per env: for TakeCover every move held for the whole episode
 * (a real agent standing still or pressing against a wall is hit by every aimed fireball); for
 * CarRacing full gas straight, steering hard either way, and coasting.
 */
export function fixedActions(kind: EnvKind): FixedAction[] {
  return kind === 'takecover'
    ? [
        { name: 'LEFT', outputs: [-1] },
        { name: 'STAY', outputs: [0] },
        { name: 'RIGHT', outputs: [1] },
      ]
    : [
        { name: 'gas', outputs: [0, 1, 0] },
        { name: 'left + gas', outputs: [-1, 1, 0] },
        { name: 'right + gas', outputs: [1, 1, 0] },
        { name: 'coast', outputs: [0, -1, 0] },
      ];
}

/**
 * Parameters of a linear controller (a = tanh(W·[z, h] + b), W = 0) whose outputs are always
 * `outputs`: b = atanh(outputs), clipped to ±0.999 so it stays finite.
 */
export function fixedActionParams(layout: ControllerLayout, outputs: readonly number[]): Float32Array {
  if (layout.form !== 'linear') throw new Error(`fixedActionParams needs a linear layout (it sets the bias), got ${layout.form}`);
  if (outputs.length !== layout.outputs) throw new Error(`fixedActionParams: ${outputs.length} outputs given, the layout has ${layout.outputs}`);
  const params = new Float32Array(layout.paramCount);
  outputs.forEach((y, i) => (params[i] = Math.atanh(clipOutput(y)))); // the bias comes first
  return params;
}

export interface Stats {
  mean: number;
  std: number;
}

export interface CalibrationRow {
  action: string;
  dream: Stats;
  real: Stats;
}

export interface FixedActionCalibrationOptions {
  kind: EnvKind;
  dream: DreamEnv;
  zSize: number;
  hiddenSize: number;
  /** Episodes per action, in the dream and in the real env. */
  episodes: number;
  /** Root of the real episodes' seeds (episode i: seed + i) and of the dream's noise. */
  seed: number;
  /** Real-env step cap (default: the env's own). */
  maxSteps?: number;
}

/**
 * Scores fixed-action policies in M's dream and in the real env, side by side: where the dream
 * gives a policy that cannot look at anything far more (or less) than the real env does, M is
 * wrong about what that behaviour leads to, and a controller trained in the dream will find it
 * (paper §4.5: the agent exploits the model's imperfections).
 */
export function fixedActionCalibration(options: FixedActionCalibrationOptions): CalibrationRow[] {
  const { kind, dream, zSize, hiddenSize, episodes, seed } = options;
  if (!Number.isInteger(episodes) || episodes < 1) throw new Error(`calibration episodes must be a positive integer, got ${episodes}`);
  const adapter = actionAdapter(kind);
  const layout = new ControllerLayout({ form: 'linear', zSize, hiddenSize, outputs: adapter.outputs });
  return fixedActions(kind).map(({ name, outputs }) => {
    const params = fixedActionParams(layout, outputs);
    const fromDream = Array.from(dream.rollout(layout, [params], episodes, new Rng(seed).derive('calibration', name)).returns);
    const envAction = adapter.envAction(outputs.map(clipOutput)); // what the dream's controller outputs: tanh(atanh(clip(y)))
    const fromReal = Array.from({ length: episodes }, (_, i) => realReturn(kind, envAction, seed + i, options.maxSteps));
    return { action: name, dream: stats(fromDream), real: stats(fromReal) };
  });
}

/** Return of one real episode with the same action at every step. */
function realReturn(kind: EnvKind, action: number | Float32Array, seed: number, maxSteps?: number): number {
  const env = make(ENV_KINDS[kind].envId);
  try {
    env.reset({ seed });
    let total = 0;
    for (let t = 0; maxSteps === undefined || t < maxSteps; t++) {
      const step = env.step(typeof action === 'number' ? action : Float32Array.from(action));
      total += step.reward;
      if (step.terminated || step.truncated) break;
    }
    return total;
  } finally {
    env.close();
  }
}

const clipOutput = (y: number) => Math.max(-0.999, Math.min(0.999, y));

function stats(values: number[]): Stats {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) };
}
