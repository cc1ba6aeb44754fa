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
import { subpixelAxis, type SubpixelAxis } from './subpixel-geometry.js';
import { kernelInput, withWasmKernelScope, type WasmKernelScope } from './wasm-kernel-scope.js';

/**
 * Input gradient of an NHWC conv2d (dilation 1), which is also conv2dTranspose's forward pass,
 * from the wasm backend's fast Conv2D / BatchMatMul. Two exact formulations, the cheaper one
 * chosen per call by a cost estimate:
 *  - sub-pixel conv (subpixel-geometry.ts): one stride-1 Conv2D of dy with the phase filter;
 *    it also multiplies the padding, which dominates when dy is small;
 *  - matmul + col2im: cols = dy · Wᵀ holds every tap's contribution (exact multiply-adds), then
 *    one pass adds each into its dx pixel (Dumoulin & Visin 2016, "A guide to convolution
 *    arithmetic", transposed convolution as the transpose of the im2col matrix).
 */
export function conv2dInputGradientNHWC(
  scope: WasmKernelScope,
  dy: TensorInfo, // [B, OH, OW, Co]
  filter: TensorInfo, // [KH, KW, Ci, Co]
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = info;
  checkShape('dy', dy.shape, [batchSize, outHeight, outWidth, outChannels]);
  checkShape('filter', filter.shape, [filterHeight, filterWidth, inChannels, outChannels]);
  const rows = subpixelAxis(filterHeight, strideHeight, padInfo.top, inHeight, outHeight);
  const cols = subpixelAxis(filterWidth, strideWidth, padInfo.left, inWidth, outWidth);
  const useMatMul = strategy === 'matmul' || (strategy === 'auto' && preferMatMul(info, rows, cols));
  if (useMatMul) return inputGradientByMatMul(scope, dy, filter, info);
  const blocks = blocksBySubpixelConv(scope, dy, filter, info, rows, cols);
  return interleavePhases(scope, blocks, info, rows.cropStart, cols.cropStart);
}

/** How Conv2DBackpropInput is computed: 'auto' picks per call; the others are for tests and benchmarks. */
export type ConvInputGradientStrategy = 'auto' | 'subpixel' | 'matmul';

let strategy: ConvInputGradientStrategy = 'auto';

/** Forces one formulation of Conv2DBackpropInput (both are exact); returns the previous setting. */
export function setConvInputGradientStrategy(next: ConvInputGradientStrategy): ConvInputGradientStrategy {
  const previous = strategy;
  strategy = next;
  return previous;
}

/** One col2im addition in JavaScript costs about this many GEMM multiply-adds on the wasm backend. */
const COL2IM_COST = 35;

