import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

/** The Float32Array behind a float32 tensor of the cpu backend (no copy when it already is one). */
export function f32(backend: MathBackendCPU, t: TensorInfo): Float32Array {
  const values = backend.data.get(t.dataId).values;
  if (values instanceof Float32Array) return values;
  return Float32Array.from(values as ArrayLike<number>);
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** True when every tensor is a real float32 tensor the native kernels can read. */
export function allFloat32(...ts: (TensorInfo | undefined | null)[]): boolean {
  return ts.every((t) => t == null || t.dtype === 'float32');
}

/**
 * An output array of n floats, reused from a disposed tensor when the backend keeps some
 * (NativeBackend), else fresh. Its contents are unspecified: the kernel must write every element.
 */
export function allocF32(backend: MathBackendCPU, n: number): Float32Array {
  const b = backend as MathBackendCPU & { allocFloat32?: (n: number) => Float32Array };
  return b.allocFloat32 ? b.allocFloat32(n) : new Float32Array(n);
}
