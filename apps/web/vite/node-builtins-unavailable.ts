import { builtinModules } from 'node:module';
import type { Plugin } from 'vite';

const PREFIX = '\0node-builtin-unavailable:';
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * The workspace packages' main entries re-export Node-only helpers (files, worker threads) next to
 * the browser-safe models the page uses. In the browser build every Node built-in module becomes
 * a stand-in with the real module's export names, each a function that throws "… is not
 * available in the browser" when called; the bundler's tree-shaking drops the unused code, and a
 * call that survives fails with a message naming the module instead of an undefined import.
 */
export function nodeBuiltinsUnavailable(): Plugin {
  return {
    name: 'worldmodels:node-builtins-unavailable',
    enforce: 'pre',
    apply: (_config, env) => !env.isSsrBuild,
    resolveId(id) {
      return BUILTINS.has(id) ? PREFIX + id.replace(/^node:/, '') : null;
    },
    async load(id) {
      if (!id.startsWith(PREFIX)) return null;
      const name = id.slice(PREFIX.length);
      const real = (await import(`node:${name}`)) as Record<string, unknown>;
      const names = Object.keys(real).filter((k) => k !== 'default' && IDENTIFIER.test(k));
      return [
        `const unavailable = (what) => function () { throw new Error('node:${name} ' + what + ' is not available in the browser'); };`,
        ...names.map((k) => `export const ${k} = unavailable(${JSON.stringify(k)});`),
        `export default new Proxy({}, { get: (_, key) => unavailable(String(key)) });`,
      ].join('\n');
    },
  };
}
