import {
  backend_util,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { checkShape } from './conv2d-backprop-filter.js';
import { subpixelAxis } from './subpixel-geometry.js';
import { kernelInput, withWasmKernelScope, type WasmKernelScope } from './wasm-kernel-scope.js';

/** Attributes both depthwise backprop kernels receive (tfjs-core's DepthwiseConv2dNativeBackprop*Attrs). */
interface DepthwiseBackpropAttrs {
  strides: [number, number] | number;
  dilations: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * Filter gradient of an NHWC depthwise conv2d (channel multiplier M), one pass over dy:
 *   dW[kh, kw, c, q] = Σ_{b, oh, ow} x[b, oh·sh − top + kh·dh, ow·sw − left + kw·dw, c] · dy[b, oh, ow, c·M + q]
 * accumulated in float64. A loop over the wasm heap: expressed as a wasm depthwise conv (dy as an
 * OH×OW filter) XNNPACK runs it ~7× slower than this.
 */
function depthwiseFilterGradient(scope: WasmKernelScope, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize: b, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, outChannels, filterHeight: kh, filterWidth: kw,
    strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, padInfo } = info;
  const m = outChannels / c;
  checkShape('dy', dy.shape, [b, oh, ow, outChannels]);
  checkShape('x', x.shape, [b, h, w, c]);
  const out = scope.makeFloat32([kh, kw, c, m]);
  const xs = scope.heapView(x);
  const dys = scope.heapView(dy);
  const acc = new Float64Array(kh * kw * c * m);
  const cm = c * m;
  for (let n = 0; n < b; n++) {
    for (let r = 0; r < oh; r++) {
      for (let q = 0; q < ow; q++) {
        const dyBase = ((n * oh + r) * ow + q) * cm;
        for (let y = 0; y < kh; y++) {
          const row = r * sh - padInfo.top + y * dh;
          if (row < 0 || row >= h) continue;
          for (let z = 0; z < kw; z++) {
            const col = q * sw - padInfo.left + z * dw;
            if (col < 0 || col >= w) continue;
            const xBase = ((n * h + row) * w + col) * c;
            const wBase = (y * kw + z) * cm;
            if (m === 1) {
              for (let k = 0; k < c; k++) acc[wBase + k] = acc[wBase + k]! + xs[xBase + k]! * dys[dyBase + k]!;
            } else {
              for (let k = 0; k < c; k++) {
                const xv = xs[xBase + k]!;
                for (let j = 0, i = wBase + k * m; j < m; j++, i++) acc[i] = acc[i]! + xv * dys[dyBase + k * m + j]!;
              }
            }
          }
        }
      }
    }
  }
  scope.heapView(out).set(acc);
  return out;
}

/**
 * Input gradient of an NHWC depthwise conv2d in sub-pixel form (subpixel-geometry.ts) with the
 * dilated filter as the effective filter: one stride-1 depthwise conv of padded dy with
 * multiplier sh·sw (the phases), a sum over the channel multiplier, then the phase interleave.
 */
function depthwiseInputGradient(scope: WasmKernelScope, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize: b, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, outChannels, filterHeight: kh, filterWidth: kw,
    strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, padInfo } = info;
  const m = outChannels / c;
  checkShape('dy', dy.shape, [b, oh, ow, outChannels]);
  checkShape('filter', filter.shape, [kh, kw, c, m]);
  const effH = (kh - 1) * dh + 1;
  const effW = (kw - 1) * dw + 1;
  const rows = subpixelAxis(effH, sh, padInfo.top, h, oh);
  const cols = subpixelAxis(effW, sw, padInfo.left, w, ow);
  const phases = sh * sw;

  // Phase filter F[t, t', (c, q), (rh, rw)] = Weff[rh + sh·(Th − 1 − t), rw + sw·(Tw − 1 − t'), c, q],
  // Weff the dilated filter (zero between taps and past its end).
  const phaseFilter = scope.makeFloat32([rows.taps, cols.taps, c * m, phases]);
  const src = scope.heapView(filter);
  const dst = scope.heapView(phaseFilter);
  dst.fill(0);
  for (let y = 0; y < kh; y++) {
    const ey = y * dh;
    const t = rows.taps - 1 - Math.floor(ey / sh);
    for (let x = 0; x < kw; x++) {
      const ex = x * dw;
      const tc = cols.taps - 1 - Math.floor(ex / sw);
      const phase = (ey % sh) * sw + (ex % sw);
      const base = (t * cols.taps + tc) * c * m * phases + phase;
      const from = (y * kw + x) * c * m;
      for (let j = 0; j < c * m; j++) dst[base + j * phases] = src[from + j]!;
    }
  }
  const byPhase = scope.depthwiseConv2d(dy, phaseFilter, [1, 1], [1, 1], [
    [0, 0],
    [rows.padBefore, rows.padAfter],
    [cols.padBefore, cols.padAfter],
    [0, 0],
  ]); // [B, Hc, Wc, C·M·P]
  let perChannel = byPhase; // → [B, Hc, Wc, C, P]
  if (m > 1) perChannel = scope.sum(scope.reshape(byPhase, [b, rows.convOut, cols.convOut, c, m, phases]), [4]);
  let blocks = scope.reshape(perChannel, [b, rows.convOut, cols.convOut, c, phases]);
  if (phases > 1) blocks = scope.transpose(blocks, [0, 1, 2, 4, 3]); // [B, Hc, Wc, P, C]
  let padded = scope.reshape(blocks, [b, rows.convOut, cols.convOut, phases * c]);
  if (phases > 1) {
    const split = scope.reshape(padded, [b, rows.convOut, cols.convOut, sh, sw, c]);
    padded = scope.reshape(scope.transpose(split, [0, 1, 3, 2, 4, 5]), [b, rows.convOut * sh, cols.convOut * sw, c]);
  }
  if (rows.cropStart === 0 && cols.cropStart === 0 && padded.shape[1] === h && padded.shape[2] === w) return padded;
  return scope.slice(padded, [0, rows.cropStart, cols.cropStart, 0], [b, h, w, c]);
}

