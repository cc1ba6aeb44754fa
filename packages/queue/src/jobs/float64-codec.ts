/**
 * Float64Array ⇄ base64 of its little-endian bytes: exact for every value, including −0, ±Infinity
 * and NaN payloads, which JSON numbers are not (JSON turns ±Infinity into null).
 */
export function encodeFloat64(values: Float64Array | readonly number[]): string {
  const array = values instanceof Float64Array ? values : Float64Array.from(values);
  const bytes = Buffer.from(array.buffer, array.byteOffset, array.byteLength);
  if (!littleEndian) bytes.swap64();
  return bytes.toString('base64');
}

/** The inverse of {@link encodeFloat64}; `what` names the value in errors. */
export function decodeFloat64(encoded: string, what = 'value'): Float64Array {
  if (typeof encoded !== 'string') throw new Error(`${what} must be a base64 string of float64 values, got ${typeof encoded}`);
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length % 8 !== 0) throw new Error(`${what}: ${bytes.length} bytes is not a whole number of float64 values`);
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  if (!littleEndian) Buffer.from(copy.buffer).swap64();
  return new Float64Array(copy.buffer);
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
