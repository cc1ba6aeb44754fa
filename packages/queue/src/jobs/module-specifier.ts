import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * How a worker module is named in a job: a URL stays as it is (`file:` for a path every machine
 * has), a path becomes an absolute file URL (relative paths are taken from this process's working
 * directory), and a bare package specifier (`@scope/pkg/sub`) stays bare, to be resolved by each
 * worker from its own installation.
 */
export function jobModuleSpecifier(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== 'string' || module.length === 0) throw new Error(`an evaluator module must be a path, URL or package name, got ${String(module)}`);
  if (/^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)) return module;
  if (isAbsolute(module) || module.startsWith('./') || module.startsWith('../') || module.startsWith('.\\') || /^[a-z]:[\\/]/i.test(module)) {
    return pathToFileURL(resolve(module)).href;
  }
  return module;
}

/** True for `@scope/name…` or `name…` specifiers (not a URL, not a path). */
export function isBareSpecifier(module: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(module) && !isAbsolute(module) && !module.startsWith('.');
}
