/// <reference path="./gifenc.d.ts" />
import * as gifencModule from 'gifenc';

// gifenc ships CommonJS for Node (seen from ESM as one default export holding the functions) and
// ESM for bundlers (named exports, whose default is GIFEncoder itself).
type Gifenc = typeof gifencModule;
const gifenc: Gifenc =
  typeof (gifencModule as Partial<Gifenc>).GIFEncoder === 'function' ? gifencModule : (gifencModule as unknown as { default: Gifenc }).default;
import { type Frame, toRgba } from './frame.js';

export interface GifOptions {
  /** Frames per second (default 25). */
  fps?: number;
  /** Loop forever (default true). */
  loop?: boolean;
  /** Colours per frame, up to 256 (default 256). */
  colors?: number;
}

/** Encodes an animation as GIF bytes, quantising each frame to its own palette. */
export function encodeGif(frames: Frame[], options: GifOptions = {}): Uint8Array {
  const first = frames[0];
  if (!first) throw new Error('encodeGif needs at least one frame');
  const delay = Math.round(1000 / (options.fps ?? 25));
  const encoder = gifenc.GIFEncoder();
  for (const f of frames) {
    if (f.width !== first.width || f.height !== first.height) throw new Error('encodeGif: all frames must have the same size');
    const rgba = toRgba(f);
    const palette = gifenc.quantize(rgba, options.colors ?? 256);
    const index = gifenc.applyPalette(rgba, palette);
    encoder.writeFrame(index, f.width, f.height, { palette, delay, repeat: options.loop === false ? -1 : 0 });
  }
  encoder.finish();
  return encoder.bytes();
}
