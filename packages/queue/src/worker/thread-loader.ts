import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** True when this package runs from its TypeScript sources (tests, `node --import tsx`). */
export function runningFromSource(): boolean {
  return import.meta.url.endsWith('.ts');
}

/**
 * Node flags for worker threads: this process's own (profiling and inspector flags dropped), plus
 * `--conditions=worldmodels-source` when running from sources so workspace packages resolve to
 * their TypeScript there as well.
 */
export function threadExecArgv(): string[] {
  const args = process.execArgv.filter((a) => !a.startsWith('--cpu-prof') && !a.startsWith('--inspect'));
  if (runningFromSource() && !args.some((a) => a.startsWith('--conditions') || a === '-C')) args.push('--conditions=worldmodels-source');
  return args;
}

/** The file URL of tsx's ESM API (`tsx/esm/api`), which a worker thread registers to import TypeScript. */
export function tsxEsmApiUrl(): string {
  const require = createRequire(import.meta.url);
  let pkgPath: string;
  try {
    pkgPath = require.resolve('tsx/package.json');
  } catch {
    throw new Error('running queue workers from TypeScript sources needs the tsx package; build the packages or install tsx');
  }
  const pkg = require(pkgPath) as { exports?: Record<string, unknown> };
  const entry = pkg.exports?.['./esm/api'] as { import?: { default?: string } | string } | undefined;
  const rel = typeof entry?.import === 'string' ? entry.import : entry?.import?.default;
  if (!rel) throw new Error(`tsx at ${pkgPath} has no ./esm/api import entry`);
  return pathToFileURL(fileURLToPath(new URL(rel, pathToFileURL(pkgPath)))).href;
}

/**
 * Resolves a worker-module specifier from a job to a file URL on this machine: URLs as they are,
 * bare package specifiers through this installation's module resolution.
 */
export function resolveModuleSpecifier(specifier: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier) && !/^[a-z]:[\\/]/i.test(specifier)) return specifier;
  if (specifier.startsWith('/')) return pathToFileURL(specifier).href;
  try {
    const resolver = (import.meta as ImportMeta & { resolve?: (s: string) => string }).resolve;
    if (typeof resolver === 'function') return resolver(specifier);
    return pathToFileURL(createRequire(import.meta.url).resolve(specifier)).href;
  } catch (error) {
    throw new Error(`cannot resolve evaluator module '${specifier}' on this worker (is the package installed here?): ${(error as Error).message}`);
  }
}
