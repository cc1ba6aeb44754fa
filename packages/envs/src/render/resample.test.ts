import { describe, expect, it } from 'vitest';
import { resizeBilinear } from './resample.js';

function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const v of bytes) {
    h ^= v;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The test image of the Pillow golden values below (same formula in Python/numpy). */
function pattern(h: number, w: number): Uint8Array {
  const out = new Uint8Array(h * w * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++) out[(y * w + x) * 3 + c] = (x * 37 + y * 91 + c * 53 + ((x * y) % 17) * 11) % 256;
  return out;
}

describe('resizeBilinear', () => {
  it("matches Pillow's Image.resize(BILINEAR) byte for byte", () => {
    // Golden values from Pillow 9.4: Image.fromarray(img).resize((64, 64), Image.BILINEAR).
    const out = resizeBilinear(pattern(84, 96), 84, 96, 3, 64, 64);
    expect(Array.from(out.subarray(0, 3))).toEqual([41, 94, 147]);
    expect(Array.from(out.subarray((63 * 64 + 63) * 3, (63 * 64 + 63) * 3 + 3))).toEqual([151, 91, 75]);
    expect(Array.from(out.subarray((10 * 64 + 20) * 3, (10 * 64 + 20) * 3 + 3))).toEqual([186, 129, 37]);
    expect(out.reduce((a, b) => a + b, 0)).toBe(1573883);
    expect(fnv1a(out)).toBe(3917734102);
    // A non-square target (resize((48, 30)) is width 48, height 30).
    const out2 = resizeBilinear(pattern(84, 96), 84, 96, 3, 30, 48);
    expect(out2.reduce((a, b) => a + b, 0)).toBe(553963);
    expect(fnv1a(out2)).toBe(417226202);
  });

  it('averages the whole footprint when halving (a [1, 3, 3, 1] / 8 triangle)', () => {
    // One row of 8 grey pixels with a spike at x = 3: output 1 (centre 3) weighs it 3/8, output 2 (centre 5) 1/8.
    const src = new Uint8Array(8);
    src[3] = 80;
    const out = resizeBilinear(src, 1, 8, 1, 1, 4);
    expect(Array.from(out)).toEqual([0, 30, 10, 0]);
  });

  it('keeps flat images flat and rejects a wrong buffer size', () => {
    const flat = new Uint8Array(96 * 96 * 3).fill(123);
    expect(resizeBilinear(flat, 96, 96, 3, 64, 64).every((v) => v === 123)).toBe(true);
    expect(() => resizeBilinear(flat, 96, 95, 3, 64, 64)).toThrow(/expected 96×95×3/);
  });
});
