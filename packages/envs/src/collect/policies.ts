import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Rng } from '@worldmodels/core/rng';
import type { Info } from '../env.js';
import { Box, Discrete } from '../spaces.js';

/** Chooses actions for one episode. A fresh policy is made for every episode, from that episode's Rng. */
export interface Policy {
  /** The action for the current observation: an integer for Discrete spaces, numbers for Box spaces. */
  act(observation: Uint8Array, info: Info): number | ArrayLike<number>;
}

/** What a policy factory is given: the env's action space, the episode's own random stream, and options. */
export interface PolicyContext {
  envId: string;
  actionSpace: Box | Discrete;
  rng: Rng;
  options: Record<string, unknown>;
}

/**
 * Builds a policy for one episode. Factories must draw all their randomness from `ctx.rng` so a
 * collection is reproducible and does not depend on the number of workers.
 */
export type PolicyFactory = (ctx: PolicyContext) => Policy | Promise<Policy>;

/**
 * A policy that can be sent to a worker thread (functions cannot cross threads):
 * - `uniform`: a fresh uniformly random action every step (`actionSpace.sample`).
 * - `brownian`: ctallec/world-models' continuous random walk: a₀ uniform, then
 *   aₜ₊₁ = clip(aₜ + σ·√dt·N(0, I), low, high), dt = 1/50 and σ = 1 by default (Box spaces only).
 * - `held`: a uniformly random action held for k ~ U{minHold..maxHold} steps (default 1–10), then
 *   a new one: the Doom reference's data policy.
 * - `module`: the extension point. `module` is a URL or absolute path of an ES module (a .ts file
 *   works when running from source) exporting a {@link PolicyFactory} as `export` (default
 *   `createPolicy`); `options` reach the factory as `ctx.options`. The world-model package adds its
 *   "random agent" (a controller over V and M with random weights, the CarRacing reference's data
 *   policy) this way.
 */
export type PolicySpec =
  | 'uniform'
  | 'brownian'
  | 'held'
  | { kind: 'uniform' }
  | { kind: 'brownian'; dt?: number; sigma?: number }
  | { kind: 'held'; minHold?: number; maxHold?: number }
  | { kind: 'module'; module: string; export?: string; options?: Record<string, unknown> };

/** A uniformly random action every step. */
export const uniformPolicy: PolicyFactory = ({ actionSpace, rng }) => ({
  act: () => actionSpace.sample(rng),
});

/** ctallec's Brownian exploration: a random walk of the action, clipped to the box. */
export function brownianPolicy(options: { dt?: number; sigma?: number } = {}): PolicyFactory {
  const dt = options.dt ?? 1 / 50;
  const sigma = options.sigma ?? 1;
  if (!(dt > 0) || !(sigma >= 0)) throw new Error(`brownian policy needs dt > 0 and sigma ≥ 0, got dt=${dt}, sigma=${sigma}`);
  const step = sigma * Math.sqrt(dt);
  return ({ envId, actionSpace, rng }) => {
    if (!(actionSpace instanceof Box)) throw new Error(`brownian policy needs a continuous (Box) action space; ${envId} has ${String(actionSpace)}`);
    let action: Float32Array | null = null;
    return {
      act: () => {
        if (action === null) {
          action = Float32Array.from(actionSpace.sample(rng));
        } else {
          const next = new Float32Array(action.length);
          for (let i = 0; i < next.length; i++) {
            const v = action[i]! + step * rng.normal();
            next[i] = Math.min(actionSpace.high[i]!, Math.max(actionSpace.low[i]!, v));
          }
          action = next;
        }
        return action;
      },
    };
  };
}

/** A uniformly random action held for a random number of steps in [minHold, maxHold]. */
export function heldPolicy(options: { minHold?: number; maxHold?: number } = {}): PolicyFactory {
  const minHold = options.minHold ?? 1;
  const maxHold = options.maxHold ?? 10;
  if (!Number.isInteger(minHold) || !Number.isInteger(maxHold) || minHold < 1 || maxHold < minHold) {
    throw new Error(`held policy needs integers 1 ≤ minHold ≤ maxHold, got ${minHold}..${maxHold}`);
  }
  return ({ actionSpace, rng }) => {
    let action: number | Float32Array | Uint8Array = 0;
    let left = 0;
    return {
      act: () => {
        if (left === 0) {
          action = actionSpace.sample(rng);
          left = rng.integer(minHold, maxHold + 1);
        }
        left--;
        return action;
      },
    };
  };
}

const moduleCache = new Map<string, Promise<Record<string, unknown>>>();

/** Resolves a spec to its factory (importing the module of a `module` spec once per thread). */
export async function resolvePolicy(spec: PolicySpec): Promise<{ factory: PolicyFactory; options: Record<string, unknown> }> {
  const s = typeof spec === 'string' ? ({ kind: spec } as Exclude<PolicySpec, string>) : spec;
  if (s === null || typeof s !== 'object') throw new Error(`policy must be 'uniform', 'brownian', 'held' or a { kind } object, got ${String(spec)}`);
  switch (s.kind) {
    case 'uniform':
      return { factory: uniformPolicy, options: {} };
    case 'brownian':
      return { factory: brownianPolicy(s), options: {} };
    case 'held':
      return { factory: heldPolicy(s), options: {} };
    case 'module': {
      if (typeof s.module !== 'string' || s.module === '') throw new Error('module policy needs `module`: a URL or absolute path of an ES module');
      const url = isAbsolute(s.module) ? pathToFileURL(s.module).href : s.module;
      let loading = moduleCache.get(url);
      if (!loading) {
        loading = import(url) as Promise<Record<string, unknown>>;
        moduleCache.set(url, loading);
      }
      const mod = await loading;
      const name = s.export ?? 'createPolicy';
      const factory = mod[name];
      if (typeof factory !== 'function') throw new Error(`policy module ${s.module} has no exported function '${name}' (exports: ${Object.keys(mod).join(', ') || 'none'})`);
      return { factory: factory as PolicyFactory, options: s.options ?? {} };
    }
    default:
      throw new Error(`unknown policy kind ${JSON.stringify((s as { kind: unknown }).kind)}; use uniform, brownian, held or module`);
  }
}
