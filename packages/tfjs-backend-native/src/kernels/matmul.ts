import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { activationCode } from './activation.js';
import type { NativeKernelSpec, NativeKernelArgs } from './kernel.js';
import { allocF32, allFloat32, f32, sizeOf } from './util.js';
import type { NativeAddon } from '../addon.js';

/**
 * C[b] = op(A[b]) @ op(B[b]) for a: [...batch, m, k], b: [...batch, k, n] (transposes swap the
 * last two dims). Batch dims broadcast when equal or when one side has a single batch.
 */
function matMul(
  { inputs, backend, attrs }: NativeKernelArgs,
  addon: NativeAddon,
  bias: TensorInfo | undefined,
  activation: number,
  alpha: number,
): TensorInfo | null {
  const a = inputs.a as TensorInfo;
  const b = inputs.b as TensorInfo;
  if (!allFloat32(a, b, bias) || a.shape.length < 2 || b.shape.length < 2) return null;
  const transposeA = Boolean(attrs.transposeA);
  const transposeB = Boolean(attrs.transposeB);
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  if (k !== kb) {
    throw new Error(
      `Error in matMul: inner shapes (${k}) and (${kb}) of Tensors with shapes ${a.shape} and ${b.shape} ` +
        `and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const sizeA = sizeOf(batchA);
  const sizeB = sizeOf(batchB);
  const batchShape = backend_util.assertAndGetBroadcastShape(batchA, batchB);
  const batch = sizeOf(batchShape);
  // Broadcasting is supported when one side has one matrix or both have the same batch layout.
  const sameLayout = sizeA === sizeB && sizeA === batch;
  if (!(sameLayout || sizeA === 1 || sizeB === 1)) return null;
  if ((sizeA === 1 && sizeB !== batch) || (sizeB === 1 && sizeA !== batch)) return null;
  let biasValues: Float32Array | null = null;
  if (bias) {
    const bs = sizeOf(bias.shape);
    // Per-column bias ([n], [1, n], ...) or a scalar; anything else goes to the cpu kernel.
    const lastDim = bias.shape.length === 0 ? 1 : bias.shape[bias.shape.length - 1]!;
    // Also a bias of the output's full shape (2-D products only).
    const full = batch === 1 && bias.shape.length === 2 && bias.shape[0] === m && bias.shape[1] === n && m > 1;
    if (!(bs === 1 || (bs === n && lastDim === n) || full)) return null;
    biasValues = f32(backend, bias);
  }
  const outShape = [...batchShape, m, n];
  const out = allocF32(backend, batch * m * n);
  addon.gemm(
    f32(backend, a), f32(backend, b), out, batch, m, n, k, transposeA, transposeB,
    sizeA === 1 ? 0 : m * k, sizeB === 1 ? 0 : k * n, biasValues, activation, alpha,
  );
  return backend.makeTensorInfo(outShape, 'float32', out);
}

export const batchMatMulKernel: NativeKernelSpec = {
  kernelName: 'BatchMatMul',
  impl: (args, addon) => matMul(args, addon, undefined, 0, 0),
};

export const fusedMatMulKernel: NativeKernelSpec = {
  kernelName: '_FusedMatMul',
  impl: (args, addon) => {
    const act = activationCode(args.attrs.activation);
    if (act === null) return null; // prelu: cpu kernel
    const alpha = Number(args.attrs.leakyreluAlpha ?? 0.2);
    return matMul(args, addon, args.inputs.bias as TensorInfo | undefined, act, alpha);
  },
};
