import { getKernel, type KernelConfig, type KernelFunc, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.js';

export interface NativeKernelArgs {
  inputs: NamedTensorInfoMap;
  backend: MathBackendCPU;
  attrs: NamedAttrMap;
}

/**
 * A native kernel: returns its output, or null when the case is not covered natively
 * (dtype, layout, broadcast pattern), in which case the cpu backend's kernel runs.
 */
export type NativeImpl = (args: NativeKernelArgs, addon: NativeAddon) => TensorInfo | TensorInfo[] | null;

export interface NativeKernelSpec {
  kernelName: string;
  impl: NativeImpl;
}

/** Wraps a native implementation as a tfjs kernel config with the cpu kernel as fallback. */
export function toKernelConfig(spec: NativeKernelSpec, backendName: string, addon: NativeAddon): KernelConfig {
  const cpu = getKernel(spec.kernelName, 'cpu');
  const fallback: KernelFunc | undefined = cpu?.kernelFunc;
  const kernelFunc: KernelFunc = (args) => {
    const out = spec.impl(args as unknown as NativeKernelArgs, addon);
    if (out !== null) return out;
    if (!fallback) throw new Error(`native backend: no fallback kernel for ${spec.kernelName}`);
    return fallback(args);
  };
  return { kernelName: spec.kernelName, backendName, kernelFunc };
}
