import { describe, expect, it } from 'vitest';
import { causalKernelMask, channelGroup, contiguousGroups } from './layers/masks.js';

describe('causal masks', () => {
  it('splits channels into contiguous groups and rejects uneven splits', () => {
    expect(contiguousGroups(6, 3)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(contiguousGroups(4, 1)).toEqual([0, 0, 0, 0]);
    expect(() => channelGroup(0, 5, 3)).toThrow(/5 channels cannot be split into 3/);
  });

  it('type A hides the current sub-pixel and later channels; type B shows the current one', () => {
    // 3×3 kernel, RGB in and out: at the centre A is strictly lower triangular, B lower triangular.
    const g = [0, 1, 2];
    const a = causalKernelMask(3, 3, g, g, 'A', [1, 1]);
    const b = causalKernelMask(3, 3, g, g, 'B', [1, 1]);
    const at = (m: Float32Array, y: number, x: number, i: number, o: number) => m[((y * 3 + x) * 3 + i) * 3 + o];
    for (let i = 0; i < 3; i++) {
      for (let o = 0; o < 3; o++) {
        expect(at(a, 1, 1, i, o)).toBe(i < o ? 1 : 0);
        expect(at(b, 1, 1, i, o)).toBe(i <= o ? 1 : 0);
        for (const m of [a, b]) {
          expect(at(m, 0, 2, i, o)).toBe(1); // row above
          expect(at(m, 1, 0, i, o)).toBe(1); // left
          expect(at(m, 1, 2, i, o)).toBe(0); // right
          expect(at(m, 2, 0, i, o)).toBe(0); // row below
        }
      }
    }
    expect(a.reduce((s, v) => s + v, 0)).toBe(4 * 9 + 3);
    expect(b.reduce((s, v) => s + v, 0)).toBe(4 * 9 + 6);
    expect(() => causalKernelMask(3, 3, g, g, 'A', [3, 1])).toThrow(/outside a 3×3 kernel/);
  });
});
