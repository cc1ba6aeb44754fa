import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** Backends the page tries, fastest first: WebGL on the GPU, then WebAssembly, then plain JavaScript. */
export const BROWSER_BACKENDS = ['webgl', 'wasm', 'cpu'] as const;
export type BrowserBackend = (typeof BROWSER_BACKENDS)[number];

export interface BrowserBackendChoice {
  backend: BrowserBackend;
  /** Faster backends that could not start, with why. */
  skipped: { backend: BrowserBackend; reason: string }[];
}

// The bundler serves the wasm binaries beside the page; tell tfjs where they are.
setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd });

/** WebGL needs a context; without a GPU (or with --disable-gpu) there is none, and tfjs would only fail later. */
function webglAvailable(): string | null {
  try {
    const canvas = document.createElement('canvas');
    return canvas.getContext('webgl2') || canvas.getContext('webgl') ? null : 'no WebGL context (no GPU, or the GPU is disabled)';
  } catch (error) {
    return `WebGL probe failed: ${(error as Error).message}`;
  }
}

/**
 * Picks the first backend that starts: webgl, then wasm, then cpu (or only `forced`, e.g. from the
 * page's `?backend=` parameter, still falling back when it cannot start).
 */
export async function selectBrowserBackend(forced?: string | null): Promise<BrowserBackendChoice> {
  const order: BrowserBackend[] = forced && (BROWSER_BACKENDS as readonly string[]).includes(forced)
    ? [forced as BrowserBackend, ...BROWSER_BACKENDS.filter((b) => b !== forced)]
    : [...BROWSER_BACKENDS];
  const skipped: BrowserBackendChoice['skipped'] = [];
  for (const backend of order) {
    const missing = backend === 'webgl' ? webglAvailable() : null;
    if (missing) {
      skipped.push({ backend, reason: missing });
      continue;
    }
    try {
      if (await tf.setBackend(backend)) {
        await tf.ready();
        return { backend, skipped };
      }
      skipped.push({ backend, reason: 'failed to initialise' });
    } catch (error) {
      skipped.push({ backend, reason: (error as Error).message });
    }
  }
  throw new Error(`no TensorFlow.js backend could start: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`);
}
