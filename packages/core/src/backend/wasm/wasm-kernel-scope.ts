import {
  Add,
  BatchMatMul,
  Conv2D,
  DepthwiseConv2dNative,
  getKernel,
  Identity,
  PadV2,
  Reshape,
  Reverse,
  Slice,
  Sum,
  Transpose,
  type KernelBackend,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

/** Explicit NHWC padding `[[0, 0], [top, bottom], [left, right], [0, 0]]`. */
export type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

/**
 * Runs the wasm backend's own registered kernels from inside another wasm kernel and frees every
 * intermediate result when the composite kernel is done. Kernel functions called this way bypass
 * the engine (no tape, no tensor bookkeeping), so each intermediate must be released here through
 * `backend.disposeData`; `finish(result)` does that for all but the result.
 */
export class WasmKernelScope {
  private readonly intermediates: TensorInfo[] = [];

  constructor(readonly backend: KernelBackend) {}

  /** Calls the kernel registered as `kernelName` for 'wasm'; its output is freed by `finish`. */
  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = getKernel(kernelName, 'wasm');
    if (kernel === undefined) {
      throw new Error(`the wasm backend has no '${kernelName}' kernel: import '@tensorflow/tfjs-backend-wasm' before registering training kernels`);
    }
    const out = kernel.kernelFunc({ inputs, attrs, backend: this.backend });
    const info = Array.isArray(out) ? out[0] : out;
    if (info === undefined) throw new Error(`wasm kernel '${kernelName}' returned no output`);
    this.intermediates.push(info);
    return info;
  }

  /**
   * A new float32 buffer of `shape` owned by this scope, to be filled through `heapView` (for
   * index shuffles that the wasm Transpose kernel does slowly at rank > 4).
   */
  makeFloat32(shape: number[]): TensorInfo {
    return this.adopt(wasmInternals(this.backend).makeOutput(shape, 'float32'));
  }

  /** A new int32 buffer of `shape` owned by this scope, to be filled through `heapInt32View`. */
  makeInt32(shape: number[]): TensorInfo {
    return this.adopt(wasmInternals(this.backend).makeOutput(shape, 'int32'));
  }

  /** An Int32Array view of an int32 buffer in the wasm heap (same caveat as `heapView`). */
  heapInt32View(t: TensorInfo): Int32Array {
    if (t.dtype !== 'int32') throw new Error(`heapInt32View needs an int32 buffer, got ${t.dtype}`);
    return wasmInternals(this.backend).typedArrayFromHeap(t) as Int32Array;
  }

  /**
   * A Float32Array view of a float32 buffer in the wasm heap. Take views only after the last
   * allocation: growing the heap detaches earlier views.
   */
  heapView(t: TensorInfo): Float32Array {
    if (t.dtype !== 'float32') throw new Error(`heapView needs a float32 buffer, got ${t.dtype}`);
    return wasmInternals(this.backend).typedArrayFromHeap(t) as Float32Array;
  }

  /** Takes ownership of a buffer made outside `run` (e.g. by a wrapped kernel's own function). */
  adopt(t: TensorInfo): TensorInfo {
    this.intermediates.push(t);
    return t;
  }

  /** Frees one intermediate now (to bound peak memory in long chains). */
  release(t: TensorInfo): void {
    const i = this.intermediates.indexOf(t);
    if (i < 0) throw new Error('release: not an intermediate of this scope');
    this.intermediates.splice(i, 1);
    this.backend.disposeData(t.dataId);
  }

  add(a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.run(Add, { a, b });
  }

  /** Frees every intermediate except `result` and returns `result`. */
  finish(result: TensorInfo): TensorInfo {
    // A result that is one of the kernel's inputs must be a new buffer the caller owns.
    if (!this.intermediates.includes(result)) result = this.run(Identity, { x: result });
    for (const t of this.intermediates) {
      if (t !== result) this.backend.disposeData(t.dataId);
    }
    this.intermediates.length = 0;
    return result;
  }

  /** Frees every intermediate (used when the composite kernel throws). */
  abandon(): void {
    for (const t of this.intermediates) this.backend.disposeData(t.dataId);
    this.intermediates.length = 0;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run(Reshape, { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run(Transpose, { x }, { perm });
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    return this.run(Slice, { x }, { begin, size });
  }

  pad(x: TensorInfo, paddings: Array<[number, number]>): TensorInfo {
    return this.run(PadV2, { x }, { paddings, constantValue: 0 });
  }

  reverse(x: TensorInfo, dims: number[]): TensorInfo {
    return this.run(Reverse, { x }, { dims });
  }

  sum(x: TensorInfo, axis: number[]): TensorInfo {
    return this.run(Sum, { x }, { axis, keepDims: false });
  }

  batchMatMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
    return this.run(BatchMatMul, { a, b }, { transposeA, transposeB });
  }

  /** NHWC Conv2D (XNNPACK) with explicit padding. */
  conv2d(x: TensorInfo, filter: TensorInfo, strides: [number, number], dilations: [number, number], pad: ExplicitPadding): TensorInfo {
    return this.run(Conv2D, { x, filter }, { strides, dilations, pad, dataFormat: 'NHWC', dimRoundingMode: undefined } as unknown as NamedAttrMap);
  }

  /** NHWC depthwise Conv2D (XNNPACK) with explicit padding. */
  depthwiseConv2d(x: TensorInfo, filter: TensorInfo, strides: [number, number], dilations: [number, number], pad: ExplicitPadding): TensorInfo {
    return this.run(DepthwiseConv2dNative, { x, filter }, { strides, dilations, pad, dataFormat: 'NHWC', dimRoundingMode: undefined } as unknown as NamedAttrMap);
  }
}

/** The two methods of tfjs-backend-wasm's BackendWasm that give direct access to its heap. */
interface WasmHeapAccess {
  makeOutput(shape: number[], dtype: 'float32' | 'int32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

function wasmInternals(backend: KernelBackend): WasmHeapAccess {
  const b = backend as unknown as Partial<WasmHeapAccess>;
  if (typeof b.makeOutput !== 'function' || typeof b.typedArrayFromHeap !== 'function') {
    throw new Error('the active backend is not tfjs-backend-wasm (no makeOutput / typedArrayFromHeap)');
  }
  return b as WasmHeapAccess;
}

/**
 * Runs `body` with a fresh scope; frees the intermediates on success (keeping the returned result)
 * and on failure.
 */
export function withWasmKernelScope(backend: KernelBackend, body: (scope: WasmKernelScope) => TensorInfo): TensorInfo {
  const scope = new WasmKernelScope(backend);
  try {
    return scope.finish(body(scope));
  } catch (error) {
    scope.abandon();
    throw error;
  }
}

/** The named input of a kernel call, or an error naming the kernel and the missing input. */
export function kernelInput(inputs: NamedTensorInfoMap, name: string, kernelName: string): TensorInfo {
  const t = inputs[name];
  if (t === undefined) throw new Error(`${kernelName} (wasm) was called without input '${name}'`);
  return t;
}
