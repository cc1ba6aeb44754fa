import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { kernelInput, withWasmKernelScope, type WasmKernelScope } from './wasm-kernel-scope.js';

/**
 * Filter gradient of an NHWC conv2d (dilation 1) as one wasm Conv2D:
 *   dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh·sh − top + kh, ow·sw − left + kw, ci] · dy[b, oh, ow, co]
 * is a convolution of x with the batch axis as channels (x → [Ci, H, W, B]) and dy as the filter
 * (dy → [OH, OW, B, Co]), stride 1 and dilation (sh, sw); its output is [Ci, KH, KW, Co].
 * Rows/columns the forward conv never read (valid padding with a remainder) are cropped first.
 */
export function conv2dFilterGradientNHWC(
  scope: WasmKernelScope,
  x: TensorInfo, // [B, H, W, Ci]
  dy: TensorInfo, // [B, OH, OW, Co]
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = info;
  checkShape('dy', dy.shape, [batchSize, outHeight, outWidth, outChannels]);
  // Padded extent the forward conv read along each axis; what lies past it does not contribute.
  const padBottom = filterHeight + (outHeight - 1) * strideHeight - inHeight - padInfo.top;
  const padRight = filterWidth + (outWidth - 1) * strideWidth - inWidth - padInfo.left;
  let xRead = x;
  if (padBottom < 0 || padRight < 0) {
    xRead = scope.slice(x, [0, 0, 0, 0], [batchSize, inHeight + Math.min(0, padBottom), inWidth + Math.min(0, padRight), inChannels]);
  }
  const xByChannel = scope.transpose(xRead, [3, 1, 2, 0]); // [Ci, H', W', B]
  const dyAsFilter = scope.transpose(dy, [1, 2, 0, 3]); // [OH, OW, B, Co]
  const grad = scope.conv2d(xByChannel, dyAsFilter, [1, 1], [strideHeight, strideWidth], [
    [0, 0],
    [padInfo.top, Math.max(0, padBottom)],
    [padInfo.left, Math.max(0, padRight)],
    [0, 0],
  ]); // [Ci, KH, KW, Co]
  return scope.transpose(grad, [1, 2, 0, 3]); // [KH, KW, Ci, Co]
}

function conv2dBackpropFilter({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const x = kernelInput(inputs, 'x', Conv2DBackpropFilter);
  const dy = kernelInput(inputs, 'dy', Conv2DBackpropFilter);
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
  if (x.shape.length !== 4 || dy.shape.length !== 4) {
    throw new Error(`Conv2DBackpropFilter (wasm) needs rank-4 x and dy, got x [${x.shape}] and dy [${dy.shape}]`);
  }
  const channelsFirst = backend_util.convertConv2DDataFormat(dataFormat) === 'channelsFirst';
  return withWasmKernelScope(backend as KernelBackend, (scope) => {
    const xNHWC = channelsFirst ? scope.transpose(x, [0, 2, 3, 1]) : x;
    const dyNHWC = channelsFirst ? scope.transpose(dy, [0, 2, 3, 1]) : dy;
    const info = backend_util.computeConv2DInfo(
      xNHWC.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
    return conv2dFilterGradientNHWC(scope, xNHWC, dyNHWC, info);
  });
}

export const conv2dBackpropFilterWasmConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};

/** Throws naming the tensor when its shape is not the one the conv geometry implies. */
export function checkShape(name: string, actual: number[], expected: number[]): void {
  if (actual.length !== expected.length || actual.some((d, i) => d !== expected[i])) {
    throw new Error(`${name} has shape [${actual}] but the convolution geometry implies [${expected}]`);
  }
}
