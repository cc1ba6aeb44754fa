import {
  BatchMatMul,
  Conv2D,
  DepthwiseConv2dNative,
  FusedConv2D,
  FusedDepthwiseConv2D,
  _FusedMatMul,
  getKernel,
  registerKernel,
  unregisterKernel,
  type KernelConfig,
  type KernelFunc,
} from '@tensorflow/tfjs-core';
// The wasm backend must register its own kernels first, or it would later replace ours.
import '@tensorflow/tfjs-backend-wasm';
import { conv2dBackpropFilterWasmConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputWasmConfig } from './conv2d-backprop-input.js';
import { einsumWasmConfig } from './einsum.js';
import { depthwiseConv2dBackpropFilterWasmConfig, depthwiseConv2dBackpropInputWasmConfig } from './depthwise-conv2d-backprop.js';
import { withExplicitSamePadding } from './explicit-same-padding.js';
import { withExplicitTranspose } from './matmul-explicit-transpose.js';
import { unsortedSegmentSumWasmConfig } from './unsorted-segment-sum.js';

interface TrainingKernel {
  kernelName: string;
  /** Builds the config from the wasm backend's own kernel of that name (undefined when it has none). */
  build(original: KernelConfig | undefined): KernelConfig;
}

function fixed(config: KernelConfig): TrainingKernel {
  return { kernelName: config.kernelName, build: () => config };
}

function wrapping(kernelName: string, wrap: (original: KernelConfig) => KernelConfig): TrainingKernel {
  return {
    kernelName,
    build(original) {
      if (original === undefined) throw new Error(`the wasm backend has no '${kernelName}' kernel to wrap: is @tensorflow/tfjs-backend-wasm loaded?`);
      return wrap(original);
    },
  };
}

/** Kernels that tfjs-backend-wasm 4.22 lacks, runs slowly or gets wrong, built from its fast kernels. */
const TRAINING_KERNELS: readonly TrainingKernel[] = [
  wrapping(Conv2D, (k) => withExplicitSamePadding(k, false)), // wrong for 'same' with a filter side of 1 at stride 2
  wrapping(FusedConv2D, (k) => withExplicitSamePadding(k, false)),
  wrapping(DepthwiseConv2dNative, (k) => withExplicitSamePadding(k, true)),
  wrapping(FusedDepthwiseConv2D, (k) => withExplicitSamePadding(k, true)),
  wrapping(BatchMatMul, withExplicitTranspose), // transposeA/B ~10× slower than a transpose + plain matmul
  wrapping(_FusedMatMul, withExplicitTranspose),
  fixed(conv2dBackpropFilterWasmConfig), // missing: conv nets could not train
  fixed(conv2dBackpropInputWasmConfig), // present but 6–10× slower than Conv2D; also conv2dTranspose
  fixed(depthwiseConv2dBackpropFilterWasmConfig), // missing
  fixed(depthwiseConv2dBackpropInputWasmConfig), // missing
  fixed(unsortedSegmentSumWasmConfig), // missing: gather's gradient (embeddings)
  fixed(einsumWasmConfig), // missing
];

const ours = new WeakSet<KernelFunc>();
const replaced = new Map<string, KernelConfig>();

/**
 * Registers, for backend 'wasm', the kernels a conv net's training step needs that
 * tfjs-backend-wasm lacks, runs slowly or gets wrong (see README.md in this folder). Safe to call
 * any number of times and before or after `tf.setBackend('wasm')`; returns the names of the
 * kernels this module provides (the same list on every call).
 */
export function registerWasmTrainingKernels(): string[] {
  for (const entry of TRAINING_KERNELS) {
    const current = getKernel(entry.kernelName, 'wasm');
    if (current !== undefined && ours.has(current.kernelFunc)) continue;
    const config = entry.build(current);
    if (current !== undefined) {
      replaced.set(entry.kernelName, current);
      unregisterKernel(entry.kernelName, 'wasm');
    }
    registerKernel(config);
    ours.add(config.kernelFunc);
  }
  return TRAINING_KERNELS.map((k) => k.kernelName);
}

/**
 * The wasm backend's own kernel that `registerWasmTrainingKernels` replaced (for benchmarks and
 * tests comparing before and after), or undefined when it had none.
 */
export function replacedWasmKernel(kernelName: string): KernelConfig | undefined {
  return replaced.get(kernelName);
}
