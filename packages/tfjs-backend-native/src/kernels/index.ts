import { conv2DBackpropFilterKernel, conv2DBackpropInputKernel, conv2DKernel, fusedConv2DKernel } from './conv.js';
import { addNKernel, binaryKernels, compareKernels, unaryKernels } from './elementwise.js';
import type { NativeKernelSpec } from './kernel.js';
import { lstmSequenceGradKernel, lstmSequenceKernel } from './lstm-sequence.js';
import { batchMatMulKernel, fusedMatMulKernel } from './matmul.js';
import { reduceKernels, transposeKernel } from './reduce.js';
import { concatKernel, packKernel, padKernel, sliceKernel } from './slice.js';

/** Every kernel the native backend runs itself; all other kernels are the cpu backend's. */
export const nativeKernels: NativeKernelSpec[] = [
  batchMatMulKernel,
  fusedMatMulKernel,
  conv2DKernel,
  fusedConv2DKernel,
  conv2DBackpropInputKernel,
  conv2DBackpropFilterKernel,
  ...binaryKernels,
  ...compareKernels,
  ...unaryKernels,
  addNKernel,
  ...reduceKernels,
  transposeKernel,
  sliceKernel,
  padKernel,
  concatKernel,
  packKernel,
  lstmSequenceKernel,
  lstmSequenceGradKernel,
];

export const overriddenKernelNames: string[] = nativeKernels.map((k) => k.kernelName);
