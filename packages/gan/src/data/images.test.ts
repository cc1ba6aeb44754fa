import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../test-support/backend.js';
import { downscaleArea, downscaleLabels, imagesToTensor, labelsToTensor, tensorToImages } from './images.js';

beforeAll(useTestBackend);

describe('image data helpers', () => {
  it('maps bytes to [−1, 1] and back exactly', () => {
    const bytes = Uint8Array.from([0, 1, 127, 128, 254, 255]);
    const t = imagesToTensor(bytes, 1, 1, 2, 3);
    const v = Array.from(t.dataSync());
    expect(v[0]).toBe(-1);
    expect(v[5]).toBe(1);
    expect(Array.from(tensorToImages(t))).toEqual(Array.from(bytes));
    t.dispose();
    expect(() => imagesToTensor(bytes, 2, 1, 2, 3)).toThrow(/do not hold 2×1×2×3/);
  });

  it('area-downscales frames and majority-downscales label maps over the same blocks', () => {
    // One 4×4 grey image: 2×2 blocks average to 10, 20 / 30, 40 (with rounding of .5 up).
    const img = Uint8Array.from([0, 20, 10, 30, 0, 20, 10, 30, 20, 40, 30, 50, 20, 40, 30, 50]);
    expect(Array.from(downscaleArea(img, 1, 4, 4, 1, 2))).toEqual([10, 20, 30, 40]);
    const labels = Uint8Array.from([1, 1, 2, 2, 1, 3, 2, 0, 0, 0, 4, 4, 0, 5, 4, 5]);
    // Blocks: {1,1,1,3} → 1; {2,2,2,0} → 2; {0,0,0,5} → 0; {4,4,4,5} → 4.
    expect(Array.from(downscaleLabels(labels, 1, 4, 4, 2, 6))).toEqual([1, 2, 0, 4]);
    // Ties go to the smaller class index.
    expect(Array.from(downscaleLabels(Uint8Array.from([3, 1, 1, 3]), 1, 2, 2, 2, 4))).toEqual([1]);
    expect(() => downscaleArea(img, 1, 4, 4, 1, 3)).toThrow(/dividing 4×4/);
    expect(() => downscaleLabels(labels, 1, 4, 4, 2, 5)).toThrow(/label 5 is not below numClasses 5/);
  });

  it('one-hot encodes label maps in [−1, 1]', () => {
    const t = labelsToTensor(Uint8Array.from([0, 2]), 1, 1, 2, 3);
    expect(t.shape).toEqual([1, 1, 2, 3]);
    expect(Array.from(t.dataSync())).toEqual([1, -1, -1, -1, -1, 1]);
    t.dispose();
  });
});
