import { decode, encode } from 'fast-png';
import type { Frame } from './frame.js';

/** Encodes a frame as PNG bytes. */
export function encodePng(f: Frame): Uint8Array {
  return encode({ width: f.width, height: f.height, data: f.data, channels: f.channels, depth: 8 });
}

/** Decodes 8-bit PNG bytes to a frame (palette images are expanded to RGB/RGBA). */
export function decodePng(bytes: Uint8Array): Frame {
  const png = decode(bytes);
  if (png.depth !== 8) throw new Error(`only 8-bit PNGs are supported, got depth ${png.depth}`);
  let { data, channels } = png as unknown as { data: Uint8Array; channels: number };
  if (png.palette) {
    const pal = png.palette as number[][];
    const pc = pal[0]!.length;
    const out = new Uint8Array(png.width * png.height * pc);
    for (let i = 0; i < png.width * png.height; i++) out.set(pal[data[i]!]!, i * pc);
    data = out;
    channels = pc;
  }
  if (channels === 2) throw new Error('grey+alpha PNGs are not supported');
  return { data: new Uint8Array(data), width: png.width, height: png.height, channels: channels as 1 | 3 | 4 };
}
