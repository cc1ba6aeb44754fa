import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { BackendValues, DataId, TensorInfo } from '@tensorflow/tfjs-core';

/** Upper bound of the bytes kept for reuse (WORLDMODELS_NATIVE_RECYCLE_MB, default 512; 0 turns reuse off). */
function recycleLimitBytes(): number {
  const mb = Number(process.env.WORLDMODELS_NATIVE_RECYCLE_MB ?? 512);
  return Number.isFinite(mb) && mb >= 0 ? mb * 1024 * 1024 : 512 * 1024 * 1024;
}

/**
 * The native backend: the cpu backend's data storage and kernels, with the hot kernels
 * replaced by native ones that read and write the same Float32Arrays in place.
 *
 * Output arrays of native kernels are reused once their tensor is disposed: every such array
 * is written in full by the kernel that gets it, so no zeroing is needed, and reuse spares V8
 * the allocation and the garbage collections that thousands of large short-lived arrays per
 * training step would cost. An array is never reused once it may be referenced elsewhere: when
 * it was read out (`dataSync`, `data`, `bufferSync`) or passed to a cpu kernel (which may
 * return a view of it).
 */
export class NativeBackend extends MathBackendCPU {
  private readonly owned = new WeakSet<Float32Array>();
  private readonly escaped = new WeakSet<Float32Array>();
  private readonly free = new Map<number, Float32Array[]>();
  private freeBytes = 0;
  private readonly maxFreeBytes = recycleLimitBytes();

  /** A Float32Array of length n whose contents are unspecified (the caller writes all of it). */
  allocFloat32(n: number): Float32Array {
    const reused = this.free.get(n)?.pop();
    if (reused) {
      this.freeBytes -= reused.byteLength;
      return reused;
    }
    const fresh = new Float32Array(n);
    if (n >= 1024) this.owned.add(fresh);
    return fresh;
  }

  /** Marks the values of these tensors as possibly referenced outside the backend. */
  markEscaped(tensors: Iterable<TensorInfo | undefined>): void {
    for (const t of tensors) {
      if (!t) continue;
      const v = this.data.get(t.dataId)?.values;
      if (v instanceof Float32Array) this.escaped.add(v);
    }
  }

  private escape(values: unknown): void {
    if (values instanceof Float32Array) this.escaped.add(values);
  }

  override readSync(dataId: DataId): BackendValues {
    const values = super.readSync(dataId);
    this.escape(values);
    return values;
  }

  override async read(dataId: DataId): Promise<BackendValues> {
    const values = await super.read(dataId);
    this.escape(values);
    return values;
  }

  override bufferSync<R extends import('@tensorflow/tfjs-core').Rank, D extends import('@tensorflow/tfjs-core').DataType>(
    t: TensorInfo,
  ): import('@tensorflow/tfjs-core').TensorBuffer<R, D> {
    this.escape(this.data.get(t.dataId)?.values);
    return super.bufferSync<R, D>(t);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const values = this.data.get(dataId)?.values;
    const deleted = super.disposeData(dataId, force);
    if (deleted && values instanceof Float32Array && this.owned.has(values) && !this.escaped.has(values)) {
      if (this.freeBytes + values.byteLength <= this.maxFreeBytes) {
        let list = this.free.get(values.length);
        if (!list) this.free.set(values.length, (list = []));
        list.push(values);
        this.freeBytes += values.byteLength;
      }
    }
    return deleted;
  }

  override dispose(): void {
    this.free.clear();
    this.freeBytes = 0;
    super.dispose();
  }
}
