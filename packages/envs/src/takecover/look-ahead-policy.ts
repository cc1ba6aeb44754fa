import type { TakeCoverConfig } from './take-cover-config.js';
import { flyFireball, strafeAgent, type Fireball, type Strafe, type TakeCoverState } from './take-cover-sim.js';

/** Settings of {@link takeCoverLookAhead}. */
export interface LookAheadOptions {
  /** Steps each plan is played forward (default 40: a fireball crosses the room in ≈ 42). */
  horizon?: number;
  /** Lengths of a plan's first hold before it switches (default [4, 10, 24]). */
  switchAfter?: readonly number[];
  /** A hit t steps ahead counts 1 / (1 + discount·t) (default 0.02): near hits matter more. */
  discount?: number;
  /** Cost of ending a plan at a side wall, × (|x| / limit)² (default 0.05): walls leave one way out. */
  wallCost?: number;
}

/**
 * A look-ahead policy on the true game state — not an agent (it reads the simulator's state,
 * which a world-model agent never sees), but a measure of how winnable the game is.
 *
 * It tries every plan "hold a for k steps, then hold b" (a, b ∈ {LEFT, STAY, RIGHT}, k from
 * `switchAfter`), plays each forward over `horizon` steps with Doom's strafe physics against the
 * fireballs already in flight (straight lines; imps that have not fired yet are ignored), and takes
 * the first move of the plan with the fewest discounted hits, ties broken by the wall cost and then
 * by plan order. On 100 seeded episodes of TakeCover-v0 it survives ≈ 2,070 of the 2,100 steps.
 */
export function takeCoverLookAhead(state: Readonly<TakeCoverState>, cfg: Readonly<TakeCoverConfig>, options: LookAheadOptions = {}): Strafe {
  const horizon = options.horizon ?? 40;
  const switchAfter = options.switchAfter ?? [4, 10, 24];
  const discount = options.discount ?? 0.02;
  const wallCost = options.wallCost ?? 0.05;
  let best: Strafe = 0;
  let bestCost = Infinity;
  for (const first of MOVES) {
    for (const k of switchAfter) {
      for (const then of MOVES) {
        const cost = planCost(state, cfg, first, Math.min(k, horizon), then, horizon, discount, wallCost);
        if (cost < bestCost - 1e-9) {
          bestCost = cost;
          best = first;
        }
      }
    }
  }
  return best;
}

const MOVES: readonly Strafe[] = [-1, 0, 1];

/** Discounted hits of "hold `first` for k steps, then `then`", plus the wall cost at the end. */
function planCost(state: Readonly<TakeCoverState>, cfg: Readonly<TakeCoverConfig>, first: Strafe, k: number, then: Strafe, horizon: number, discount: number, wallCost: number): number {
  const body = { agentX: state.agentX, agentVx: state.agentVx };
  let flying = state.fireballs.map((f) => ({ ...f }));
  let hits = 0;
  for (let t = 0; t < horizon; t++) {
    // The simulator's order and physics: the agent moves, then the fireballs.
    strafeAgent(body, t < k ? first : then, cfg);
    const still: Fireball[] = [];
    for (const f of flying) {
      const fate = flyFireball(f, body.agentX, cfg);
      if (fate === 'hit') hits += 1 / (1 + discount * t);
      else if (fate === 'flying') still.push(f);
    }
    flying = still;
  }
  const limit = cfg.roomWidth / 2 - cfg.agentRadius;
  return hits + wallCost * (body.agentX / limit) ** 2;
}
