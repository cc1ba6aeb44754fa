import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Scores one parameter vector on one episode; higher is better. `seed` seeds the episode (env
 * reset, sampling), so the score is a function of (params, seed).
 */
export type Evaluator = (params: Float64Array, seed: number) => Promise<number> | number;

/** What a worker module exports: called once per worker to build its evaluator (env, models, …). */
export type EvaluatorFactory = (options: unknown) => Promise<Evaluator> | Evaluator;

/**
 * Names the module each worker imports to build its evaluator. The module exports
 * `createEvaluator(options)` (or the function named by `exportName`) returning an {@link Evaluator}.
 * `options` must be structured-cloneable (plain data).
 */
export interface WorkerSpec {
  /** A file path (absolute, or relative to the working directory) or file URL; `.ts` works through tsx. */
  module: string | URL;
  options?: unknown;
  /** The factory's export name (default `createEvaluator`). */
  exportName?: string;
}

/** The file URL of a worker module. */
export function moduleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== 'string' || module.length === 0) throw new Error(`makeWorker.module must be a file path or URL, got ${String(module)}`);
  if (/^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)) return module;
  return pathToFileURL(isAbsolute(module) ? module : resolve(module)).href;
}

/** True when the module is TypeScript and needs a loader to run. */
export function isTypeScriptModule(url: string): boolean {
  return /\.[cm]?tsx?$/i.test(new URL(url).pathname);
}

/** The file URL of tsx's ESM API (`tsx/esm/api`), resolved from this package. */
export function resolveTsxEsmApi(): string {
  const require = createRequire(import.meta.url);
  let pkgPath: string;
  try {
    pkgPath = require.resolve('tsx/package.json');
  } catch {
    throw new Error('evaluating a TypeScript worker module needs the tsx package (npm install -D tsx), or point makeWorker.module at compiled JavaScript');
  }
  const pkg = require(pkgPath) as { exports?: Record<string, unknown> };
  const entry = pkg.exports?.['./esm/api'] as { import?: { default?: string } | string } | undefined;
  const rel = typeof entry?.import === 'string' ? entry.import : entry?.import?.default;
  if (!rel) throw new Error(`tsx at ${pkgPath} has no ./esm/api import entry`);
  return pathToFileURL(fileURLToPath(new URL(rel, pathToFileURL(pkgPath)))).href;
}

/** Imports a worker module in this thread and builds its evaluator (used when workers = 0). */
export async function loadEvaluator(spec: WorkerSpec): Promise<Evaluator> {
  const url = moduleUrl(spec.module);
  const name = spec.exportName ?? 'createEvaluator';
  const mod = (await import(url)) as Record<string, unknown>;
  const factory = mod[name];
  if (typeof factory !== 'function') throw new Error(`worker module ${url} does not export a function '${name}'`);
  const evaluate = await (factory as EvaluatorFactory)(spec.options);
  if (typeof evaluate !== 'function') throw new Error(`${name}() of ${url} returned ${typeof evaluate}, expected a function (params, seed) => number`);
  return evaluate;
}
