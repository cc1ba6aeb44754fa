import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a rollout worker thread, from the built package or from TypeScript sources:
 * - built with the worker as its own entry: `rollout-worker.js` sits beside this module, or in
 *   `collect/` beside the bundle (tsup's `dist/collect/rollout-worker.js`); it runs as is.
 * - built as one bundle: the worker imports the bundle itself (`import.meta.url`, which exports
 *   `runRolloutWorker`) and calls it.
 * - sources (tests, `node --import tsx`): the worker is `rollout-worker.ts`; a tiny eval'd
 *   bootstrap registers tsx's ESM loader inside the worker (`tsx/esm/api` register) and then
 *   imports it, with the `worldmodels-source` export condition so workspace packages resolve to
 *   their sources too.
 */
export function startRolloutWorker(options: WorkerOptions): Worker {
  const here = import.meta.url;
  for (const candidate of ['./rollout-worker.js', './collect/rollout-worker.js']) {
    const url = new URL(candidate, here);
    if (existsSync(fileURLToPath(url))) return new Worker(url, options);
  }
  if (!here.endsWith('.ts')) {
    const bootstrap = [
      "const { workerData } = require('node:worker_threads');",
      'import(workerData.__bootstrap.__entry).then((m) => {',
      "  if (typeof m.runRolloutWorker !== 'function') throw new Error(workerData.__bootstrap.__entry + ' does not export runRolloutWorker; build src/collect/rollout-worker.ts as an entry');",
      '  return m.runRolloutWorker();',
      '}).catch((e) => { setImmediate(() => { throw e; }); });',
    ].join('\n');
    return new Worker(bootstrap, { ...options, eval: true, workerData: { ...(options.workerData as object), __bootstrap: { __entry: here } } });
  }
  const source = new URL('./rollout-worker.ts', here);
  if (!existsSync(fileURLToPath(source))) throw new Error(`cannot find the rollout worker beside ${fileURLToPath(here)}`);
  const tsxApi = resolveTsxEsmApi(here);
  const bootstrap = [
    "const { workerData } = require('node:worker_threads');",
    'const { __tsxApi, __entry } = workerData.__bootstrap;',
    'import(__tsxApi).then((m) => m.register()).then(() => import(__entry)).catch((e) => { setImmediate(() => { throw e; }); });',
  ].join('\n');
  const execArgv = [...(options.execArgv ?? []), '--conditions=worldmodels-source'];
  return new Worker(bootstrap, {
    ...options,
    eval: true,
    execArgv,
    workerData: { ...(options.workerData as object), __bootstrap: { __tsxApi: tsxApi, __entry: source.href } },
  });
}

/** The file URL of tsx's ESM API (`tsx/esm/api`, import condition), found from `fromUrl`. */
function resolveTsxEsmApi(fromUrl: string): string {
  const require = createRequire(fromUrl);
  let pkgPath: string;
  try {
    pkgPath = require.resolve('tsx/package.json');
  } catch {
    throw new Error('running rollout workers from TypeScript sources needs the tsx package (a dev dependency of the repository); build the package or install tsx');
  }
  const pkg = require(pkgPath) as { exports?: Record<string, unknown> };
  const entry = pkg.exports?.['./esm/api'] as { import?: { default?: string } | string } | undefined;
  const rel = typeof entry?.import === 'string' ? entry.import : entry?.import?.default;
  if (!rel) throw new Error(`tsx at ${pkgPath} has no ./esm/api import entry`);
  return pathToFileURL(fileURLToPath(new URL(rel, pathToFileURL(pkgPath)))).href;
}
