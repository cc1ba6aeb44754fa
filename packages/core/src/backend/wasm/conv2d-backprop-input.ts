import {
  backend_util,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { checkShape } from './conv2d-backprop-filter.js';
import { subpixelAxis } from './subpixel-geometry.js';
import { kernelInput, withWasmKernelScope, type WasmKernelScope } from './wasm-kernel-scope.js';

/**
 * Input gradient of an NHWC conv2d (dilation 1), which is also conv2dTranspose's forward pass,
 * as one stride-1 wasm Conv2D in sub-pixel form (see subpixel-geometry.ts):
 *   phase filter F[t, t', co, (rh, rw, ci)] = W[rh + sh·(Th − 1 − t), rw + sw·(Tw − 1 − t'), ci, co]
 *   (zero where the tap index passes the filter), dy padded by the phase geometry,
 *   conv → [B, Hc, Wc, sh·sw·Ci] → interleave phases → [B, Hc·sh, Wc·sw, Ci] → crop to [B, H, W, Ci].
 */
export function conv2dInputGradientNHWC(
  scope: WasmKernelScope,
  dy: TensorInfo, // [B, OH, OW, Co]
  filter: TensorInfo, // [KH, KW, Ci, Co]
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight: sh, strideWidth: sw, padInfo } = info;
  checkShape('dy', dy.shape, [batchSize, outHeight, outWidth, outChannels]);
  checkShape('filter', filter.shape, [filterHeight, filterWidth, inChannels, outChannels]);
  const rows = subpixelAxis(filterHeight, sh, padInfo.top, inHeight, outHeight);
  const cols = subpixelAxis(filterWidth, sw, padInfo.left, inWidth, outWidth);
  const phases = sh * sw;

  // Phase filter [Th, Tw, Co, sh·sw·Ci] from W [KH, KW, Ci, Co].
  const tapRowsPad = rows.taps * sh - filterHeight;
  const tapColsPad = cols.taps * sw - filterWidth;
  const padded = tapRowsPad > 0 || tapColsPad > 0
    ? scope.pad(filter, [[0, tapRowsPad], [0, tapColsPad], [0, 0], [0, 0]])
    : filter; // [Th·sh, Tw·sw, Ci, Co]
  const split = scope.reshape(padded, [rows.taps, sh, cols.taps, sw, inChannels, outChannels]);
  const flipped = scope.reverse(split, [0, 2]);
  const ordered = scope.transpose(flipped, [0, 2, 5, 1, 3, 4]); // [Th, Tw, Co, sh, sw, Ci]
  const phaseFilter = scope.reshape(ordered, [rows.taps, cols.taps, outChannels, phases * inChannels]);

  const byPhase = scope.conv2d(dy, phaseFilter, [1, 1], [1, 1], [
    [0, 0],
    [rows.padBefore, rows.padAfter],
    [cols.padBefore, cols.padAfter],
    [0, 0],
  ]); // [B, Hc, Wc, sh·sw·Ci]
  let interleaved: TensorInfo; // [B, Hc·sh, Wc·sw, Ci]
  if (phases === 1) {
    interleaved = byPhase;
  } else {
    // One 6-D transpose; tfjs-backend-wasm's DepthToSpace does the same ~10× slower.
    const split6 = scope.reshape(byPhase, [batchSize, rows.convOut, cols.convOut, sh, sw, inChannels]);
    const moved = scope.transpose(split6, [0, 1, 3, 2, 4, 5]); // [B, Hc, sh, Wc, sw, Ci]
    interleaved = scope.reshape(moved, [batchSize, rows.convOut * sh, cols.convOut * sw, inChannels]);
  }
  const [, fullRows, fullCols] = interleaved.shape as [number, number, number, number];
  if (rows.cropStart === 0 && cols.cropStart === 0 && fullRows === inHeight && fullCols === inWidth) return interleaved;
  return scope.slice(interleaved, [0, rows.cropStart, cols.cropStart, 0], [batchSize, inHeight, inWidth, inChannels]);
}

function conv2dBackpropInput({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const dy = kernelInput(inputs, 'dy', Conv2DBackpropInput);
  const filter = kernelInput(inputs, 'filter', Conv2DBackpropInput);
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
  if (dy.shape.length !== 4 || filter.shape.length !== 4 || inputShape.length !== 4) {
    throw new Error(`Conv2DBackpropInput (wasm) needs rank-4 dy, filter and inputShape, got dy [${dy.shape}], filter [${filter.shape}], inputShape [${inputShape}]`);
  }
  const channelsFirst = backend_util.convertConv2DDataFormat(dataFormat) === 'channelsFirst';
  return withWasmKernelScope(backend as KernelBackend, (scope) => {
    const [n, a, b, c] = inputShape;
    const shapeNHWC: [number, number, number, number] = channelsFirst ? [n, b, c, a] : [n, a, b, c];
    const dyNHWC = channelsFirst ? scope.transpose(dy, [0, 2, 3, 1]) : dy;
    const info = backend_util.computeConv2DInfo(
      shapeNHWC, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, 'channelsLast');
    const dx = conv2dInputGradientNHWC(scope, dyNHWC, filter, info);
    return channelsFirst ? scope.transpose(dx, [0, 3, 1, 2]) : dx;
  });
}

export const conv2dBackpropInputWasmConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as unknown as KernelFunc,
};
