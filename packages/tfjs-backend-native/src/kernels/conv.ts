import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { activationCode } from './activation.js';
import type { NativeKernelSpec } from './kernel.js';
import { allocF32, allFloat32, f32, sizeOf } from './util.js';

type Conv2DInfo = backend_util.Conv2DInfo;

/** The 17 integers native/addon.cc reads as a convolution's geometry (NHWC, HWIO). */
function geometry(c: Conv2DInfo): Int32Array {
  return Int32Array.from([
    c.batchSize, c.inHeight, c.inWidth, c.inChannels,
    c.outHeight, c.outWidth, c.outChannels,
    c.filterHeight, c.filterWidth, c.strideHeight, c.strideWidth,
    c.dilationHeight, c.dilationWidth,
    c.padInfo.top, c.padInfo.left, c.padInfo.bottom, c.padInfo.right,
  ]);
}

function isNHWC(dataFormat: unknown): boolean {
  return dataFormat == null || dataFormat === 'NHWC' || dataFormat === 'channelsLast';
}

function outputShape(c: Conv2DInfo): number[] {
  return [c.batchSize, c.outHeight, c.outWidth, c.outChannels];
}

/** y = conv2d(x, filter) (+ bias, activation), oneDNN forward convolution. */
export const conv2DKernel: NativeKernelSpec = {
  kernelName: 'Conv2D',
  impl: ({ inputs, backend, attrs }, addon) => {
    const x = inputs.x as TensorInfo;
    const filter = inputs.filter as TensorInfo;
    if (!allFloat32(x, filter) || !isNHWC(attrs.dataFormat)) return null;
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
      attrs.strides as number | [number, number], (attrs.dilations ?? 1) as number | [number, number],
      attrs.pad as 'same', attrs.dimRoundingMode as 'floor' | undefined, false, 'channelsLast',
    );
    const out = allocF32(backend, sizeOf(outputShape(info)));
    if (out.length > 0) addon.conv2d(f32(backend, x), f32(backend, filter), out, geometry(info), null, 0, 0);
    return backend.makeTensorInfo(outputShape(info), 'float32', out);
  },
};

export const fusedConv2DKernel: NativeKernelSpec = {
  kernelName: 'FusedConv2D',
  impl: ({ inputs, backend, attrs }, addon) => {
    const x = inputs.x as TensorInfo;
    const filter = inputs.filter as TensorInfo;
    const bias = inputs.bias as TensorInfo | undefined;
    const act = activationCode(attrs.activation);
    if (act === null || !allFloat32(x, filter, bias) || !isNHWC(attrs.dataFormat)) return null;
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
      attrs.strides as number | [number, number], (attrs.dilations ?? 1) as number | [number, number],
      attrs.pad as 'same', attrs.dimRoundingMode as 'floor' | undefined, false, 'channelsLast',
    );
    let biasValues: Float32Array | null = null;
    if (bias) {
      const bs = sizeOf(bias.shape);
      const lastDim = bias.shape.length === 0 ? 1 : bias.shape[bias.shape.length - 1]!;
      if (!(bs === 1 || (bs === info.outChannels && lastDim === info.outChannels))) return null;
      biasValues = f32(backend, bias);
    }
    const out = allocF32(backend, sizeOf(outputShape(info)));
    const alpha = Number(attrs.leakyreluAlpha ?? 0.2);
    if (out.length > 0) addon.conv2d(f32(backend, x), f32(backend, filter), out, geometry(info), biasValues, act, alpha);
    return backend.makeTensorInfo(outputShape(info), 'float32', out);
  },
};

/** dx = gradient of conv2d w.r.t. its input (also conv2dTranspose's forward pass). */
export const conv2DBackpropInputKernel: NativeKernelSpec = {
  kernelName: 'Conv2DBackpropInput',
  impl: ({ inputs, backend, attrs }, addon) => {
    const dy = inputs.dy as TensorInfo;
    const filter = inputs.filter as TensorInfo;
    if (!allFloat32(dy, filter) || !isNHWC(attrs.dataFormat)) return null;
    const inputShape = attrs.inputShape as [number, number, number, number];
    const info = backend_util.computeConv2DInfo(
      inputShape, filter.shape as [number, number, number, number], attrs.strides as number | [number, number], 1,
      attrs.pad as 'same', attrs.dimRoundingMode as 'floor' | undefined, false, 'channelsLast',
    );
    const dx = allocF32(backend, sizeOf(inputShape));
    if (dx.length > 0) addon.conv2dBackpropInput(f32(backend, dy), f32(backend, filter), dx, geometry(info));
    return backend.makeTensorInfo(inputShape, 'float32', dx);
  },
};

/** dw = gradient of conv2d w.r.t. its filter. */
export const conv2DBackpropFilterKernel: NativeKernelSpec = {
  kernelName: 'Conv2DBackpropFilter',
  impl: ({ inputs, backend, attrs }, addon) => {
    const x = inputs.x as TensorInfo;
    const dy = inputs.dy as TensorInfo;
    if (!allFloat32(x, dy) || !isNHWC(attrs.dataFormat)) return null;
    const filterShape = attrs.filterShape as [number, number, number, number];
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filterShape, attrs.strides as number | [number, number], 1,
      attrs.pad as 'same', attrs.dimRoundingMode as 'floor' | undefined, false, 'channelsLast',
    );
    const dw = allocF32(backend, sizeOf(filterShape));
    if (dw.length > 0) addon.conv2dBackpropFilter(f32(backend, x), f32(backend, dy), dw, geometry(info));
    return backend.makeTensorInfo(filterShape, 'float32', dw);
  },
};
