import { type DType, type NdArray, DTYPE_BYTES, allocate, sizeOf } from './ndarray.js';

/**
 * The NumPy `.npy` format (version 1.0/2.0): a magic string, a header dict
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (T, 3), }` padded to a multiple of
 * 64 bytes, then the raw little-endian data in C order.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const DESCR: Record<DType, string> = {
  uint8: '|u1', int8: '|i1', uint16: '<u2', int16: '<i2', uint32: '<u4', int32: '<i4',
  float16: '<f2', float32: '<f4', float64: '<f8', bool: '|b1',
};

const DTYPE_OF_DESCR: Record<string, DType> = Object.fromEntries(
  Object.entries(DESCR).flatMap(([dtype, descr]) => [
    [descr, dtype as DType],
    [descr.replace('<', '|'), dtype as DType],
    [descr.replace('|', '<'), dtype as DType],
  ]),
);

/** Serialises an array to `.npy` bytes. */
export function encodeNpy(array: NdArray): Uint8Array {
  const { dtype, shape, data } = array;
  if (data.length !== sizeOf(shape)) throw new Error(`npy: data length ${data.length} does not match shape [${shape.join(', ')}]`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const preamble = 10; // magic (6) + version (2) + header length (2)
  const padded = Math.ceil((preamble + header.length + 1) / 64) * 64;
  header = header.padEnd(padded - preamble - 1, ' ') + '\n';
  const byteLength = data.byteLength;
  const out = new Uint8Array(preamble + header.length + byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = header.length & 0xff;
  out[9] = header.length >>> 8;
  for (let i = 0; i < header.length; i++) out[preamble + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, byteLength), preamble + header.length);
  return out;
}

/** Parses `.npy` bytes; errors say what is wrong with the file. */
export function decodeNpy(bytes: Uint8Array, name = 'array'): NdArray {
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw new Error(`${name}: not a .npy array (bad magic)`);
  }
  const major = bytes[6];
  let headerLength: number;
  let offset: number;
  if (major === 1) {
    headerLength = bytes[8]! | (bytes[9]! << 8);
    offset = 10;
  } else if (major === 2 || major === 3) {
    headerLength = (bytes[8]! | (bytes[9]! << 8) | (bytes[10]! << 16) | (bytes[11]! << 24)) >>> 0;
    offset = 12;
  } else {
    throw new Error(`${name}: unsupported .npy version ${major}`);
  }
  if (offset + headerLength > bytes.length) throw new Error(`${name}: truncated .npy header`);
  const header = new TextDecoder('latin1').decode(bytes.subarray(offset, offset + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new Error(`${name}: malformed .npy header ${header.trim()}`);
  if (fortran === 'True') throw new Error(`${name}: Fortran-ordered arrays are not supported`);
  const dtype = DTYPE_OF_DESCR[descr];
  if (!dtype) throw new Error(`${name}: unsupported dtype '${descr}'`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`${name}: bad shape (${shapeText})`);
  const n = sizeOf(shape);
  const start = offset + headerLength;
  const byteLength = n * DTYPE_BYTES[dtype];
  if (bytes.length - start !== byteLength) {
    throw new Error(`${name}: expected ${byteLength} data bytes for shape [${shape.join(', ')}] ${dtype}, found ${bytes.length - start} (truncated or corrupted)`);
  }
  const data = allocate(dtype, n);
  new Uint8Array(data.buffer).set(bytes.subarray(start, start + byteLength));
  return { dtype, shape, data };
}