function convInfo(inputShape: number[], filterShape: number[], attrs: DepthwiseBackpropAttrs, kernelName: string): backend_util.Conv2DInfo {
  if (inputShape.length !== 4 || filterShape.length !== 4) {
    throw new Error(`${kernelName} (wasm) needs rank-4 shapes, got input [${inputShape}] and filter [${filterShape}]`);
  }
  const dilations = attrs.dilations ?? 1;
  const [dh, dw] = typeof dilations === 'number' ? [dilations, dilations] : dilations;
  const [sh, sw] = typeof attrs.strides === 'number' ? [attrs.strides, attrs.strides] : attrs.strides;
  if ((dh > 1 || dw > 1) && (sh > 1 || sw > 1)) {
    throw new Error(`${kernelName} (wasm): strides [${sh}, ${sw}] and dilations [${dh}, ${dw}] cannot both exceed 1`);
  }
  return backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number], filterShape as [number, number, number, number], attrs.strides, dilations, attrs.pad,
    attrs.dimRoundingMode, true, 'channelsLast');
}

function depthwiseBackpropFilter({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const x = kernelInput(inputs, 'x', DepthwiseConv2dNativeBackpropFilter);
  const dy = kernelInput(inputs, 'dy', DepthwiseConv2dNativeBackpropFilter);
  const a = attrs as unknown as DepthwiseBackpropAttrs & { filterShape: [number, number, number, number] };
  const info = convInfo(x.shape, a.filterShape, a, DepthwiseConv2dNativeBackpropFilter);
  return withWasmKernelScope(backend as KernelBackend, (scope) => depthwiseFilterGradient(scope, x, dy, info));
}

function depthwiseBackpropInput({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const dy = kernelInput(inputs, 'dy', DepthwiseConv2dNativeBackpropInput);
  const filter = kernelInput(inputs, 'filter', DepthwiseConv2dNativeBackpropInput);
  const a = attrs as unknown as DepthwiseBackpropAttrs & { inputShape: [number, number, number, number] };
  const info = convInfo(a.inputShape, filter.shape, a, DepthwiseConv2dNativeBackpropInput);
  return withWasmKernelScope(backend as KernelBackend, (scope) => depthwiseInputGradient(scope, dy, filter, info));
}

export const depthwiseConv2dBackpropFilterWasmConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropFilter as unknown as KernelFunc,
};

export const depthwiseConv2dBackpropInputWasmConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInput as unknown as KernelFunc,
};
