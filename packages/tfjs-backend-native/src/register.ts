import '@tensorflow/tfjs-backend-cpu';
import { engine, findBackend, getKernelsForBackend, registerBackend, registerKernel } from '@tensorflow/tfjs-core';
import { loadAddon, requireAddon } from './addon.js';
import { NativeBackend } from './backend.js';
import { nativeKernels } from './kernels/index.js';
import { cpuKernelConfig, toKernelConfig } from './kernels/kernel.js';

export const BACKEND_NAME = 'native';

/** Priority below tensorflow (node bindings, 3) and above wasm (2) and cpu (1). */
const PRIORITY = 2.5;

let registered = false;

/** What `nativeInfo()` reports. */
export interface NativeInfo {
  available: boolean;
  error?: string;
  onednn?: string;
  threads?: number;
  isa?: string;
  threading?: string;
  kernels: string[];
}

/** True when the compiled addon loads on this machine. */
export function isAvailable(): boolean {
  return loadAddon().addon !== null;
}

/** Library version, thread count and instruction set the addon runs with. */
export function nativeInfo(): NativeInfo {
  const { addon, error } = loadAddon();
  const kernels = nativeKernels.map((k) => k.kernelName);
  if (!addon) return { available: false, error: error?.message ?? 'unavailable', kernels };
  const i = addon.info();
  return { available: true, onednn: i.onednn, threads: i.threads, isa: i.isa, threading: i.threading, kernels };
}

/** Threads the native kernels use (default: all cores, or WORLDMODELS_NUM_THREADS). */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`setNumThreads: expected a positive integer, got ${n}`);
  requireAddon().setNumThreads(n);
}

function detail(): string {
  const i = nativeInfo();
  return `oneDNN ${i.onednn}, ${i.threads} threads (${i.threading}), ISA ${i.isa}, ${i.kernels.length} native kernels`;
}

/**
 * Registers the 'native' TensorFlow.js backend (idempotent). Throws an Error saying how to
 * build the addon when it is not available. Does not make it the active backend: call
 * `tf.setBackend('native')` (core's `initBackend` does).
 */
export async function register(): Promise<{ name: 'native'; detail: string }> {
  if (registered && findBackend(BACKEND_NAME)) return { name: BACKEND_NAME, detail: detail() };
  const addon = requireAddon();
  // Every cpu kernel first, then the native overrides on top.
  const overridden = new Set(nativeKernels.map((k) => k.kernelName));
  for (const config of getKernelsForBackend('cpu')) {
    if (!overridden.has(config.kernelName)) registerKernel(cpuKernelConfig(config, BACKEND_NAME));
  }
  for (const spec of nativeKernels) registerKernel(toKernelConfig(spec, BACKEND_NAME, addon));
  if (!engine().registryFactory[BACKEND_NAME]) registerBackend(BACKEND_NAME, () => new NativeBackend(), PRIORITY);
  registered = true;
  return { name: BACKEND_NAME, detail: detail() };
}
