export { register, isAvailable, nativeInfo, setNumThreads, BACKEND_NAME } from './register.js';
export type { NativeInfo } from './register.js';
export { NativeBackend } from './backend.js';
export { overriddenKernelNames } from './kernels/index.js';