/** Whether matmul + col2im is estimated cheaper than the sub-pixel conv. */
export function preferMatMul(info: backend_util.Conv2DInfo, rows: SubpixelAxis, cols: SubpixelAxis): boolean {
  const { batchSize: b, inChannels: ci, outChannels: co, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const subpixel = b * rows.convOut * cols.convOut * rows.taps * cols.taps * co * sh * sw * ci;
  const contributions = b * oh * ow * kh * kw * ci;
  return contributions * (co + COL2IM_COST) < subpixel;
}

/** One stride-1 Conv2D of padded dy with the phase filter → blocks [B, Hc, Wc, sh·sw·Ci]. */
function blocksBySubpixelConv(
  scope: WasmKernelScope, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo, rows: SubpixelAxis, cols: SubpixelAxis,
): TensorInfo {
  const phaseFilter = buildPhaseFilter(scope, filter, info, rows.taps, cols.taps);
  return scope.conv2d(dy, phaseFilter, [1, 1], [1, 1], [
    [0, 0],
    [rows.padBefore, rows.padAfter],
    [cols.padBefore, cols.padAfter],
    [0, 0],
  ]); // [B, Hc, Wc, sh·sw·Ci]
}

/**
 * Phase filter F[t, t', co, (rh, rw, ci)] = W[rh + sh·(Th − 1 − t), rw + sw·(Tw − 1 − t'), ci, co],
 * zero where the tap index passes the filter: [Th, Tw, Co, sh·sw·Ci] from W [KH, KW, Ci, Co].
 * Built by one loop over the heap (the wasm backend's rank-6 transpose is ~80 ns per element).
 */
function buildPhaseFilter(scope: WasmKernelScope, filter: TensorInfo, info: backend_util.Conv2DInfo, th: number, tw: number): TensorInfo {
  const { inChannels: ci, outChannels: co, filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const phaseSize = sh * sw * ci;
  const out = scope.makeFloat32([th, tw, co, phaseSize]);
  const w = scope.heapView(filter);
  const f = scope.heapView(out);
  f.fill(0);
  for (let y = 0; y < kh; y++) {
    const t = th - 1 - Math.floor(y / sh);
    const rh = y % sh;
    for (let x = 0; x < kw; x++) {
      const tc = tw - 1 - Math.floor(x / sw);
      const rw = x % sw;
      const fBase = (t * tw + tc) * co * phaseSize + (rh * sw + rw) * ci;
      let wIndex = (y * kw + x) * ci * co;
      for (let c = 0; c < ci; c++) {
        let fIndex = fBase + c;
        for (let o = 0; o < co; o++, wIndex++, fIndex += phaseSize) f[fIndex] = w[wIndex]!;
      }
    }
  }
  return out;
}

/**
 * cols[(b, oh, ow), (kh, kw, ci)] = Σ_co dy[b, oh, ow, co] · W[kh, kw, ci, co] (one plain
 * BatchMatMul, transposing whichever operand is smaller), then
 * dx[b, oh·sh + kh − top, ow·sw + kw − left, ci] += cols[(b, oh, ow), (kh, kw, ci)].
 */
function inputGradientByMatMul(scope: WasmKernelScope, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize: b, inHeight: h, inWidth: w, inChannels: ci, outChannels: co, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, padInfo } = info;
  const n = b * oh * ow;
  const tapCols = kh * kw * ci;
  const dy2 = scope.reshape(dy, [n, co]); // [N, Co]
  const w2 = scope.reshape(filter, [tapCols, co]); // [KH·KW·Ci, Co]
  const products = tapCols * co <= n * co + n * tapCols
    ? scope.batchMatMul(dy2, scope.transpose(w2, [1, 0]), false, false) // [N, KH·KW·Ci]
    : scope.transpose(scope.batchMatMul(w2, scope.transpose(dy2, [1, 0]), false, false), [1, 0]);
  const dx = scope.makeFloat32([b, h, w, ci]);
  const src = scope.heapView(products);
  const dst = scope.heapView(dx);
  dst.fill(0);
  for (let i = 0; i < n; i++) {
    const x0 = (i % ow) * sw - padInfo.left;
    const y0 = (Math.floor(i / ow) % oh) * sh - padInfo.top;
    const imageBase = Math.floor(i / (oh * ow)) * h;
    for (let y = 0; y < kh; y++) {
      const row = y0 + y;
      if (row < 0 || row >= h) continue;
      for (let x = 0; x < kw; x++) {
        const col = x0 + x;
        if (col < 0 || col >= w) continue;
        let s = (i * kh * kw + y * kw + x) * ci;
        let d = ((imageBase + row) * w + col) * ci;
        for (let c = 0; c < ci; c++, s++, d++) dst[d] = dst[d]! + src[s]!;
      }
    }
  }
  return dx;
}

/**
 * blocks [B, Hb, Wb, sh·sw·Ci] (block q, phase r = padded row q·sh + r) → padded dx
 * [B, Hb·sh, Wb·sw, Ci] (one transpose; the wasm DepthToSpace kernel does the same ~10× slower)
 * → cropped to dx.
 */
function interleavePhases(scope: WasmKernelScope, blocks: TensorInfo, info: backend_util.Conv2DInfo, rowStart: number, colStart: number): TensorInfo {
  const { batchSize: b, inChannels: ci, strideHeight: sh, strideWidth: sw } = info;
  const [, hb, wb] = blocks.shape as [number, number, number, number];
  let padded = blocks;
  if (sh * sw > 1) {
    const split = scope.reshape(blocks, [b, hb, wb, sh, sw, ci]);
    padded = scope.reshape(scope.transpose(split, [0, 1, 3, 2, 4, 5]), [b, hb * sh, wb * sw, ci]); // [B, Hb·sh, Wb·sw, Ci]
  }
  return cropPadded(scope, padded, info, rowStart, colStart);
}

/**
 * Rows [rowStart, rowStart + H) and columns [colStart, colStart + W) of a padded dx, zero past
 * its end (input the forward conv never read).
 */
function cropPadded(scope: WasmKernelScope, padded: TensorInfo, info: backend_util.Conv2DInfo, rowStart: number, colStart: number): TensorInfo {
  const { batchSize: b, inHeight: h, inWidth: w, inChannels: ci } = info;
  const [, ph, pw] = padded.shape as [number, number, number, number];
  let full = padded;
  const padBottom = Math.max(0, rowStart + h - ph);
  const padRight = Math.max(0, colStart + w - pw);
  if (padBottom > 0 || padRight > 0) full = scope.pad(full, [[0, 0], [0, padBottom], [0, padRight], [0, 0]]);
  if (rowStart === 0 && colStart === 0 && full.shape[1] === h && full.shape[2] === w) return full;
  return scope.slice(full, [0, rowStart, colStart, 0], [b, h, w, ci]);
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
