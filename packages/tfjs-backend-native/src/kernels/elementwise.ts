import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeKernelSpec } from './kernel.js';
import { allocF32, f32, sizeOf } from './util.js';

/** Binary op codes shared with native/addon.cc (enum Binary). */
const BINARY_CODES = {
  Add: 0,
  Sub: 1,
  Multiply: 2,
  RealDiv: 3,
  Maximum: 4,
  Minimum: 5,
  SquaredDifference: 6,
  Pow: 7,
} as const;

/** Element strides of `shape` broadcast to `outShape` (0 along broadcast dimensions). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): Int32Array {
  const rank = outShape.length;
  const strides = new Int32Array(rank);
  let stride = 1;
  for (let i = rank - 1; i >= 0; i--) {
    const j = i - (rank - shape.length);
    const dim = j >= 0 ? shape[j]! : 1;
    strides[i] = dim === 1 ? 0 : stride;
    stride *= dim;
  }
  return strides;
}

function binaryKernel(kernelName: keyof typeof BINARY_CODES): NativeKernelSpec {
  const code = BINARY_CODES[kernelName];
  return {
    kernelName,
    impl: ({ inputs, backend }, addon) => {
      const a = inputs.a as TensorInfo;
      const b = inputs.b as TensorInfo;
      if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
      const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      if (outShape.length > 8) return null;
      const out = allocF32(backend, sizeOf(outShape));
      if (out.length > 0) {
        addon.binary(
          code, f32(backend, a), f32(backend, b), out, Int32Array.from(outShape),
          broadcastStrides(a.shape, outShape), broadcastStrides(b.shape, outShape),
        );
      }
      return backend.makeTensorInfo(outShape, 'float32', out);
    },
  };
}

export const binaryKernels: NativeKernelSpec[] = (Object.keys(BINARY_CODES) as (keyof typeof BINARY_CODES)[]).map(
  binaryKernel,
);

/** Comparison codes shared with native/addon.cc (enum Compare); results are bool tensors. */
const COMPARE_CODES = { Equal: 0, NotEqual: 1, Less: 2, LessEqual: 3, Greater: 4, GreaterEqual: 5 } as const;

export const compareKernels: NativeKernelSpec[] = (Object.keys(COMPARE_CODES) as (keyof typeof COMPARE_CODES)[]).map(
  (kernelName) => ({
    kernelName,
    impl: ({ inputs, backend }, addon) => {
      const a = inputs.a as TensorInfo;
      const b = inputs.b as TensorInfo;
      if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
      const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      if (outShape.length > 8) return null;
      const out = new Uint8Array(sizeOf(outShape));
      if (out.length > 0) {
        addon.compare(
          COMPARE_CODES[kernelName], f32(backend, a), f32(backend, b), out, Int32Array.from(outShape),
          broadcastStrides(a.shape, outShape), broadcastStrides(b.shape, outShape),
        );
      }
      return backend.makeTensorInfo(outShape, 'bool', out);
    },
  }),
);

/** Unary op codes shared with native/addon.cc (enum Unary); `attrs` gives (alpha, beta). */
const UNARY: Record<string, { code: number; params?: (attrs: Record<string, unknown>) => [number, number] }> = {
  Relu: { code: 0 },
  Sigmoid: { code: 1 },
  Tanh: { code: 2 },
  Exp: { code: 3 },
  Log: { code: 4 },
  Sqrt: { code: 5 },
  Square: { code: 6 },
  Neg: { code: 7 },
  Abs: { code: 8 },
  Step: { code: 9, params: (a) => [Number(a.alpha ?? 0), 0] },
  Rsqrt: { code: 10 },
  Reciprocal: { code: 11 },
  Relu6: { code: 12 },
  Elu: { code: 13 },
  LeakyRelu: { code: 14, params: (a) => [Number(a.alpha ?? 0.2), 0] },
  Softplus: { code: 15 },
  Log1p: { code: 16 },
  Expm1: { code: 17 },
  ClipByValue: { code: 18, params: (a) => [Number(a.clipValueMin), Number(a.clipValueMax)] },
  Sign: { code: 19 },
  Floor: { code: 20 },
  Ceil: { code: 21 },
  Round: { code: 22 },
};

export const unaryKernels: NativeKernelSpec[] = Object.entries(UNARY).map(([kernelName, { code, params }]) => ({
  kernelName,
  impl: ({ inputs, backend, attrs }, addon) => {
    const x = inputs.x as TensorInfo;
    if (x.dtype !== 'float32') return null;
    const [alpha, beta] = params ? params(attrs as Record<string, unknown>) : [0, 0];
    const out = allocF32(backend, sizeOf(x.shape));
    if (out.length > 0) addon.unary(code, f32(backend, x), out, alpha, beta);
    return backend.makeTensorInfo(x.shape, 'float32', out);
  },
}));

/** AddN: element-wise sum of same-shape tensors (gradient accumulation). */
export const addNKernel: NativeKernelSpec = {
  kernelName: 'AddN',
  impl: ({ inputs, backend }, addon) => {
    const tensors = inputs as unknown as TensorInfo[];
    if (tensors.length === 0 || tensors.some((t) => t.dtype !== 'float32')) return null;
    const shape = tensors[0]!.shape;
    const size = sizeOf(shape);
    if (tensors.some((t) => sizeOf(t.shape) !== size)) return null;
    const out = allocF32(backend, size);
    if (size > 0) addon.addN(tensors.map((t) => f32(backend, t)), out);
    return backend.makeTensorInfo(shape, 'float32', out);
  },
};
