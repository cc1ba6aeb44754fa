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
    markInputsEscaped(args);
    return fallback(args);
  };
  return { kernelName: spec.kernelName, backendName, kernelFunc };
}

/** Kernels that share their input's data (same dataId) instead of viewing or copying it. */
const SHARING_KERNELS = new Set(['Reshape', 'Identity', 'Cast', 'ExpandDims', 'Squeeze']);

/** Inputs handed to a cpu kernel may end up referenced by its output (views): never reuse them. */
export function markInputsEscaped(args: { inputs: unknown; backend: unknown }): void {
  const backend = args.backend as { markEscaped?: (ts: Iterable<TensorInfo | undefined>) => void };
  if (backend.markEscaped) backend.markEscaped(Object.values(args.inputs as Record<string, TensorInfo | undefined>));
}

/** A cpu kernel config re-registered for the native backend. */
export function cpuKernelConfig(config: KernelConfig, backendName: string): KernelConfig {
  if (SHARING_KERNELS.has(config.kernelName)) return { ...config, backendName };
  const cpu = config.kernelFunc;
  return {
    ...config,
    backendName,
    kernelFunc: (args) => {
      markInputsEscaped(args as unknown as { inputs: unknown; backend: unknown });
      return cpu(args);
    },
  };
}
