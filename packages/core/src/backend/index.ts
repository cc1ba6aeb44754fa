export { initBackend, BACKEND_ORDER, type BackendName, type BackendChoice, type InitBackendOptions } from './init-backend.js';
export { registerWasmTrainingKernels, replacedWasmKernel } from './wasm/register-wasm-training-kernels.js';
