import type { Box, Discrete } from './spaces.js';

/**
 * Checks a continuous action against `space` and returns it as a fresh Float32Array, with
 * each element clipped into `[low, high]`.
 *
 * Wrong type, wrong length and non-finite values throw an error naming the env and the problem;
 * out-of-range values are clipped, as gym's CarRacing clipped gas to [0, 1].
 */
export function checkBoxAction(envId: string, space: Box, action: unknown): Float32Array {
  if (!(Array.isArray(action) || ArrayBuffer.isView(action)) || action instanceof DataView) {
    throw new Error(`${envId}: action must be an array of ${space.size} numbers, got ${describe(action)}`);
  }
  const a = action as ArrayLike<unknown>;
  if (a.length !== space.size) {
    throw new Error(`${envId}: action must have ${space.size} values (${space.toString()}), got ${a.length}`);
  }
  const out = new Float32Array(space.size);
  for (let i = 0; i < space.size; i++) {
    const v = a[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new Error(`${envId}: action[${i}] must be a finite number, got ${describe(v)}`);
    }
    out[i] = Math.min(space.high[i]!, Math.max(space.low[i]!, v));
  }
  return out;
}

/** Checks a discrete action: an integer in `0 .. n-1` (a one-element array is accepted too). */
export function checkDiscreteAction(envId: string, space: Discrete, action: unknown): number {
  let v = action;
  if ((Array.isArray(action) || ArrayBuffer.isView(action)) && !(action instanceof DataView)) {
    const a = action as ArrayLike<unknown>;
    if (a.length !== 1) throw new Error(`${envId}: action must be one integer in [0, ${space.n - 1}], got ${a.length} values`);
    v = a[0];
  }
  if (!space.contains(v)) throw new Error(`${envId}: action must be an integer in [0, ${space.n - 1}], got ${describe(v)}`);
  return v;
}

/**
 * Tracks where an episode is, so `step` before `reset` or after the end throws a clear error.
 */
export class EpisodeState {
  private phase: 'unstarted' | 'running' | 'ended' | 'closed' = 'unstarted';

  constructor(private readonly envId: string) {}

  /** Call at the start of `step`. */
  assertCanStep(): void {
    if (this.phase === 'unstarted') throw new Error(`${this.envId}: step() called before reset()`);
    if (this.phase === 'ended') throw new Error(`${this.envId}: step() called after the episode ended (terminated or truncated); call reset() first`);
    if (this.phase === 'closed') throw new Error(`${this.envId}: step() called after close()`);
  }

  /** Call at the start of `reset`. */
  assertCanReset(): void {
    if (this.phase === 'closed') throw new Error(`${this.envId}: reset() called after close()`);
  }

  started(): void {
    this.phase = 'running';
  }

  /** Call at the end of `step` with the step's flags. */
  stepped(terminated: boolean, truncated: boolean): void {
    if (terminated || truncated) this.phase = 'ended';
  }

  closed(): void {
    this.phase = 'closed';
  }

  get running(): boolean {
    return this.phase === 'running';
  }
}

function describe(x: unknown): string {
  if (typeof x === 'number') return String(x);
  if (x === null) return 'null';
  if (Array.isArray(x)) return `array(${x.length})`;
  if (ArrayBuffer.isView(x)) return `${x.constructor.name}`;
  return typeof x === 'string' ? JSON.stringify(x) : typeof x;
}
