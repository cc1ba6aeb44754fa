import { describe, expect, it } from 'vitest';
import { referencePreprocess } from './reference-preprocess.js';

function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const v of bytes) {
    h ^= v;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

describe('referencePreprocess', () => {
  it('crops, stretches, resizes and shifts exactly as the reference pipeline (numpy + Pillow golden)', () => {
    // Values 40..189, so the min/max stretch changes them.
    const frame = new Uint8Array(96 * 96 * 3);
    for (let y = 0; y < 96; y++)
      for (let x = 0; x < 96; x++)
        for (let c = 0; c < 3; c++) frame[(y * 96 + x) * 3 + c] = 40 + ((x * 13 + y * 7 + c * 29 + ((x * y) % 13) * 5) % 150);
    const out = referencePreprocess(frame);
    expect(out.length).toBe(64 * 64 * 3);
    expect(Array.from(out.subarray(0, 3))).toEqual([12, 61, 111]);
    expect(Array.from(out.subarray((40 * 64 + 30) * 3, (40 * 64 + 30) * 3 + 3))).toEqual([127, 176, 175]);
    expect(out.reduce((a, b) => a + b, 0)).toBe(1552361);
    expect(fnv1a(out)).toBe(2303213796);
  });

  it('ignores the indicator bar rows and maps CarRacing colours to the reference palette', () => {
    // Grass (102, 204, 102) with a white kerb pixel (so max = 255, min = 0 from black wheels).
    const frame = new Uint8Array(96 * 96 * 3);
    for (let i = 0; i < 96 * 96; i++) frame.set([102, 204, 102], i * 3);
    frame.set([0, 0, 0], 0);
    frame.set([255, 255, 255], 3);
    // The bar (rows 84..95) would change the min/max if it were not cropped.
    for (let i = 84 * 96; i < 96 * 96; i++) frame.set([7, 7, 7], i * 3);
    const out = referencePreprocess(frame);
    expect(Array.from(out.subarray((40 * 64 + 40) * 3, (40 * 64 + 40) * 3 + 3))).toEqual([101, 203, 101]);
    expect(Array.from(out.subarray((63 * 64 + 40) * 3, (63 * 64 + 40) * 3 + 3))).toEqual([101, 203, 101]);
    // Without the white pixel the checker-free max is 204 → grass stretched to (127, 255, 127), minus 1.
    frame.set([102, 204, 102], 3);
    const out2 = referencePreprocess(frame);
    expect(Array.from(out2.subarray((40 * 64 + 40) * 3, (40 * 64 + 40) * 3 + 3))).toEqual([127, 254, 127]);
  });

  it('rejects frames of the wrong size', () => {
    expect(() => referencePreprocess(new Uint8Array(64 * 64 * 3))).toThrow(/96×96×3/);
  });
});
