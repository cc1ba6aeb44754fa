import type { TakeCoverConfig } from './take-cover-config.js';
import type { TakeCoverState } from './take-cover-sim.js';

/** What {@link takeCoverThreatFeatures} puts in a slot no fireball fills: far to the side, far in time. */
export const NO_THREAT: readonly [number, number] = [5, 3];

/**
 * A compact true-state description of the danger, for probes and reference policies (a world-model
 * agent never sees it): the agent's x / (half the room) and velocity / top speed (8 units/tic), then for the
 * `count` fireballs that will reach the agent's line soonest, where each crosses it relative to the
 * agent (units / 100) and in how many steps (/ 40), straight-line flight assumed. Fireballs flying
 * away are left out; empty slots hold {@link NO_THREAT}. Length 2 + 2·count.
 */
export function takeCoverThreatFeatures(state: Readonly<TakeCoverState>, cfg: Readonly<TakeCoverConfig>, count = 6): Float64Array {
  const topSpeed = cfg.thrust / (1 - cfg.friction); // units per tic at full speed (8)
  const threats = state.fireballs
    .filter((f) => f.vy < 0)
    .map((f) => {
      const steps = (f.y - cfg.agentY) / -f.vy;
      return { offset: (f.x + f.vx * steps - state.agentX) / 100, time: steps / 40 };
    })
    .sort((a, b) => a.time - b.time);
  const out = new Float64Array(2 + 2 * count);
  out[0] = state.agentX / (cfg.roomWidth / 2);
  out[1] = state.agentVx / topSpeed;
  for (let i = 0; i < count; i++) {
    const t = threats[i];
    out[2 + 2 * i] = t ? t.offset : NO_THREAT[0];
    out[3 + 2 * i] = t ? t.time : NO_THREAT[1];
  }
  return out;
}
