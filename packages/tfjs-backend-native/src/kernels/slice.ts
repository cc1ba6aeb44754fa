import { backend_util, slice_util, util, type TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeKernelSpec } from './kernel.js';
import { allocF32, f32, sizeOf } from './util.js';

/** Slice: a strided sub-block copy (LSTM gate splits, mixture-parameter slices). */
export const sliceKernel: NativeKernelSpec = {
  kernelName: 'Slice',
  impl: ({ inputs, backend, attrs }, addon) => {
    const x = inputs.x as TensorInfo;
    if (x.dtype !== 'float32' || x.shape.length === 0 || x.shape.length > 8) return null;
    const [begin, size] = slice_util.parseSliceParams(x, attrs.begin as number | number[], attrs.size as number | number[]) as [
      number[],
      number[],
    ];
    slice_util.assertParamsValid(x, begin, size);
    const out = allocF32(backend, sizeOf(size));
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
    const out = allocF32(backend, sizeOf(outShape));
    if (out.length > 0) addon.fill(out, constantValue); // reused arrays are not zeroed
    if (sizeOf(x.shape) > 0) {
      addon.copyBlock(
        f32(backend, x), Int32Array.from(x.shape), new Int32Array(x.shape.length),
        out, Int32Array.from(outShape), Int32Array.from(paddings.map((p) => p[0])), Int32Array.from(x.shape),
      );
    }
    return backend.makeTensorInfo(outShape, 'float32', out);
  },
};

/** Concat of float32 tensors along one axis (Pack/stack and split gradients use it too). */
export const concatKernel: NativeKernelSpec = {
  kernelName: 'Concat',
  impl: ({ inputs, backend, attrs }, addon) => {
    const tensors = (inputs as unknown as TensorInfo[]).filter((t) => sizeOf(t.shape) > 0);
    if (tensors.length === 0 || tensors.some((t) => t.dtype !== 'float32')) return null;
    const rank = tensors[0]!.shape.length;
    if (rank === 0 || rank > 8 || tensors.some((t) => t.shape.length !== rank)) return null;
    const axis = util.parseAxisParam(attrs.axis as number, tensors[0]!.shape)[0]!;
    backend_util.assertParamsConsistent(tensors.map((t) => t.shape), axis);
    const outShape = backend_util.computeOutShape(tensors.map((t) => t.shape), axis);
    const out = allocF32(backend, sizeOf(outShape));
    const outShape32 = Int32Array.from(outShape);
    let offset = 0;
    for (const t of tensors) {
      const begin = new Int32Array(rank);
      begin[axis] = offset;
      addon.copyBlock(f32(backend, t), Int32Array.from(t.shape), new Int32Array(rank), out, outShape32, begin, Int32Array.from(t.shape));
      offset += t.shape[axis]!;
    }
    return backend.makeTensorInfo(outShape, 'float32', out);
  },
};

/** Pack (tf.stack): float32 tensors of one shape stacked along a new axis. */
export const packKernel: NativeKernelSpec = {
  kernelName: 'Pack',
  impl: ({ inputs, backend, attrs }, addon) => {
    const tensors = inputs as unknown as TensorInfo[];
    if (tensors.length === 0 || tensors.some((t) => t.dtype !== 'float32')) return null;
    const shape = tensors[0]!.shape;
    if (shape.length + 1 > 8 || tensors.some((t) => !util.arraysEqual(t.shape, shape))) return null;
    const axis = util.parseAxisParam(attrs.axis as number, [...shape, tensors.length])[0]!;
    const outShape = [...shape.slice(0, axis), tensors.length, ...shape.slice(axis)];
    const out = allocF32(backend, sizeOf(outShape));
    if (out.length === 0) return backend.makeTensorInfo(outShape, 'float32', out);
    const partShape = Int32Array.from([...shape.slice(0, axis), 1, ...shape.slice(axis)]);
    const outShape32 = Int32Array.from(outShape);
    const zero = new Int32Array(outShape.length);
    tensors.forEach((t, i) => {
      const begin = new Int32Array(outShape.length);
      begin[axis] = i;
      addon.copyBlock(f32(backend, t), partShape, zero, out, outShape32, begin, partShape);
    });
    return backend.makeTensorInfo(outShape, 'float32', out);
  },
};
