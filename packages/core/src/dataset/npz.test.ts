import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromHalfBits, toHalfBits } from './float16.js';
import { decodeNpy, encodeNpy } from './npy.js';
import { decodeNpz, encodeNpz, readNpz, writeNpz } from './npz.js';

function pythonWithNumpy(): string | null {
  for (const py of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(py, ['-c', 'import numpy'], { stdio: 'ignore' });
      return py;
    } catch {
      /* try the next */
    }
  }
  return null;
}

describe('npy / npz', () => {
  it('round-trips every dtype with its shape', () => {
    const arrays = {
      u8: { dtype: 'uint8' as const, shape: [2, 3], data: Uint8Array.of(0, 1, 2, 253, 254, 255) },
      f32: { dtype: 'float32' as const, shape: [3], data: Float32Array.of(1.5, -2, Math.PI) },
      f64: { dtype: 'float64' as const, shape: [1, 1], data: Float64Array.of(Math.E) },
      i32: { dtype: 'int32' as const, shape: [2], data: Int32Array.of(-7, 2 ** 30) },
      f16: { dtype: 'float16' as const, shape: [2], data: Uint16Array.of(toHalfBits(0.5), toHalfBits(-3)) },
      scalar: { dtype: 'float32' as const, shape: [], data: Float32Array.of(4) },
    };
    for (const compress of [true, false]) {
      const back = decodeNpz(encodeNpz(arrays, { compress }));
      for (const [k, a] of Object.entries(arrays)) {
        expect(back[k]!.dtype).toBe(a.dtype);
        expect(back[k]!.shape).toEqual(a.shape);
        expect(Array.from(back[k]!.data)).toEqual(Array.from(a.data));
      }
    }
  });

  it('writes byte-identical archives for identical arrays', () => {
    const a = { x: { dtype: 'uint8' as const, shape: [4], data: Uint8Array.of(1, 2, 3, 4) } };
    const first = encodeNpz(a);
    const later = encodeNpz({ x: { ...a.x, data: Uint8Array.of(1, 2, 3, 4) } });
    expect(Buffer.from(later).equals(Buffer.from(first))).toBe(true);
  });

  it('aligns the npy header to 64 bytes', () => {
    const bytes = encodeNpy({ dtype: 'uint8', shape: [5], data: new Uint8Array(5) });
    const headerLength = bytes[8]! | (bytes[9]! << 8);
    expect((10 + headerLength) % 64).toBe(0);
    expect(bytes[10 + headerLength - 1]).toBe(0x0a);
  });

  it('reports truncated arrays and archives', () => {
    const bytes = encodeNpy({ dtype: 'float32', shape: [4], data: new Float32Array(4) });
    expect(() => decodeNpy(bytes.subarray(0, bytes.length - 3), 'x')).toThrow(/x: expected 16 data bytes.*truncated/);
    const npz = encodeNpz({ a: { dtype: 'uint8', shape: [100], data: new Uint8Array(100) } });
    expect(() => decodeNpz(npz.subarray(0, npz.length - 30), 'ep.npz')).toThrow(/ep.npz/);
  });

  it('converts float16 with round-to-nearest-even, subnormals and infinities', () => {
    expect(fromHalfBits(toHalfBits(1))).toBe(1);
    expect(fromHalfBits(toHalfBits(65504))).toBe(65504);
    expect(fromHalfBits(toHalfBits(1e6))).toBe(Infinity);
    expect(fromHalfBits(toHalfBits(2 ** -24))).toBe(2 ** -24);
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00); // tie rounds to even
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(Number.isNaN(fromHalfBits(toHalfBits(NaN)))).toBe(true);
  });

  const py = pythonWithNumpy();
  it.skipIf(!py)('writes files numpy.load reads, and reads files numpy writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wm-npz-'));
    const ours = join(dir, 'ours.npz');
    await writeNpz(ours, {
      observations: { dtype: 'uint8', shape: [2, 2, 2, 3], data: Uint8Array.from({ length: 24 }, (_, i) => i * 10) },
      actions: { dtype: 'float32', shape: [2, 3], data: Float32Array.of(0.5, -1, 0, 1, 0.25, 0.125) },
    });
    const script = `
import numpy as np, sys
d = np.load(sys.argv[1])
assert d['observations'].dtype == np.uint8 and d['observations'].shape == (2, 2, 2, 3)
assert int(d['observations'][1, 1, 1, 2]) == 230
assert d['actions'].dtype == np.float32 and float(d['actions'][1, 2]) == 0.125
np.savez_compressed(sys.argv[2], mu=np.arange(6, dtype=np.float16).reshape(2, 3), dones=np.array([False, True]))
`;
    writeFileSync(join(dir, 'check.py'), script);
    execFileSync(py!, [join(dir, 'check.py'), ours, join(dir, 'theirs.npz')]);
    const theirs = await readNpz(join(dir, 'theirs.npz'));
    expect(theirs.mu!.dtype).toBe('float16');
    expect(theirs.mu!.shape).toEqual([2, 3]);
    expect(Array.from(theirs.mu!.data as Uint16Array, fromHalfBits)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(theirs.dones!.dtype).toBe('bool');
    expect(Array.from(theirs.dones!.data)).toEqual([0, 1]);
  });
});
