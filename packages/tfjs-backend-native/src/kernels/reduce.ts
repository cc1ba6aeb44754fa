import { backend_util, util, type TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeKernelSpec } from './kernel.js';
import { allocF32, f32, sizeOf } from './util.js';
import type { NativeAddon } from '../addon.js';

/** Reduction codes shared with native/addon.cc (enum Reduce). */
const REDUCE_CODES = { Sum: 0, Max: 1, Min: 2, Prod: 3, Mean: 4 } as const;

/** Row-major transpose of a float32 array into `out` (a fresh array when omitted). */
export function transposeValues(
  addon: NativeAddon, x: Float32Array, shape: number[], perm: number[], out: Float32Array = new Float32Array(x.length),
): Float32Array {
  if (x.length > 0) addon.transpose(x, out, Int32Array.from(shape), Int32Array.from(perm));
  return out;
}

function reduceKernel(kernelName: keyof typeof REDUCE_CODES): NativeKernelSpec {
  const code = REDUCE_CODES[kernelName];
  return {
    kernelName,
    impl: ({ inputs, backend, attrs }, addon) => {
      const x = inputs.x as TensorInfo;
      if (x.dtype !== 'float32') return null;
      const axisAttr = (kernelName === 'Max' ? attrs.reductionIndices : attrs.axis) as number | number[];
      const keepDims = Boolean(attrs.keepDims);
      const rank = x.shape.length;
      const axes = util.parseAxisParam(axisAttr, x.shape).sort((p, q) => p - q);
      const size = sizeOf(x.shape);
      if (size === 0) return null;
      let values = f32(backend, x);
      let shape = x.shape.slice();
      let first = axes[0] ?? 0;
      let last = axes[axes.length - 1] ?? -1;
      // Contiguous axes reduce in place; others are moved innermost first.
      const contiguous = axes.every((a, i) => a === first + i);
      if (!contiguous) {
        const perm = backend_util.getAxesPermutation(axes, rank)!;
        values = transposeValues(addon, values, shape, perm);
        shape = perm.map((p) => x.shape[p]!);
        first = rank - axes.length;
        last = rank - 1;
      }
      const outer = sizeOf(shape.slice(0, first));
      const reduced = axes.length === 0 ? 1 : sizeOf(shape.slice(first, last + 1));
      const inner = sizeOf(shape.slice(last + 1));
      const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
      const out = allocF32(backend, outer * inner);
      if (reduced === 1) {
        out.set(values.subarray(0, out.length)); // nothing to reduce (e.g. a bias gradient of the output's shape)
      } else if ((code === 0 || code === 4) && outer === 1 && inner > 1) {
        addon.sumColumns(values, out, reduced, inner);
        if (code === 4) for (let i = 0; i < inner; i++) out[i]! /= reduced;
      } else {
        addon.reduce(code, values, out, outer, reduced, inner);
      }
      const finalShape = keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
      return backend.makeTensorInfo(finalShape, 'float32', out);
    },
  };
}

export const reduceKernels: NativeKernelSpec[] = (Object.keys(REDUCE_CODES) as (keyof typeof REDUCE_CODES)[]).map(
  reduceKernel,
);

export const transposeKernel: NativeKernelSpec = {
  kernelName: 'Transpose',
  impl: ({ inputs, backend, attrs }, addon) => {
    const x = inputs.x as TensorInfo;
    const perm = attrs.perm as number[];
    if (x.dtype !== 'float32' || x.shape.length > 8 || x.shape.length === 0) return null;
    const outShape = perm.map((p) => x.shape[p]!);
    const out = transposeValues(addon, f32(backend, x), x.shape.slice(), perm, allocF32(backend, sizeOf(x.shape)));
    return backend.makeTensorInfo(outShape, 'float32', out);
  },
};
