import { describe, expect, it } from 'vitest';
import { glChannel, RgbCanvas } from './raster.js';

const at = (c: RgbCanvas, x: number, y: number): number[] => Array.from(c.data.subarray((y * c.width + x) * 3, (y * c.width + x) * 3 + 3));

describe('RgbCanvas', () => {
  it('clears every pixel to one colour, whatever the size', () => {
    for (const [w, h] of [[96, 96], [7, 5], [1, 1]] as const) {
      const c = new RgbCanvas(w, h);
      c.clear(10, 20, 30);
      for (let i = 0; i < c.data.length; i += 3) expect([c.data[i], c.data[i + 1], c.data[i + 2]]).toEqual([10, 20, 30]);
    }
  });

  it('fills exactly the pixels whose centres lie inside a polygon', () => {
    const c = new RgbCanvas(8, 8);
    // Square [1, 4) × [2, 5): centres x 1.5, 2.5, 3.5 and y 2.5, 3.5, 4.5 → 9 pixels.
    c.fillConvex([1, 2, 4, 2, 4, 5, 1, 5], 4, 255, 0, 0);
    let filled = 0;
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) if (at(c, x, y)[0] === 255) filled++;
    expect(filled).toBe(9);
    expect(at(c, 1, 2)).toEqual([255, 0, 0]);
    expect(at(c, 4, 2)).toEqual([0, 0, 0]);
    // A triangle, clipped by the frame, either winding.
    const t = new RgbCanvas(4, 4);
    // Hypotenuse x + y = 4: pixel (1, 1) has centre sum 3 (inside), (2, 2) sum 5 (outside).
    t.fillConvex([-2, 6, 6, -2, -2, -2], 3, 0, 255, 0);
    expect(at(t, 0, 0)).toEqual([0, 255, 0]);
    expect(at(t, 1, 1)).toEqual([0, 255, 0]);
    expect(at(t, 2, 0)).toEqual([0, 255, 0]);
    expect(at(t, 2, 2)).toEqual([0, 0, 0]);
    expect(at(t, 3, 3)).toEqual([0, 0, 0]);
  });

  it("converts float colours to bytes as OpenGL did in gym's frames", () => {
    expect([0.4, 0.41, 0.42, 0.8, 0.9, 0.3, 1, 0].map(glChannel)).toEqual([102, 105, 107, 204, 229, 77, 255, 0]);
  });
});
