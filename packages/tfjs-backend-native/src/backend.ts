import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

/**
 * The native backend: the cpu backend's data storage and kernels, with the hot kernels
 * replaced by native ones that read and write the same Float32Arrays in place.
 */
export class NativeBackend extends MathBackendCPU {}
