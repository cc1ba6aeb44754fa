import { CarRacingEnv } from './carracing/car-racing-env.js';
import { PongEnv } from './pong/pong-env.js';
import { TakeCoverEnv } from './takecover/take-cover-env.js';
import type { Env, EnvDoc } from './env.js';

/** Builds a fresh env; `options` are env-specific (e.g. `{ verbose: false }`). */
export type EnvFactory = (options?: Record<string, unknown>) => Env;

interface Registration {
  factory: EnvFactory;
  doc: EnvDoc | undefined;
}

const registry = new Map<string, Registration>();

/** Adds an env under `id` (e.g. `'CarRacing-v0'`); registering an id twice throws. */
export function register(id: string, factory: EnvFactory, doc?: EnvDoc): void {
  if (typeof id !== 'string' || !/^[A-Za-z][\w-]*-v\d+$/.test(id)) {
    throw new Error(`Env id must look like 'Name-v0', got ${JSON.stringify(id)}`);
  }
  if (registry.has(id)) throw new Error(`Env '${id}' is already registered`);
  if (typeof factory !== 'function') throw new Error(`register('${id}'): factory must be a function`);
  registry.set(id, { factory, doc });
}

/** A new instance of the env registered as `id`. Unknown ids throw an error listing the known ones. */
export function make(id: string, options?: Record<string, unknown>): Env {
  const reg = registry.get(id);
  if (!reg) throw new Error(`Unknown env id ${JSON.stringify(id)}; registered envs: ${listEnvs().join(', ') || '(none)'}`);
  const env = reg.factory(options);
  if (env.id !== id) throw new Error(`Factory for '${id}' built an env whose id is '${env.id}'`);
  return env;
}

/** The registered env ids, sorted. */
export function listEnvs(): string[] {
  return [...registry.keys()].sort();
}

/** The documentation of a registered env, from its registration or from a fresh instance. */
export function envDoc(id: string): EnvDoc {
  const reg = registry.get(id);
  if (!reg) throw new Error(`Unknown env id ${JSON.stringify(id)}; registered envs: ${listEnvs().join(', ') || '(none)'}`);
  if (reg.doc) return reg.doc;
  const env = reg.factory();
  try {
    return env.doc;
  } finally {
    env.close();
  }
}

// Built-in envs.
register('CarRacing-v0', (o) => new CarRacingEnv(o));
register('Pong-v0', (o) => new PongEnv(o));
register('TakeCover-v0', (o) => new TakeCoverEnv(o));
