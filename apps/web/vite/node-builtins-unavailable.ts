import { builtinModules } from 'node:module';
import type { Plugin as EsbuildPlugin } from 'esbuild';
import type { Plugin } from 'vite';

const PREFIX = '\0node-builtin-unavailable:';
const PACKAGE_PREFIX = '\0node-package-unavailable:';
/** Third-party packages the workspace uses that only run in Node (worker pools, terminal progress bars). */
export const NODE_ONLY_PACKAGES = ['piscina', 'cli-progress'];
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const bare = (id: string) => id.replace(/^node:/, '');

/**
 * A stand-in for Node's built-in module `name`: the real module's export names, each a function
 * (so `class X extends EventEmitter` still evaluates) that throws "… is not available in the
 * browser" when called.
 */
export async function unavailableModuleCode(name: string, specifier = `node:${name}`): Promise<string> {
  const real = (await import(specifier)) as Record<string, unknown>;
  const names = Object.keys(real).filter((k) => k !== 'default' && IDENTIFIER.test(k));
  return [
    `const unavailable = (what) => function () { throw new Error('${specifier} ' + what + ' is not available in the browser'); };`,
    ...names.map((k) => `export const ${k} = unavailable(${JSON.stringify(k)});`),
    `export default new Proxy({}, { get: (_, key) => unavailable(String(key)) });`,
  ].join('\n');
}

/**
 * The stand-in as CommonJS, for dependencies the dev server pre-bundles (CommonJS packages such as
 * cli-progress do `class Bar extends require('events')`): a function (so it can be extended) that
 * throws when called, carrying the real module's export names as throwing functions.
 */
export async function unavailableCommonJsCode(name: string): Promise<string> {
  const real = (await import(`node:${name}`)) as Record<string, unknown>;
  const names = Object.keys(real).filter((k) => k !== 'default' && IDENTIFIER.test(k));
  return [
    `const unavailable = (what) => function () { throw new Error('node:${name} ' + what + ' is not available in the browser'); };`,
    `function unavailableModule() { throw new Error('node:${name} is not available in the browser'); }`,
    `for (const k of ${JSON.stringify(names)}) if (!(k in unavailableModule)) unavailableModule[k] = unavailable(k);`,
    'module.exports = unavailableModule;',
  ].join('\n');
}

/** The same stand-ins for the dev server's dependency pre-bundling (esbuild). */
function esbuildNodeBuiltinsUnavailable(): EsbuildPlugin {
  return {
    name: 'worldmodels:node-builtins-unavailable',
    setup(build) {
      build.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => (BUILTINS.has(args.path) ? { path: bare(args.path), namespace: 'node-builtin-unavailable' } : undefined));
      build.onLoad({ filter: /.*/, namespace: 'node-builtin-unavailable' }, async (args) => ({ contents: await unavailableCommonJsCode(args.path), loader: 'js' }));
    },
  };
}

/**
 * The workspace packages' main entries re-export Node-only helpers (files, worker threads) next to
 * the browser-safe models the page uses. In the browser every Node built-in module, and the
 * Node-only packages in {@link NODE_ONLY_PACKAGES}, become stand-ins (see
 * {@link unavailableModuleCode}): the build's tree-shaking drops the unused code, the dev server
 * (which loads every module) gets modules whose functions only throw when called, with a message
 * naming the module instead of an undefined import.
 */
export function nodeBuiltinsUnavailable(): Plugin {
  return {
    name: 'worldmodels:node-builtins-unavailable',
    enforce: 'pre',
    config: () => ({ optimizeDeps: { exclude: NODE_ONLY_PACKAGES, esbuildOptions: { plugins: [esbuildNodeBuiltinsUnavailable()] } } }),
    resolveId(id) {
      if (BUILTINS.has(id)) return PREFIX + bare(id);
      return NODE_ONLY_PACKAGES.includes(id) ? PACKAGE_PREFIX + id : null;
    },
    load(id) {
      if (id.startsWith(PREFIX)) return unavailableModuleCode(id.slice(PREFIX.length));
      if (id.startsWith(PACKAGE_PREFIX)) return unavailableModuleCode(id.slice(PACKAGE_PREFIX.length), id.slice(PACKAGE_PREFIX.length));
      return null;
    },
  };
}
