import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The functions the compiled addon (native/addon.cc) exports. Arrays are written in place. */
export interface NativeAddon {
  gemm(
    a: Float32Array, b: Float32Array, out: Float32Array,
    batch: number, m: number, n: number, k: number,
    transposeA: boolean, transposeB: boolean, aBatchStride: number, bBatchStride: number,
    bias: Float32Array | null, activation: number, alpha: number,
  ): void;
  conv2d(x: Float32Array, filter: Float32Array, out: Float32Array, geometry: Int32Array,
    bias: Float32Array | null, activation: number, alpha: number): void;
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, geometry: Int32Array): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, geometry: Int32Array): void;
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array,
    outShape: Int32Array, aStrides: Int32Array, bStrides: Int32Array): void;
  compare(op: number, a: Float32Array, b: Float32Array, out: Uint8Array,
    outShape: Int32Array, aStrides: Int32Array, bStrides: Int32Array): void;
  unary(op: number, x: Float32Array, out: Float32Array, alpha: number, beta: number): void;
  addN(inputs: Float32Array[], out: Float32Array): void;
  reduce(op: number, x: Float32Array, out: Float32Array, outer: number, reduced: number, inner: number): void;
  sumColumns(x: Float32Array, out: Float32Array, rows: number, cols: number): void;
  transpose(x: Float32Array, out: Float32Array, shape: Int32Array, perm: Int32Array): void;
  copyBlock(src: Float32Array, srcShape: Int32Array, srcBegin: Int32Array,
    dst: Float32Array, dstShape: Int32Array, dstBegin: Int32Array, block: Int32Array): void;
  fill(out: Float32Array, value: number): void;
  lstmSequence(x: Float32Array, kernel: Float32Array, bias: Float32Array, h0: Float32Array, c0: Float32Array,
    keep: Float32Array | null, out: Float32Array, gates: Float32Array, cells: Float32Array,
    B: number, T: number, I: number, H: number, forgetBias: number): void;
  lstmSequenceGrad(dy: Float32Array, x: Float32Array, kernel: Float32Array, h0: Float32Array, c0: Float32Array,
    keep: Float32Array | null, out: Float32Array, gates: Float32Array, cells: Float32Array,
    dx: Float32Array, dKernel: Float32Array, dBias: Float32Array, dh0: Float32Array, dc0: Float32Array,
    B: number, T: number, I: number, H: number): void;
  setNumThreads(n: number): void;
  info(): { onednn: string; onednnHash: string; threads: number; isa: string; threading: string; cachedConvPlans: number };
}

/** Where the addon is looked for: WORLDMODELS_NATIVE_ADDON, else the package's node-gyp output. */
export function addonPath(): string {
  const override = process.env.WORLDMODELS_NATIVE_ADDON;
  if (override) return override;
  // src/addon.ts and dist/index.js both sit one level below the package root.
  return fileURLToPath(new URL('../build/Release/worldmodels_native.node', import.meta.url));
}

let cached: { addon: NativeAddon | null; error: Error | null } | undefined;

/** Loads the addon once; returns the load error instead of throwing. */
export function loadAddon(): { addon: NativeAddon | null; error: Error | null } {
  if (cached) return cached;
  const path = addonPath();
  // OpenMP worker threads sleep instead of spinning between kernels: on a shared machine a
  // spinning team stalls whenever a core is taken by another process (libgomp reads this at load).
  if (process.env.OMP_WAIT_POLICY === undefined) process.env.OMP_WAIT_POLICY = 'passive';
  try {
    const require = createRequire(import.meta.url);
    cached = { addon: require(path) as NativeAddon, error: null };
  } catch (e) {
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
    cached = {
      addon: null,
      error: new Error(
        `@worldmodels/tfjs-backend-native: the native addon could not be loaded from ${path} (${reason}). ` +
          'Install the system library with `apt-get install -y libdnnl-dev` and rebuild with ' +
          '`npm run build:native -w @worldmodels/tfjs-backend-native`.',
      ),
    };
  }
  return cached;
}

/** The addon, or a clear error when it is not built. */
export function requireAddon(): NativeAddon {
  const { addon, error } = loadAddon();
  if (!addon) throw error ?? new Error('native addon unavailable');
  return addon;
}
