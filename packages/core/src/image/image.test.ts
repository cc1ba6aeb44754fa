import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frame, imageGrid, upscale } from './frame.js';
import { encodeGif } from './gif.js';
import { decodePng, encodePng } from './png.js';
import { writeGif, writePng } from './write.js';

const gradient = (h: number, w: number, shift = 0) =>
  frame(Uint8Array.from({ length: h * w * 3 }, (_, i) => (i * 7 + shift) % 256), h, w, 3);

describe('images', () => {
  it('PNG round-trips RGB and grey frames bit-exactly', () => {
    const f = gradient(5, 7);
    const back = decodePng(encodePng(f));
    expect(back.width).toBe(7);
    expect(back.height).toBe(5);
    expect(back.channels).toBe(3);
    expect(Array.from(back.data)).toEqual(Array.from(f.data));
    const g = frame(Uint8Array.of(0, 50, 100, 255), 2, 2, 1);
    expect(Array.from(decodePng(encodePng(g)).data)).toEqual([0, 50, 100, 255]);
  });

  it('reads the reference CarRacing frames', () => {
    const f = decodePng(new Uint8Array(readFileSync(new URL('../../../../../shared/data/carracing-reference-frames/15.png', import.meta.url))));
    expect([f.height, f.width]).toEqual([64, 64]);
    expect([3, 4]).toContain(f.channels);
  });

  it('tiles frames into a grid with gaps', () => {
    const a = frame(new Uint8Array(2 * 2 * 3).fill(10), 2, 2, 3);
    const b = frame(new Uint8Array(2 * 2 * 3).fill(20), 2, 2, 3);
    const g = imageGrid([a, b, b, a], 2, 2, { gap: 1, background: 0 });
    expect([g.height, g.width]).toEqual([5, 5]);
    const px = (y: number, x: number) => g.data[(y * 5 + x) * 3];
    expect([px(0, 0), px(0, 2), px(0, 3), px(2, 2), px(3, 0), px(4, 4)]).toEqual([10, 0, 20, 0, 20, 10]);
    expect(() => imageGrid([a, frame(new Uint8Array(3), 1, 1, 3)], 1, 2)).toThrow(/same size/);
    expect(upscale(a, 3).width).toBe(6);
  });

  it('encodes an animated GIF and writes files atomically', async () => {
    const frames = [gradient(8, 8, 0), gradient(8, 8, 40), gradient(8, 8, 80)];
    const bytes = encodeGif(frames, { fps: 10 });
    expect(new TextDecoder().decode(bytes.subarray(0, 6))).toBe('GIF89a');
    // One image descriptor (0x2c) after each graphic control extension (0x21 0xf9).
    let gce = 0;
    for (let i = 0; i + 1 < bytes.length; i++) if (bytes[i] === 0x21 && bytes[i + 1] === 0xf9) gce++;
    expect(gce).toBe(3);
    const dir = mkdtempSync(join(tmpdir(), 'wm-img-'));
    await writeGif(join(dir, 'a.gif'), frames);
    await writePng(join(dir, 'a.png'), frames[0]!);
    expect(readFileSync(join(dir, 'a.gif')).length).toBe(bytes.length);
    expect(decodePng(new Uint8Array(readFileSync(join(dir, 'a.png')))).width).toBe(8);
  });
});
