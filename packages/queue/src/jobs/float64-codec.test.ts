import { describe, expect, it } from 'vitest';
import { decodeFloat64, encodeFloat64 } from './float64-codec.js';
import { paramsHash, stableJson } from './content-hash.js';

describe('float64 codec and content hashes', () => {
  it('round-trips every float64 bit pattern that JSON would lose', () => {
    const values = Float64Array.from([0, -0, 1 / 3, -Infinity, Infinity, Number.MIN_VALUE, -1.7976931348623157e308, 123456789.123456789]);
    const back = decodeFloat64(encodeFloat64(values));
    expect(back.length).toBe(values.length);
    for (let i = 0; i < values.length; i++) expect(Object.is(back[i], values[i])).toBe(true);
    expect(Number.isNaN(decodeFloat64(encodeFloat64([Number.NaN]))[0])).toBe(true);
    expect(JSON.parse(JSON.stringify([-Infinity]))[0]).toBe(null); // why the codec exists
    expect(() => decodeFloat64(Buffer.from([1, 2, 3]).toString('base64'), 'job parameters')).toThrow(/job parameters: 3 bytes is not a whole number of float64 values/);
  });

  it('hashes equal content equally, whatever the key order or array view', () => {
    expect(stableJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'z' } })).toBe('{"a":{"c":"z","d":[1,{"x":1,"y":2}]},"b":1}');
    const a = Float64Array.from([1, 2, 3, 4]);
    expect(paramsHash(a.subarray(1, 3))).toBe(paramsHash(Float64Array.from([2, 3])));
    expect(paramsHash(Float64Array.from([0]))).not.toBe(paramsHash(Float64Array.from([-0])));
  });
});
