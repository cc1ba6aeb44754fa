import {
  ScatterNd,
  UnsortedSegmentSum,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { kernelInput, withWasmKernelScope } from './wasm-kernel-scope.js';

/**
 * UnsortedSegmentSum (the gradient of gather, so of embedding lookups) on the wasm backend:
 *   out[s, ...] = Σ_{i : ids[i] = s} x[i, ...]
 * as one wasm ScatterNd, which adds updates that share an index. Ids outside [0, numSegments)
 * contribute nothing (as on the cpu backend): they are sent to a spare row that is cut off.
 */
function unsortedSegmentSum({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const x = kernelInput(inputs, 'x', UnsortedSegmentSum);
  const segmentIds = kernelInput(inputs, 'segmentIds', UnsortedSegmentSum);
  const numSegments = Number((attrs as { numSegments?: number }).numSegments);
  if (!Number.isInteger(numSegments) || numSegments < 0) throw new Error(`UnsortedSegmentSum (wasm): numSegments must be a non-negative integer, got ${numSegments}`);
  if (segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0]) {
    throw new Error(`UnsortedSegmentSum (wasm): segmentIds must be 1-D with x.shape[0] = ${x.shape[0]} entries, got shape [${segmentIds.shape}]`);
  }
  if (segmentIds.dtype !== 'int32') throw new Error(`UnsortedSegmentSum (wasm): segmentIds must be int32, got ${segmentIds.dtype}`);
  return withWasmKernelScope(backend as KernelBackend, (scope) => {
    const n = x.shape[0] ?? 0;
    const rest = x.shape.slice(1);
    const rowSize = rest.reduce((a, b) => a * b, 1);
    if (n === 0 || rowSize === 0) {
      const zeros = scope.makeFloat32([numSegments, ...rest]);
      scope.heapView(zeros).fill(0);
      return zeros;
    }
    const indices = scope.makeInt32([n, 1]);
    const ids = scope.heapInt32View(segmentIds);
    const target = scope.heapInt32View(indices);
    let outOfRange = false;
    for (let i = 0; i < n; i++) {
      const id = ids[i]!;
      const valid = id >= 0 && id < numSegments;
      outOfRange ||= !valid;
      target[i] = valid ? id : numSegments;
    }
    const rows = numSegments + (outOfRange ? 1 : 0);
    const summed = scope.run(ScatterNd, { indices, updates: scope.reshape(x, [n, rowSize]) }, { shape: [rows, rowSize] }); // [S(+1), R]
    const kept = outOfRange ? scope.slice(summed, [0, 0], [numSegments, rowSize]) : summed;
    return scope.reshape(kept, [numSegments, ...rest]);
  });
}

export const unsortedSegmentSumWasmConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};
