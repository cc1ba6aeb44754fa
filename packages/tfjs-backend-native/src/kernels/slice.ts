import { slice_util, type TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeKernelSpec } from './kernel.js';
import { f32, sizeOf } from './util.js';

/** Slice: a strided sub-block copy (LSTM gate splits, mixture-parameter slices). */
export const sliceKernel: NativeKernelSpec = {
  kernelName: 'Slice',
  impl: ({ inputs, backend, attrs }, addon) => {
    const x = inputs.x as TensorInfo;
    if (x.dtype !== 'float32' || x.shape.length === 0 || x.shape.length > 8) return null;
    const [begin, size] = slice_util.parseSliceParams(x, attrs.begin as number | number[], attrs.size as number | number[]);
    slice_util.assertParamsValid(x, begin, size);
    const out = new Float32Array(sizeOf(size));
    if (out.length > 0) {
      addon.copyBlock(
        f32(backend, x), Int32Array.from(x.shape), Int32Array.from(begin),
        out, Int32Array.from(size), new Int32Array(size.length), Int32Array.from(size),
      );
    }
    return backend.makeTensorInfo(size, 'float32', out);
  },
};

/** PadV2: constant padding (also the gradient of Slice). */
export const padKernel: NativeKernelSpec = {
  kernelName: 'PadV2',
  impl: ({ inputs, backend, attrs }, addon) => {
    const x = inputs.x as TensorInfo;
    const paddings = attrs.paddings as [number, number][];
    const constantValue = Number(attrs.constantValue ?? 0);
    if (x.dtype !== 'float32' || x.shape.length === 0 || x.shape.length > 8) return null;
    const outShape = x.shape.map((d, i) => paddings[i]![0] + d + paddings[i]![1]);
    const out = new Float32Array(sizeOf(outShape));
    if (constantValue !== 0) addon.fill(out, constantValue);
    if (sizeOf(x.shape) > 0) {
      addon.copyBlock(
        f32(backend, x), Int32Array.from(x.shape), new Int32Array(x.shape.length),
        out, Int32Array.from(outShape), Int32Array.from(paddings.map((p) => p[0])), Int32Array.from(x.shape),
      );
    }
    return backend.makeTensorInfo(outShape, 'float32', out);
  },
};
