import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients; training needs them on every backend.
import './register-gradients.js';

/** Backends in the order they are tried: fastest first. */
export const BACKEND_ORDER = ['tensorflow-gpu', 'tensorflow', 'native', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_ORDER)[number];

export interface InitBackendOptions {
  /** Force one backend (also settable with the WORLDMODELS_BACKEND env var); 'auto' picks the fastest present. */
  backend?: BackendName | 'auto';
  /** Print nothing (the choice is still returned). */
  quiet?: boolean;
  /** Where the one report line goes (default stderr). */
  log?: (line: string) => void;
  /** Module loader, replaceable in tests (default: dynamic `import()`). */
  importModule?: (specifier: string) => Promise<unknown>;
}

export interface BackendChoice {
  /** The tfjs backend name now active (`tf.getBackend()`): 'tensorflow', 'native', 'wasm' or 'cpu'. */
  backend: string;
  /** Which candidate was chosen. */
  name: BackendName;
  /** The package that provides it. */
  package: string;
  /** Why it was chosen, including why faster ones were skipped. */
  reason: string;
  /** Faster candidates that were skipped, with the reason each was unavailable. */
  skipped: { name: BackendName; error: string }[];
}

interface Candidate {
  name: BackendName;
  package: string;
  /** Makes the backend available; throws with a clear reason when it is not. Returns a detail line. */
  load(importModule: (s: string) => Promise<unknown>): Promise<{ tfName: string; detail?: string }>;
}

const CANDIDATES: Record<BackendName, Candidate> = {
  'tensorflow-gpu': {
    name: 'tensorflow-gpu',
    package: '@tensorflow/tfjs-node-gpu',
    async load(importModule) {
      await importModule('@tensorflow/tfjs-node-gpu');
      return { tfName: 'tensorflow', detail: 'libtensorflow with CUDA' };
    },
  },
  tensorflow: {
    name: 'tensorflow',
    package: '@tensorflow/tfjs-node',
    async load(importModule) {
      await importModule('@tensorflow/tfjs-node');
      return { tfName: 'tensorflow', detail: 'libtensorflow on CPU' };
    },
  },
  native: {
    name: 'native',
    package: '@worldmodels/tfjs-backend-native',
    async load(importModule) {
      const mod = (await importModule('@worldmodels/tfjs-backend-native')) as { register?: () => Promise<{ name: string; detail?: string }> };
      if (typeof mod.register !== 'function') throw new Error('the package has no register() export');
      const { name, detail } = await mod.register();
      return { tfName: name, ...(detail !== undefined && { detail }) };
    },
  },
  webgl: {
    name: 'webgl',
    package: '@tensorflow/tfjs-backend-webgl',
    async load(importModule) {
      if (isNode()) throw new Error('WebGL is only used in a browser');
      await importModule('@tensorflow/tfjs-backend-webgl');
      return { tfName: 'webgl', detail: 'GPU through WebGL' };
    },
  },
  wasm: {
    name: 'wasm',
    package: '@tensorflow/tfjs-backend-wasm',
    async load(importModule) {
      const wasm = (await importModule('@tensorflow/tfjs-backend-wasm')) as { setWasmPaths: (p: string) => void };
      const { wasmDistDirectory } = await import('./wasm-paths.js');
      const dir = await wasmDistDirectory();
      if (dir) wasm.setWasmPaths(dir);
      return { tfName: 'wasm', detail: 'WebAssembly SIMD kernels with training kernels added' };
    },
  },
  cpu: {
    name: 'cpu',
    package: '@tensorflow/tfjs-backend-cpu',
    async load(importModule) {
      await importModule('@tensorflow/tfjs-backend-cpu');
      return { tfName: 'cpu', detail: 'pure JavaScript kernels (slow: install a faster backend for training)' };
    },
  },
};

let reported: string | null = null;
const defaultImport = (specifier: string) => import(/* @vite-ignore */ specifier);

/**
 * Picks the fastest tensor backend present and makes it active: `@tensorflow/tfjs-node-gpu`,
 * `@tensorflow/tfjs-node`, `@worldmodels/tfjs-backend-native`, `@tensorflow/tfjs-backend-wasm`,
 * then the pure-JS cpu backend. Native backends are optional and loaded by dynamic import; a
 * missing one is skipped. `options.backend` or WORLDMODELS_BACKEND forces one (an error if it
 * cannot be loaded). The choice and the reason are reported once per process.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendChoice> {
  const fromEnv = isNode() ? process.env.WORLDMODELS_BACKEND || undefined : undefined;
  const forcedRaw = options.backend && options.backend !== 'auto' ? options.backend : fromEnv;
  const forced = forcedRaw === 'auto' ? undefined : forcedRaw;
  if (forced !== undefined && !(BACKEND_ORDER as readonly string[]).includes(forced)) {
    throw new Error(`unknown backend '${forced}' (from ${options.backend ? 'options.backend' : 'WORLDMODELS_BACKEND'}); choose one of ${BACKEND_ORDER.join(', ')} or auto`);
  }
  const importModule = options.importModule ?? defaultImport;
  const order: BackendName[] = forced ? [forced as BackendName] : [...BACKEND_ORDER];
  const skipped: BackendChoice['skipped'] = [];
  for (const name of order) {
    const candidate = CANDIDATES[name];
    let loaded: { tfName: string; detail?: string };
    try {
      loaded = await candidate.load(importModule);
      if (!(await tf.setBackend(loaded.tfName))) throw new Error(`tf.setBackend('${loaded.tfName}') failed to initialise`);
      await tf.ready();
      // The cpu backend (and backends built on it) prints a banner suggesting tfjs-node on first use;
      // the line below says which backend was chosen and why, so the banner is turned off.
      const active = tf.backend() as unknown as { firstUse?: boolean };
      if (typeof active.firstUse === 'boolean') active.firstUse = false;
      if (loaded.tfName === 'wasm') {
        const { registerWasmTrainingKernels } = await import('./wasm/register-wasm-training-kernels.js');
        registerWasmTrainingKernels();
      }
    } catch (error) {
      const message = describeLoadError(candidate, error);
      if (forced) throw new Error(`backend '${name}' was forced but cannot be used: ${message}`);
      skipped.push({ name, error: message });
      continue;
    }
    const why = forced
      ? `forced by ${options.backend && options.backend !== 'auto' ? 'options.backend' : 'WORLDMODELS_BACKEND'}`
      : skipped.length === 0
        ? 'the fastest backend'
        : `fastest present; skipped ${skipped.map((s) => `${s.name} (${s.error})`).join('; ')}`;
    const choice: BackendChoice = {
      backend: tf.getBackend(), name, package: candidate.package,
      reason: `${why}${loaded.detail ? ` — ${loaded.detail}` : ''}`, skipped,
    };
    const line = `worldmodels: tensor backend '${choice.backend}' from ${choice.package}: ${choice.reason}`;
    if (!options.quiet && reported !== line) {
      reported = line;
      (options.log ?? ((l: string) => (isNode() ? process.stderr.write(`${l}\n`) : console.info(l))))(line);
    }
    return choice;
  }
  throw new Error(`no tensor backend could be loaded: ${skipped.map((s) => `${s.name}: ${s.error}`).join('; ')}`);
}

function isNode(): boolean {
  return typeof process !== 'undefined' && Boolean(process.versions?.node);
}

function describeLoadError(candidate: Candidate, error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND' || /Cannot find (module|package)/.test(String(e?.message))) {
    if (String(e.message).includes(candidate.package)) return `${candidate.package} is not installed`;
  }
  return String(e?.message ?? error).split('\n')[0]!;
}
