/** Element types the data set store reads and writes, named as NumPy names them. */
export type DType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float16' | 'float32' | 'float64' | 'bool';

/** The typed array that holds each dtype (float16 is kept as raw IEEE half bits in a Uint16Array). */
export interface DTypeArrays {
  uint8: Uint8Array;
  int8: Int8Array;
  uint16: Uint16Array;
  int16: Int16Array;
  uint32: Uint32Array;
  int32: Int32Array;
  float16: Uint16Array;
  float32: Float32Array;
  float64: Float64Array;
  bool: Uint8Array;
}

export type TypedArray = DTypeArrays[DType];

/** An n-dimensional array in C (row-major) order. */
export interface NdArray<D extends DType = DType> {
  dtype: D;
  shape: number[];
  data: DTypeArrays[D];
}

export const DTYPE_BYTES: Record<DType, number> = {
  uint8: 1, int8: 1, uint16: 2, int16: 2, uint32: 4, int32: 4, float16: 2, float32: 4, float64: 8, bool: 1,
};

/** Allocates a zeroed typed array for a dtype. */
export function allocate<D extends DType>(dtype: D, length: number): DTypeArrays[D] {
  const ctor = {
    uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array, uint32: Uint32Array,
    int32: Int32Array, float16: Uint16Array, float32: Float32Array, float64: Float64Array, bool: Uint8Array,
  }[dtype];
  return new ctor(length) as DTypeArrays[D];
}

/** The product of a shape's dimensions. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Builds an NdArray, checking that the data length matches the shape. */
export function ndarray<D extends DType>(dtype: D, shape: number[], data: DTypeArrays[D]): NdArray<D> {
  const n = sizeOf(shape);
  if (data.length !== n) throw new Error(`array of shape [${shape.join(', ')}] needs ${n} elements, got ${data.length}`);
  return { dtype, shape, data };
}

/** The dtype name of a typed array (Uint16Array is read as uint16, Uint8Array as uint8). */
export function dtypeOf(data: TypedArray): DType {
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  throw new Error('unsupported typed array');
}
